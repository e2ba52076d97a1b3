/**
 * Labels decoded by an independent decoder (zbar's zbarimg), as a scanner or
 * a phone would read them: every template carries a Code 128 and a QR code
 * that both decode to exactly the asset tag, in the PDF (rasterized by
 * poppler at 300 dpi) and in the PNG preview; and every label of a full
 * sheet decodes on its own, cut out at the position the template gives it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';
import { binary } from '../support/documents.js';

const API = '/api/v1';
const TEMPLATE_IDS = ['zebra-2x1', 'dymo-30334', 'brother-dk1201', 'avery-5160', 'avery-l7163'] as const;
const DPI = 300;

interface Template {
  id: string;
  label: { widthMm: number; heightMm: number };
  sheet?: { columns: number; rows: number; topMarginMm: number; leftMarginMm: number; columnPitchMm: number; rowPitchMm: number };
}

let tmp: string;
let fileNo = 0;
const tmpFile = (ext: string) => path.join(tmp, `f${++fileNo}.${ext}`);

/** Every symbol zbarimg finds, as "TYPE:data" lines, sorted (exit status 4 = nothing found, still a result). */
function decode(png: string): string[] {
  const out = spawnSync('zbarimg', ['-q', png], { encoding: 'utf8' });
  if (out.error) throw out.error;
  if (out.status !== 0 && out.status !== 4) throw new Error(`zbarimg exited ${out.status}: ${out.stderr}`);
  return out.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .sort();
}

/** Page 1 of a PDF (or a region of it, in pixels at `DPI`) as a PNG file. */
function rasterize(pdf: Buffer, region?: { x: number; y: number; w: number; h: number }): string {
  const input = tmpFile('pdf');
  fs.writeFileSync(input, pdf);
  const prefix = tmpFile('r');
  const crop = region ? ['-x', String(region.x), '-y', String(region.y), '-W', String(region.w), '-H', String(region.h)] : [];
  execFileSync('pdftoppm', ['-r', String(DPI), '-png', '-f', '1', '-l', '1', '-singlefile', ...crop, input, prefix]);
  return `${prefix}.png`;
}

const both = (tag: string) => [`CODE-128:${tag}`, `QR-Code:${tag}`];

