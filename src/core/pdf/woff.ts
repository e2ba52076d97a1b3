/**
 * WOFF 1.0 to the font it wraps (TrueType or CFF in an sfnt), done once when
 * the fonts are loaded (fonts.ts). fontkit reads a WOFF's tables by inflating
 * them on every read, and pdfkit opens a new fontkit font for each document:
 * a sheet of labels inflated Noto's whole `glyf` table again for each glyph
 * it drew. The sfnt holds the same tables, uncompressed.
 *
 * The layout is that of the W3C WOFF 1.0 recommendation
 * (https://www.w3.org/TR/WOFF/): a 44-byte header, a directory of 20-byte
 * entries (tag, offset, compressed length, original length, checksum), each
 * table zlib-compressed unless compressing did not make it smaller. The sfnt
 * is the OpenType offset table, its 16-byte table records in the directory's
 * order (which the recommendation requires to be ascending by tag), then the
 * tables, each padded to four bytes.
 */
import zlib from 'node:zlib';

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'
const HEADER = 44;
const ENTRY = 20;
const RECORD = 16;

const pad4 = (n: number) => (n + 3) & ~3;

export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < HEADER || woff.readUInt32BE(0) !== WOFF_SIGNATURE) throw new Error('Not a WOFF 1.0 font (no wOFF signature).');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  if (numTables === 0 || HEADER + numTables * ENTRY > woff.length) throw new Error(`WOFF directory of ${numTables} tables does not fit in ${woff.length} bytes.`);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const at = HEADER + i * ENTRY;
    const [tag, offset, compLength, origLength, checksum] = [0, 4, 8, 12, 16].map((o) => woff.readUInt32BE(at + o)) as [number, number, number, number, number];
    if (offset + compLength > woff.length) throw new Error(`WOFF table ${i} runs past the end of the file.`);
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? zlib.inflateSync(stored) : stored;
    if (data.length !== origLength) throw new Error(`WOFF table ${i} is ${data.length} bytes once inflated, not ${origLength}.`);
    return { tag, checksum, data };
  });
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  const size = 12 + numTables * RECORD + tables.reduce((sum, t) => sum + pad4(t.data.length), 0);
  const sfnt = Buffer.alloc(size);
  sfnt.writeUInt32BE(flavor, 0);
  sfnt.writeUInt16BE(numTables, 4);
  sfnt.writeUInt16BE(searchRange, 6);
  sfnt.writeUInt16BE(entrySelector, 8);
  sfnt.writeUInt16BE(numTables * 16 - searchRange, 10);
  let offset = 12 + numTables * RECORD;
  tables.forEach((t, i) => {
    const at = 12 + i * RECORD;
    sfnt.writeUInt32BE(t.tag, at);
    sfnt.writeUInt32BE(t.checksum, at + 4);
    sfnt.writeUInt32BE(offset, at + 8);
    sfnt.writeUInt32BE(t.data.length, at + 12);
    t.data.copy(sfnt, offset);
    offset += pad4(t.data.length);
  });
  return sfnt;
}
