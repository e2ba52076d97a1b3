/**
 * One page of each kind of document, drawn from fixed data with a fixed
 * clock (test/support/document-samples.ts), rasterised by poppler at a low
 * resolution and compared pixel by pixel with a reference image in
 * test/fixtures/pages/, so that a layout change shows up as a failing test
 * with a picture of the difference.
 *
 * The threshold tolerates anti-aliasing noise only (pixelmatch's default
 * colour threshold and its anti-aliasing detection, and at most 0.05 % of the
 * pixels): a moved line, a wrapped word or a missing bar fails.
 *
 * A change to a document's layout that is meant: refresh the references,
 * look at them, and commit them with the change:
 *
 *   UPDATE_PAGE_FIXTURES=1 npx vitest run test/modules/document-pages.test.ts
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DOCUMENTS } from '../support/document-samples.js';
import { pdfPagePng } from '../support/images.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/pages');
const DPI = 50;
const UPDATE = process.env['UPDATE_PAGE_FIXTURES'] === '1';
/** Share of a page's pixels that may differ beyond anti-aliasing before the page counts as changed. */
const MAX_DIFF_SHARE = 0.0005;

describe('document pages match their reference images', () => {
  it.each(SAMPLE_DOCUMENTS.map((d) => [d.name, d] as const))('%s', async (name, doc) => {
    const actualBytes = pdfPagePng(await doc.render(), DPI, doc.page);
    const reference = path.join(FIXTURES, `${name}.png`);
    if (UPDATE) {
      mkdirSync(FIXTURES, { recursive: true });
      writeFileSync(reference, actualBytes);
      return;
    }
    const expected = PNG.sync.read(readFileSync(reference));
    const actual = PNG.sync.read(actualBytes);
    expect([actual.width, actual.height], 'page size in pixels').toEqual([expected.width, expected.height]);
    const diff = new PNG({ width: actual.width, height: actual.height });
    const differing = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, { threshold: 0.1 });
    if (differing > actual.width * actual.height * MAX_DIFF_SHARE) {
      const dir = mkdtempSync(path.join(os.tmpdir(), `page-${name}-`));
      writeFileSync(path.join(dir, 'actual.png'), actualBytes);
      writeFileSync(path.join(dir, 'diff.png'), PNG.sync.write(diff));
      expect.fail(`${name}: ${differing} pixels differ from test/fixtures/pages/${name}.png; see ${dir}/actual.png and diff.png (refresh on purpose: UPDATE_PAGE_FIXTURES=1 npx vitest run test/modules/document-pages.test.ts)`);
    }
  });
});