describe('labels decode with zbar', () => {
  let t: TestApp;
  let trainee: string;
  let tag: string;
  let readyTag: string;
  let templates: Map<string, Template>;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'label-decode-'));
    t = await createTestApp();
    trainee = await t.token('trainee');
    const res = await t.http.get(`${API}/label-templates`).set(bearer(trainee));
    expect(res.status).toBe(200);
    templates = new Map((res.body.templates as Template[]).map((x) => [x.id, x]));

    const intake = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop({ make: 'Dell', model: 'Latitude 7490' }));
    expect(intake.status).toBe(201);
    tag = intake.body.device.assetTag as string;

    const ready = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop());
    expect(ready.status).toBe(201);
    readyTag = ready.body.device.assetTag as string;
    const wipe = await t.http
      .post(`${API}/devices/${readyTag}/sanitizations`)
      .set(bearer(trainee))
      .send({ storageSerial: ready.body.device.storage[0].serialNumber, method: 'purge', technique: 'crypto_erase', tool: 'nwipe', toolVersion: '0.37', verification: 'full', result: 'passed' });
    expect(wipe.status).toBe(201);
    const graded = await t.http
      .post(`${API}/devices/${readyTag}/grade`)
      .set(bearer(trainee))
      .send({ grade: 'A', specs: { cpu: 'Intel Core i7-8650U', ramGb: 16, storageGb: 512, os: 'Linux Mint 22' } });
    expect(graded.status).toBe(201);
    expect(graded.body.device.status).toBe('ready');
  });

  afterAll(async () => {
    await t.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const label = (ref: string, template: string, format: 'pdf' | 'png', kind: 'asset' | 'spec' = 'asset') =>
    t.http.get(`${API}/devices/${ref}/label?template=${template}&format=${format}&kind=${kind}`).set(bearer(trainee)).buffer(true).parse(binary);

  it.each(TEMPLATE_IDS)('%s: the PDF at 300 dpi decodes as Code 128 and QR, each exactly the tag', async (id) => {
    const res = await label(tag, id, 'pdf');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const tpl = templates.get(id)!;
    // A sheet is decoded where its first label sits (position 1, top left); roll stock is one label a page.
    const decoded = tpl.sheet ? decodeSheet(res.body as Buffer, tpl, 1)[0]! : decode(rasterize(res.body as Buffer));
    expect(decoded).toEqual(both(tag));
  });

  it.each(TEMPLATE_IDS)('%s: the PNG preview decodes as Code 128 and QR, each exactly the tag', async (id) => {
    const res = await label(tag, id, 'png');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const file = tmpFile('png');
    fs.writeFileSync(file, res.body as Buffer);
    expect(decode(file)).toEqual(both(tag));
  });

  it('the spec label of a ready laptop decodes to its tag (PDF and PNG)', async () => {
    const pdf = await label(readyTag, 'zebra-2x1', 'pdf', 'spec');
    expect(pdf.status).toBe(200);
    expect(decode(rasterize(pdf.body as Buffer))).toEqual(both(readyTag));
    const png = await label(readyTag, 'avery-l7163', 'png', 'spec');
    expect(png.status).toBe(200);
    const file = tmpFile('png');
    fs.writeFileSync(file, png.body as Buffer);
    expect(decode(file)).toEqual(both(readyTag));
  });

  /** Cuts each label out of page 1 at its template position and decodes it alone. */
  function decodeSheet(pdf: Buffer, tpl: Template, count: number): string[][] {
    const sheet = tpl.sheet!;
    const px = (mm: number) => Math.round((mm * DPI) / 25.4);
    const out: string[][] = [];
    for (let i = 0; i < count; i++) {
      const col = i % sheet.columns;
      const row = Math.floor(i / sheet.columns);
      const region = {
        x: px(sheet.leftMarginMm + col * sheet.columnPitchMm),
        y: px(sheet.topMarginMm + row * sheet.rowPitchMm),
        w: px(tpl.label.widthMm),
        h: px(tpl.label.heightMm),
      };
      out.push(decode(rasterize(pdf, region)));
    }
    return out;
  }

  it('all 30 labels of a reserve-and-print Avery 5160 sheet decode, each at its own position, as Code 128 and QR', async () => {
    const res = await t.http.post(`${API}/labels`).set(bearer(trainee)).send({ template: 'avery-5160', reserve: 30 }).buffer(true).parse(binary);
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/pdf');
    const tags = String(res.headers['x-asset-tags']).split(',');
    expect(tags).toHaveLength(30);
    expect(new Set(tags).size).toBe(30);
    const tpl = templates.get('avery-5160')!;
    expect(tpl.sheet!.columns * tpl.sheet!.rows).toBe(30);
    // Across, then down: label i carries tag i.
    expect(decodeSheet(res.body as Buffer, tpl, 30)).toEqual(tags.map(both));
  });

  it('all 14 labels of an Avery L7163 sheet of existing tags decode at their positions', async () => {
    const reserved = await t.http.post(`${API}/asset-tags/reserve`).set(bearer(trainee)).send({ count: 13 });
    expect(reserved.status).toBe(201);
    const wanted = [tag, ...(reserved.body.tags as string[])];
    const res = await t.http.post(`${API}/labels`).set(bearer(trainee)).send({ template: 'avery-l7163', assetTags: wanted }).buffer(true).parse(binary);
    expect(res.status).toBe(201);
    expect(String(res.headers['x-asset-tags']).split(',')).toEqual(wanted);
    expect(decodeSheet(res.body as Buffer, templates.get('avery-l7163')!, 14)).toEqual(wanted.map(both));
  });
});
