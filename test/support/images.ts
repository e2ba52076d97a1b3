/** Reading rendered pages and labels back as pixels: pdftoppm to PNG, PNG to a grey lookup. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';

export interface Gray {
  width: number;
  height: number;
  /** 0 (black) … 255 (white). */
  at(x: number, y: number): number;
}

export function grayOf(png: Buffer): Gray {
  const img = PNG.sync.read(png);
  return { width: img.width, height: img.height, at: (x, y) => img.data[(y * img.width + x) * 4]! };
}

/**
 * One page of a PDF rasterised by poppler at `dpi`, as PNG bytes. Without
 * anti-aliasing when `crisp` (what a printer head does: a dot is on or off).
 */
export function pdfPagePng(pdf: Buffer, dpi: number, page = 1, crisp = false): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-page-'));
  try {
    const input = path.join(dir, 'in.pdf');
    fs.writeFileSync(input, pdf);
    const aa = crisp ? ['-aa', 'no', '-aaVector', 'no'] : [];
    execFileSync('pdftoppm', ['-r', String(dpi), '-png', '-f', String(page), '-l', String(page), '-singlefile', ...aa, input, path.join(dir, 'out')]);
    return fs.readFileSync(path.join(dir, 'out.png'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The bars and spaces of a Code 128 along one pixel row, in pixels: from the
 * first dark pixel to the last. The row chosen is the one in the lower part
 * of the image that crosses the most bars (the barcode runs along the bottom
 * of every label).
 */
export function barRuns(img: Gray): number[] {
  let best: number[] = [];
  for (let y = Math.floor(img.height * 0.6); y < img.height; y++) {
    const runs: number[] = [];
    let dark: boolean | null = null;
    let n = 0;
    for (let x = 0; x < img.width; x++) {
      const d = img.at(x, y) < 128;
      if (dark === null) {
        if (d) {
          dark = true;
          n = 1;
        }
        continue;
      }
      if (d === dark) n++;
      else {
        runs.push(n);
        dark = d;
        n = 1;
      }
    }
    if (dark) runs.push(n);
    if (runs.length > best.length) best = runs;
  }
  return best;
}
