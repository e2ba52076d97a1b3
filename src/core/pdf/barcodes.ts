/**
 * Barcodes from bwip-js as module patterns (not images), so the same code
 * draws them as vector rectangles into a PDF or as dots into a bitmap.
 */
import bwipjs from 'bwip-js';
import { AppError } from '../errors.js';

/** Barcode payloads are printable ASCII: what every USB scanner types back. */
export function assertBarcodePayload(text: string): void {
  if (!/^[\x20-\x7e]{1,100}$/.test(text)) {
    throw new AppError('labels.invalid_payload', `Barcode payload "${text}" must be 1 to 100 printable ASCII characters.`);
  }
}

export interface LinearPattern {
  /** Bar and space widths in modules, starting with a bar. */
  widths: number[];
  modules: number;
}

export interface MatrixPattern {
  size: number;
  /** Row-major, 1 = dark module. */
  dark: Uint8Array;
}

interface RawLinear {
  sbs: number[];
}
interface RawMatrix {
  pixs: number[];
  pixx: number;
  pixy: number;
}

export function code128(text: string): LinearPattern {
  assertBarcodePayload(text);
  const raw = bwipjs.raw({ bcid: 'code128', text }) as unknown as RawLinear[];
  const widths = raw[0]!.sbs;
  return { widths, modules: widths.reduce((a, b) => a + b, 0) };
}

export function qrCode(text: string): MatrixPattern {
  assertBarcodePayload(text);
  // Level M: survives a scuffed label; the fixed mask keeps rendering fast.
  const raw = bwipjs.raw({ bcid: 'qrcode', text, eclevel: 'M', mask: 1 } as Parameters<typeof bwipjs.raw>[0]) as unknown as RawMatrix[];
  const m = raw[0]!;
  return { size: m.pixx, dark: Uint8Array.from(m.pixs) };
}

/** QR payloads that are not tags (certificate ids and hashes) are printable ASCII too, up to 300 characters. */
export function qrCodeData(text: string): MatrixPattern {
  if (!/^[\x20-\x7e]{1,300}$/.test(text)) throw new AppError('labels.invalid_payload', 'QR payload must be printable ASCII.');
  const raw = bwipjs.raw({ bcid: 'qrcode', text, eclevel: 'M' } as Parameters<typeof bwipjs.raw>[0]) as unknown as RawMatrix[];
  const m = raw[0]!;
  return { size: m.pixx, dark: Uint8Array.from(m.pixs) };
}

/** Horizontal runs of dark modules per row: fewer rectangles to draw. */
export function matrixRuns(m: MatrixPattern): Array<{ row: number; col: number; length: number }> {
  const runs: Array<{ row: number; col: number; length: number }> = [];
  for (let r = 0; r < m.size; r++) {
    let c = 0;
    while (c < m.size) {
      if (m.dark[r * m.size + c]) {
        const start = c;
        while (c < m.size && m.dark[r * m.size + c]) c++;
        runs.push({ row: r, col: start, length: c - start });
      } else c++;
    }
  }
  return runs;
}
