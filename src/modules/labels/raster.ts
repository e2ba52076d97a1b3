/**
 * A small 1-bit raster engine for thermal labels: ZPL needs text that the
 * printer's fonts lack (syllabics) as a ^GFA bitmap, and the PNG preview is
 * the same bitmap. Glyph outlines come from the embedded fonts (fontkit) and
 * are filled with the nonzero rule at pixel centres.
 */
import zlib from 'node:zlib';
import type { Font, PathCommand } from 'fontkit';
import { fontSet, textRuns } from '../../core/pdf/fonts.js';

export class Bitmap {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height);
  }

  fillRect(x: number, y: number, w: number, h: number): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) this.data.fill(1, yy * this.width + x0, yy * this.width + x1);
  }

  get(x: number, y: number): number {
    return this.data[y * this.width + x] ?? 0;
  }
}

type Edge = [number, number, number, number];

function flatten(commands: PathCommand[], scale: number, ox: number, oy: number): Edge[] {
  const edges: Edge[] = [];
  let cx = 0;
  let cy = 0;
  let sx = 0;
  let sy = 0;
  const X = (x: number) => ox + x * scale;
  const Y = (y: number) => oy - y * scale; // font units grow upwards
  const line = (x: number, y: number) => {
    edges.push([X(cx), Y(cy), X(x), Y(y)]);
    cx = x;
    cy = y;
  };
  for (const c of commands) {
    const a = c.args;
    switch (c.command) {
      case 'moveTo':
        cx = sx = a[0]!;
        cy = sy = a[1]!;
        break;
      case 'lineTo':
        line(a[0]!, a[1]!);
        break;
      case 'quadraticCurveTo': {
        const [x0, y0] = [cx, cy];
        for (let i = 1; i <= 8; i++) {
          const t = i / 8;
          const u = 1 - t;
          line(u * u * x0 + 2 * u * t * a[0]! + t * t * a[2]!, u * u * y0 + 2 * u * t * a[1]! + t * t * a[3]!);
        }
        break;
      }
      case 'bezierCurveTo': {
        const [x0, y0] = [cx, cy];
        for (let i = 1; i <= 10; i++) {
          const t = i / 10;
          const u = 1 - t;
          line(
            u * u * u * x0 + 3 * u * u * t * a[0]! + 3 * u * t * t * a[2]! + t * t * t * a[4]!,
            u * u * u * y0 + 3 * u * u * t * a[1]! + 3 * u * t * t * a[3]! + t * t * t * a[5]!,
          );
        }
        break;
      }
      case 'closePath':
        if (cx !== sx || cy !== sy) line(sx, sy);
        break;
    }
  }
  return edges;
}

function fillEdges(bmp: Bitmap, edges: Edge[]): void {
  if (edges.length === 0) return;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const [, y0, , y1] of edges) {
    minY = Math.min(minY, y0, y1);
    maxY = Math.max(maxY, y0, y1);
  }
  const yStart = Math.max(0, Math.floor(minY));
  const yEnd = Math.min(bmp.height - 1, Math.ceil(maxY));
  const xs: Array<[number, number]> = [];
  for (let y = yStart; y <= yEnd; y++) {
    const sy = y + 0.5;
    xs.length = 0;
    for (const [x0, y0, x1, y1] of edges) {
      if (y0 === y1) continue;
      const up = y1 > y0;
      const lo = up ? y0 : y1;
      const hi = up ? y1 : y0;
      if (sy < lo || sy >= hi) continue;
      xs.push([x0 + ((sy - y0) * (x1 - x0)) / (y1 - y0), up ? 1 : -1]);
    }
    xs.sort((a, b) => a[0] - b[0]);
    let winding = 0;
    for (let i = 0; i < xs.length - 1; i++) {
      winding += xs[i]![1];
      if (winding !== 0) {
        const from = Math.ceil(xs[i]![0] - 0.5);
        const to = Math.floor(xs[i + 1]![0] - 0.5);
        if (to >= from) bmp.fillRect(from, y, to - from + 1, 1);
      }
    }
  }
}

function fontFor(name: string): Font {
  return fontSet().fonts[name as keyof ReturnType<typeof fontSet>['fonts']].font;
}

/** Width in pixels of text at a pixel size (the em height). */
export function measureText(text: string, sizePx: number, bold = false): number {
  let w = 0;
  for (const run of textRuns(text, bold)) {
    const font = fontFor(run.font);
    const scale = sizePx / font.unitsPerEm;
    for (const p of font.layout(run.text).positions) w += p.xAdvance * scale;
  }
  return w;
}

/** Draws text with its baseline at y; returns the x after the last glyph. */
export function drawText(bmp: Bitmap, text: string, x: number, baseline: number, sizePx: number, bold = false): number {
  let pen = x;
  for (const run of textRuns(text, bold)) {
    const font = fontFor(run.font);
    const scale = sizePx / font.unitsPerEm;
    const laid = font.layout(run.text);
    laid.glyphs.forEach((g, i) => {
      const pos = laid.positions[i]!;
      fillEdges(bmp, flatten(g.path.commands, scale, pen + pos.xOffset * scale, baseline - pos.yOffset * scale));
      pen += pos.xAdvance * scale;
    });
  }
  return pen;
}

/** Grayscale PNG (black on white), tagged with its resolution so it prints at size. */
export function encodePng(bmp: Bitmap, dpi = 203): Buffer {
  const raw = Buffer.alloc((bmp.width + 1) * bmp.height);
  for (let y = 0; y < bmp.height; y++) {
    const row = y * (bmp.width + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < bmp.width; x++) raw[row + 1 + x] = bmp.data[y * bmp.width + x] ? 0 : 255;
  }
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed) >>> 0);
    return Buffer.concat([len, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(bmp.width, 0);
  ihdr.writeUInt32BE(bmp.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('pHYs', physChunk(dpi)),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function physChunk(dpi: number): Buffer {
  const b = Buffer.alloc(9);
  const ppm = Math.round(dpi / 0.0254);
  b.writeUInt32BE(ppm, 0);
  b.writeUInt32BE(ppm, 4);
  b[8] = 1;
  return b;
}

/** A region of a bitmap as a ZPL ^GFA field (uncompressed ASCII hex). */
export function zplGraphic(bmp: Bitmap): string {
  const bytesPerRow = Math.ceil(bmp.width / 8);
  let hex = '';
  for (let y = 0; y < bmp.height; y++) {
    for (let b = 0; b < bytesPerRow; b++) {
      let byte = 0;
      for (let bit = 0; bit < 8; bit++) {
        const x = b * 8 + bit;
        if (x < bmp.width && bmp.get(x, y)) byte |= 0x80 >> bit;
      }
      hex += byte.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  const total = bytesPerRow * bmp.height;
  return `^GFA,${total},${total},${bytesPerRow},${hex}`;
}
