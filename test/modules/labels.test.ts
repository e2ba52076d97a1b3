/**
 * Label templates (data files validated at start-up) and the labels API:
 * formats, ZPL for Zebra printers, syllabics, spec labels, batches and
 * reserve-and-print, errors and roles. Barcode decoding is in
 * label-decode.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTag } from '../../src/modules/asset-tags/asset-tag.js';
import { LabelTemplateError, loadLabelTemplates, TEMPLATES_DIR } from '../../src/modules/labels/label-templates.js';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';
import { binary } from '../support/documents.js';

const API = '/api/v1';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PT_PER_MM = 72 / 25.4;
const SYLLABIC = /[\u1400-\u167f\u18b0-\u18ff]/;
const SITE_LINE = 'Iqaluit · ᐃᖃᓗᐃᑦ';

type Body = Record<string, unknown>;

let tmp: string;
let fileNo = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labels-test-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function pdfFile(pdf: Buffer): string {
  const file = path.join(tmp, `doc-${++fileNo}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}

/** pdftotext output with runs of white space made single spaces. */
const pdfText = (pdf: Buffer) => execFileSync('pdftotext', ['-enc', 'UTF-8', pdfFile(pdf), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');

function pdfInfo(pdf: Buffer): { pages: number; width: number; height: number } {
  const out = execFileSync('pdfinfo', [pdfFile(pdf)], { encoding: 'utf8' });
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(out)!;
  return { pages: Number(/Pages:\s+(\d+)/.exec(out)![1]), width: Number(size[1]), height: Number(size[2]) };
}

/** Words and the centres of their boxes (points, from the page's top left), per page. */
function pdfWords(pdf: Buffer): Array<Array<{ text: string; x: number; y: number }>> {
  const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', pdfFile(pdf), '-'], { encoding: 'utf8' });
  return html
    .split('<page ')
    .slice(1)
    .map((page) =>
      [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
        text: m[5]!,
        x: (Number(m[1]) + Number(m[3])) / 2,
        y: (Number(m[2]) + Number(m[4])) / 2,
      })),
    );
}

const seq = (tag: string) => Number(tag.split('-')[1]);

function pngInfo(png: Buffer): { width: number; height: number; pixelsPerMetre: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  const phys = png.indexOf('pHYs');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), pixelsPerMetre: phys < 0 ? 0 : png.readUInt32BE(phys + 4) };
}

describe('label templates on disk: loadLabelTemplates', () => {
  const real = () => Object.fromEntries(fs.readdirSync(TEMPLATES_DIR).map((f) => [f, JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, f), 'utf8')) as Body]));

  /** A copy of the real templates with one file replaced (text, or a change to the parsed JSON). */
  function dirWith(file: string, change: string | ((t: Body) => void)): string {
    const dir = fs.mkdtempSync(path.join(tmp, 'templates-'));
    for (const [f, t] of Object.entries(real())) fs.writeFileSync(path.join(dir, f), JSON.stringify(t));
    if (typeof change === 'string') fs.writeFileSync(path.join(dir, file), change);
    else {
      const t = fs.existsSync(path.join(dir, file)) ? (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Body) : {};
      change(t);
      fs.writeFileSync(path.join(dir, file), JSON.stringify(t));
    }
    return dir;
  }

  function failure(dir: string): LabelTemplateError {
    try {
      loadLabelTemplates(dir);
    } catch (err) {
      expect(err).toBeInstanceOf(LabelTemplateError);
      return err as LabelTemplateError;
    }
    throw new Error(`loadLabelTemplates(${dir}) did not throw`);
  }

  it('the shipped folder loads the five templates', () => {
    const loaded = loadLabelTemplates();
    expect([...loaded.keys()].sort()).toEqual(['avery-5160', 'avery-l7163', 'brother-dk1201', 'dymo-30334', 'zebra-2x1']);
    expect(path.resolve(TEMPLATES_DIR)).toBe(path.join(ROOT, 'labels', 'templates'));
  });

  it('a missing field names the file and the field', () => {
    const err = failure(
      dirWith('dymo-30334.json', (t) => {
        delete t.dpi;
      }),
    );
    expect(err.message).toContain('dymo-30334.json');
    expect(err.message).toMatch(/\bdpi\b/);
  });

  it('a negative label width names the file and label.widthMm', () => {
    const err = failure(
      dirWith('zebra-2x1.json', (t) => {
        (t.label as Body).widthMm = -50.8;
      }),
    );
    expect(err.message).toContain('zebra-2x1.json');
    expect(err.message).toContain('label.widthMm');
  });

  it('sheet labels that run off the page name the file and the sheet field', () => {
    const across = failure(
      dirWith('avery-5160.json', (t) => {
        (t.sheet as Body).columns = 4;
      }),
    );
    expect(across.message).toContain('avery-5160.json');
    expect(across.message).toMatch(/sheet\.(columns|columnPitchMm|leftMarginMm|widthMm)\b/);

    const down = failure(
      dirWith('avery-l7163.json', (t) => {
        (t.sheet as Body).topMarginMm = 40;
      }),
    );
    expect(down.message).toContain('avery-l7163.json');
    expect(down.message).toMatch(/sheet\.(rows|rowPitchMm|topMarginMm|heightMm)\b/);
  });

  it('an id that does not match the file name names the file and id', () => {
    const err = failure(
      dirWith('brother-dk1201.json', (t) => {
        t.id = 'brother-dk1202';
      }),
    );
    expect(err.message).toContain('brother-dk1201.json');
    expect(err.message).toMatch(/\bid\b/);
    expect(err.message).toContain('brother-dk1202');
  });

  it('a file that is not JSON names the file', () => {
    const err = failure(dirWith('extra-stock.json', '{ "id": "extra-stock", '));
    expect(err.message).toContain('extra-stock.json');
    expect(err.message).toMatch(/JSON/);
  });

  it('a sheet template without its sheet layout names the file and sheet', () => {
    const err = failure(
      dirWith('avery-5160.json', (t) => {
        delete t.sheet;
      }),
    );
    expect(err.message).toContain('avery-5160.json');
    expect(err.message).toMatch(/\bsheet\b/);
  });

  it('the real server refuses to start on a bad template: exit code non-zero, stderr names the file and field', () => {
    const dir = dirWith('zebra-2x1.json', (t) => {
      (t.label as Body).widthMm = -50.8;
    });
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, LABEL_TEMPLATES_DIR: dir, DATABASE_PATH: path.join(tmp, 'server.db'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ADMIN_PASSWORD: 'an-admin-password-for-this-test' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(out.error).toBeUndefined();
    expect(out.signal).toBeNull();
    expect(out.status).not.toBe(0);
    expect(out.status).not.toBeNull();
    expect(out.stderr).toContain('zebra-2x1.json');
    expect(out.stderr).toContain('label.widthMm');
  });
});

describe('labels API', () => {
  let t: TestApp;
  let trainee: string;
  let tag: string;
  let tag2: string;
  let readyTag: string;

  beforeAll(async () => {
    t = await createTestApp();
    trainee = await t.token('trainee');
    const a = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop({ make: 'Dell', model: 'Latitude 7490' }));
    expect(a.status).toBe(201);
    tag = a.body.device.assetTag as string;
    const b = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop({ category: 'desktop', make: 'HP', model: 'EliteDesk 800' }));
    expect(b.status).toBe(201);
    tag2 = b.body.device.assetTag as string;

    const c = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop({ make: 'Lenovo', model: 'X280' }));
    expect(c.status).toBe(201);
    readyTag = c.body.device.assetTag as string;
    const wipe = await t.http
      .post(`${API}/devices/${readyTag}/sanitizations`)
      .set(bearer(trainee))
      .send({ storageSerial: c.body.device.storage[0].serialNumber, method: 'purge', technique: 'crypto_erase', tool: 'nwipe', toolVersion: '0.37', verification: 'full', result: 'passed' });
    expect(wipe.status).toBe(201);
    const graded = await t.http
      .post(`${API}/devices/${readyTag}/grade`)
      .set(bearer(trainee))
      .send({ grade: 'B', specs: { cpu: 'Intel Core i5-8350U', ramGb: 16, storageGb: 512, os: 'Linux Mint 22' } });
    expect(graded.status).toBe(201);
    expect(graded.body.device.status).toBe('ready');
  });
  afterAll(async () => t.close());

  const getLabel = (ref: string, query: string, token = trainee) => t.http.get(`${API}/devices/${ref}/label?${query}`).set(bearer(token)).buffer(true).parse(binary);
  const postLabels = (body: Body, token = trainee) => t.http.post(`${API}/labels`).set(bearer(token)).send(body).buffer(true).parse(binary);
  const problem = (res: { body: unknown }) => JSON.parse((res.body as Buffer).toString('utf8')) as { code: string; status: number; detail: string; errors?: Array<{ field: string; message: string }> };
  async function nextReserved(): Promise<string> {
    const res = await t.http.post(`${API}/asset-tags/reserve`).set(bearer(trainee)).send({ count: 1 });
    expect(res.status).toBe(201);
    return res.body.tags[0] as string;
  }

  it('GET /label-templates lists the five stocks with the real dimensions, margins and pitch', async () => {
    const res = await t.http.get(`${API}/label-templates`).set(bearer(await t.token('staff')));
    expect(res.status).toBe(200);
    type Stock = { id: string; label: { widthMm: number; heightMm: number }; sheet?: Record<string, number>; dpi: number; stock: string };
    const byId = new Map((res.body.templates as Stock[]).map((x) => [x.id, x]));
    expect([...byId.keys()].sort()).toEqual(['avery-5160', 'avery-l7163', 'brother-dk1201', 'dymo-30334', 'zebra-2x1']);

    const zebra = byId.get('zebra-2x1')!;
    expect(zebra.label).toEqual({ widthMm: 50.8, heightMm: 25.4 });
    expect(zebra.dpi).toBe(203);
    expect(zebra.stock).toBe('roll');
    expect(zebra.sheet).toBeUndefined();

    const dymo = byId.get('dymo-30334')!;
    expect(dymo.label).toEqual({ widthMm: 57, heightMm: 32 });
    expect(dymo.stock).toBe('roll');

    // 29 × 90 mm die-cut; printed across, so either orientation is the same stock.
    const brother = byId.get('brother-dk1201')!;
    expect([brother.label.widthMm, brother.label.heightMm].sort((x, y) => x - y)).toEqual([29, 90]);
    expect(brother.stock).toBe('roll');

    const a5160 = byId.get('avery-5160')!;
    expect(a5160.stock).toBe('sheet');
    expect(a5160.label).toEqual({ widthMm: 66.7, heightMm: 25.4 });
    expect(a5160.sheet).toMatchObject({ widthMm: 215.9, heightMm: 279.4, columns: 3, rows: 10, topMarginMm: 12.7, leftMarginMm: 4.8, columnPitchMm: 69.9, rowPitchMm: 25.4 });

    const l7163 = byId.get('avery-l7163')!;
    expect(l7163.stock).toBe('sheet');
    expect(l7163.label).toEqual({ widthMm: 99.1, heightMm: 38.1 });
    expect(l7163.sheet).toMatchObject({ widthMm: 210, heightMm: 297, columns: 2, rows: 7, topMarginMm: 15.1, leftMarginMm: 4.7, columnPitchMm: 101.6, rowPitchMm: 38.1 });

    const anonymous = await t.http.get(`${API}/label-templates`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('auth.unauthenticated');
  });

  it('an asset label as PDF (page = label or sheet), ZPL and PNG (label size at the template dpi)', async () => {
    const stocks = (await t.http.get(`${API}/label-templates`).set(bearer(trainee))).body.templates as Array<{ id: string; dpi: number; label: { widthMm: number; heightMm: number }; sheet?: { widthMm: number; heightMm: number } }>;
    for (const s of stocks) {
      const pdf = await getLabel(tag, `template=${s.id}&format=pdf`);
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const page = s.sheet ?? s.label;
      const info = pdfInfo(pdf.body as Buffer);
      expect(info.pages).toBe(1);
      expect(info.width).toBeCloseTo(page.widthMm * PT_PER_MM, 1);
      expect(info.height).toBeCloseTo(page.heightMm * PT_PER_MM, 1);

      // ZPL only where a Zebra printer takes the stock; refused elsewhere (tested below).
      const zpl = await getLabel(tag, `template=${s.id}&format=zpl`);
      expect(zpl.status, s.id).toBe(s.id === 'zebra-2x1' ? 200 : 400);
      if (zpl.status === 200) {
        expect(zpl.headers['content-type']).toBe('application/zpl; charset=utf-8');
        expect((zpl.body as Buffer).toString('utf8')).toMatch(/^\^XA[\s\S]*\^XZ$/);
      }

      const png = await getLabel(tag, `template=${s.id}&format=png`);
      expect(png.status).toBe(200);
      expect(png.headers['content-type']).toBe('image/png');
      const dim = pngInfo(png.body as Buffer);
      expect(dim.width).toBe(Math.round((s.label.widthMm * s.dpi) / 25.4));
      expect(dim.height).toBe(Math.round((s.label.heightMm * s.dpi) / 25.4));
      expect(dim.pixelsPerMetre).toBe(Math.round(s.dpi / 0.0254));
    }
  });

  it('ZPL for zebra-2x1: 203 dpi page, ^CI28, native ^BC and ^BQN with the tag, syllabic site line as a ^GFA graphic', async () => {
    const res = await getLabel(tag, 'template=zebra-2x1&format=zpl');
    expect(res.status).toBe(200);
    const zpl = (res.body as Buffer).toString('utf8');
    const lines = zpl.split('\n');
    expect(lines[0]).toBe('^XA');
    expect(lines.at(-1)).toBe('^XZ');
    expect(zpl.match(/\^XA/g)).toHaveLength(1);
    expect(zpl.match(/\^XZ/g)).toHaveLength(1);
    expect(lines).toContain('^CI28');
    expect(zpl).toMatch(/\^PW406\b/);
    expect(zpl).toMatch(/\^LL203\b/);
    // Code 128 without its human-readable line (the text is printed beside it), and QR: M correction, automatic mode.
    const bc = lines.filter((l) => l.includes('^BC'));
    expect(bc).toHaveLength(1);
    expect(bc[0]).toMatch(new RegExp(`\\^BCN,\\d+,[YN],[YN],[YN]\\^FD${tag}\\^FS$`));
    const qr = lines.filter((l) => l.includes('^BQ'));
    expect(qr).toHaveLength(1);
    expect(qr[0]).toMatch(new RegExp(`\\^BQN,2,\\d+\\^FD[HQML]A,${tag}\\^FS$`));
    expect(zpl).toContain(`^FD${tag}^FS`);
    expect(zpl).toContain('Dell Latitude 7490');

    // No syllabics in the text: the printer's resident fonts would print them as nothing.
    expect(zpl).not.toMatch(SYLLABIC);
    const gfa = [...zpl.matchAll(/\^FO(\d+),(\d+)\^GFA,(\d+),(\d+),(\d+),([0-9A-F]*)\^FS/g)];
    expect(gfa).toHaveLength(1);
    const [, x, y, total, total2, perRow, hex] = gfa[0]!.map((v, i) => (i === 6 ? v : Number(v))) as [unknown, number, number, number, number, number, string];
    expect(total2).toBe(total);
    expect(hex.length).toBe(2 * total);
    expect(total % perRow).toBe(0);
    expect(/[1-9A-F]/.test(hex)).toBe(true);
    // The graphic sits inside the 406 × 203 dot label.
    expect(x + perRow * 8).toBeLessThanOrEqual(406 + 8);
    expect(y + total / perRow).toBeLessThanOrEqual(203);
    // The Latin part of the site line is not printed as text either: the whole line is the graphic.
    expect(lines.filter((l) => l.includes('^FD') && l.includes('Iqaluit'))).toEqual([]);
  });

  it('ZPL: a site with no syllabic name is plain ^FD text and needs no ^GFA graphic', async () => {
    const other = await createTestApp({ env: { SITE_NAME: 'Rankin Workshop' } });
    try {
      const token = await other.token('trainee');
      const d = await other.http.post(`${API}/devices`).set(bearer(token)).send(laptop({ make: 'Dell', model: 'Latitude 7490' }));
      expect(d.status).toBe(201);
      const res = await other.http.get(`${API}/devices/${d.body.device.assetTag}/label?template=zebra-2x1&format=zpl`).set(bearer(token));
      expect(res.status).toBe(200);
      expect(res.text).toContain('^FDRankin Workshop^FS');
      expect(res.text).not.toContain('^GFA');
    } finally {
      await other.close();
    }
  });

  it('ZPL: ^, ~ and \\ in device text cannot inject printer commands (hex-escaped under ^FH)', async () => {
    const d = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop({ make: 'A^B', model: '~C\\' }));
    expect(d.status).toBe(201);
    const res = await getLabel(d.body.device.assetTag as string, 'template=zebra-2x1&format=zpl');
    expect(res.status).toBe(200);
    const zpl = (res.body as Buffer).toString('utf8');
    expect(zpl.match(/\^XA/g)).toHaveLength(1);
    expect(zpl.match(/\^XZ/g)).toHaveLength(1);
    expect(zpl).not.toContain('~');
    const line = zpl.split('\n').find((l) => l.includes('Laptop'));
    expect(line).toBeDefined();
    const m = /\^FH(.)\^FD(.*)\^FS$/.exec(line!);
    expect(m).not.toBeNull();
    const [, escape, data] = m!;
    expect(data).not.toMatch(/[\^~]/);
    const unescaped = data!.replace(new RegExp(`\\${escape!}([0-9A-Fa-f]{2})`, 'g'), (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    expect(unescaped).toBe('Laptop · A^B ~C\\');
  });

  it('a label PDF carries the syllabic site name intact (pdftotext), with tag, category and make/model', async () => {
    for (const template of ['zebra-2x1', 'avery-l7163']) {
      const res = await getLabel(tag, `template=${template}&format=pdf`);
      expect(res.status).toBe(200);
      const text = pdfText(res.body as Buffer);
      expect(text).toContain(SITE_LINE);
      expect(text).toContain(tag);
      expect(text).toContain('Laptop · Dell Latitude 7490');
    }
  });

  it('a spec label for a ready laptop shows grade, CPU, RAM, storage and OS; for a received device it is 409', async () => {
    for (const template of ['zebra-2x1', 'avery-5160']) {
      const res = await getLabel(readyTag, `template=${template}&format=pdf&kind=spec`);
      expect(res.status).toBe(200);
      const text = pdfText(res.body as Buffer);
      expect(text).toContain(readyTag);
      expect(text).toContain('Grade B');
      expect(text).toContain('Intel Core i5-8350U');
      expect(text).toContain('16 GB RAM');
      expect(text).toContain('512 GB storage');
      expect(text).toContain('Linux Mint 22');
    }
    const zpl = await getLabel(readyTag, 'template=zebra-2x1&format=zpl&kind=spec');
    expect(zpl.status).toBe(200);
    const z = (zpl.body as Buffer).toString('utf8');
    for (const s of ['Grade B', 'Intel Core i5-8350U', '16 GB RAM', 'Linux Mint 22']) expect(z).toContain(s);

    for (const format of ['pdf', 'zpl', 'png']) {
      const refused = await getLabel(tag, `template=zebra-2x1&format=${format}&kind=spec`);
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(problem(refused).code).toBe('devices.invalid_transition');
    }
    const viaBatch = await postLabels({ template: 'zebra-2x1', kind: 'spec', assetTags: [readyTag, tag] });
    expect(viaBatch.status).toBe(409);
    expect(problem(viaBatch).code).toBe('devices.invalid_transition');
  });

  it('ZPL on stock no Zebra printer takes (sheets, DYMO, Brother) is 400 problem+json naming the format field and the stocks that take ZPL; nothing is reserved', async () => {
    for (const id of ['avery-5160', 'avery-l7163', 'dymo-30334', 'brother-dk1201']) {
      const get = await getLabel(tag, `template=${id}&format=zpl`);
      expect(get.status, id).toBe(400);
      expect(get.headers['content-type']).toMatch(/^application\/problem\+json/);
      const p = problem(get) as ReturnType<typeof problem> & { zplTemplates?: string[] };
      expect(p.code).toBe('request.invalid');
      expect(p.errors).toEqual([{ field: 'querystring.format', message: 'zpl is for zebra-2x1' }]);
      expect(p.detail).toContain(id);
      expect(p.detail).toContain('zebra-2x1');
      expect(p.zplTemplates).toEqual(['zebra-2x1']);
    }
    const before = await nextReserved();
    const post = await postLabels({ template: 'avery-5160', format: 'zpl', reserve: 3 });
    expect(post.status).toBe(400);
    expect(problem(post).errors).toEqual([{ field: 'body.format', message: 'zpl is for zebra-2x1' }]);
    expect(seq(await nextReserved())).toBe(seq(before) + 1);
    expect((await postLabels({ template: 'zebra-2x1', format: 'zpl', assetTags: [tag] })).status).toBe(201);
  });

  it('an unknown template is 400 labels.unknown_template (GET and POST); an unknown device is 404', async () => {
    const get = await getLabel(tag, 'template=zebra-4x6&format=pdf');
    expect(get.status).toBe(400);
    expect(problem(get).code).toBe('labels.unknown_template');
    const post = await postLabels({ template: 'zebra-4x6', assetTags: [tag] });
    expect(post.status).toBe(400);
    expect(problem(post).code).toBe('labels.unknown_template');
    const noDevice = await getLabel(formatTag('IQ', 999_990), 'template=zebra-2x1');
    expect(noDevice.status).toBe(404);
    expect(problem(noDevice).code).toBe('devices.not_found');
  });

  it('PNG is one label: several tags as png is 400; one tag as png is a PNG', async () => {
    const several = await postLabels({ template: 'zebra-2x1', format: 'png', assetTags: [tag, tag2] });
    expect(several.status).toBe(400);
    expect(problem(several).code).toBe('request.invalid');
    const one = await postLabels({ template: 'zebra-2x1', format: 'png', assetTags: [tag] });
    expect(one.status).toBe(201);
    expect(one.headers['content-type']).toBe('image/png');
    expect(pngInfo(one.body as Buffer)).toMatchObject({ width: 406, height: 203 });
  });

  it('POST /labels with assetTags: devices and a reserved-but-unused tag, in order, tags normalised', async () => {
    const spare = await nextReserved();
    const res = await postLabels({ template: 'avery-5160', assetTags: [tag, ` ${tag2.toLowerCase()} `, spare] });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-asset-tags']).toBe([tag, tag2, spare].join(','));
    const text = pdfText(res.body as Buffer);
    for (const x of [tag, tag2, spare]) expect(text).toContain(x);
    expect(text).toContain('Desktop · HP EliteDesk 800');
    // Printing a spare label reserves nothing new.
    expect(seq(await nextReserved())).toBe(seq(spare) + 1);

    const zpl = await postLabels({ template: 'zebra-2x1', format: 'zpl', assetTags: [tag, tag2] });
    expect(zpl.status).toBe(201);
    expect(zpl.headers['content-type']).toBe('application/zpl; charset=utf-8');
    const blocks = (zpl.body as Buffer).toString('utf8').split(/(?<=\^XZ)\n?/).filter((b) => b.trim());
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(new RegExp(`^\\^XA[\\s\\S]*\\^BQN,2,\\d+\\^FD[HQML]A,${tag}\\^FS[\\s\\S]*\\^XZ$`));
    expect(blocks[1]).toMatch(new RegExp(`^\\^XA[\\s\\S]*\\^BQN,2,\\d+\\^FD[HQML]A,${tag2}\\^FS[\\s\\S]*\\^XZ$`));

    // Roll stock: one label a page.
    const roll = await postLabels({ template: 'dymo-30334', assetTags: [tag, tag2, spare] });
    expect(roll.status).toBe(201);
    expect(pdfInfo(roll.body as Buffer)).toMatchObject({ pages: 3 });
  });

  it('POST /labels with reserve: N new tags, printed on a sheet; the next reservation continues after them', async () => {
    const before = await nextReserved();
    const res = await postLabels({ template: 'avery-l7163', reserve: 5 });
    expect(res.status).toBe(201);
    const tags = String(res.headers['x-asset-tags']).split(',');
    expect(tags.map(seq)).toEqual([1, 2, 3, 4, 5].map((i) => seq(before) + i));
    for (const x of tags) expect(x).toBe(formatTag('IQ', seq(x)));
    const text = pdfText(res.body as Buffer);
    for (const x of tags) expect(text).toContain(x);
    expect(text.split(SITE_LINE)).toHaveLength(6);
    expect(seq(await nextReserved())).toBe(seq(tags[4]!) + 1);

    const spec = await postLabels({ template: 'avery-l7163', reserve: 2, kind: 'spec' });
    expect(spec.status).toBe(400);
    expect(problem(spec).code).toBe('request.invalid');
  });

  it('POST /labels: both assetTags and reserve, or neither, is 400; a mistyped tag 400; an unknown valid tag 404', async () => {
    const first = await nextReserved();
    const both = await postLabels({ template: 'avery-5160', assetTags: [tag], reserve: 2 });
    expect(both.status).toBe(400);
    expect(problem(both).code).toBe('request.invalid');
    const neither = await postLabels({ template: 'avery-5160' });
    expect(neither.status).toBe(400);
    expect(problem(neither).code).toBe('request.invalid');

    // One character off: the check character catches it.
    const wrongCheck = tag.slice(0, -1) + (tag.endsWith('A') ? 'B' : 'A');
    const mistyped = await postLabels({ template: 'avery-5160', assetTags: [tag, wrongCheck] });
    expect(mistyped.status).toBe(400);
    expect(problem(mistyped).code).toBe('devices.invalid_asset_tag');
    expect(problem(mistyped).errors?.[0]?.field).toBe('body.assetTags.1');
    const notATag = await postLabels({ template: 'avery-5160', assetTags: ['hello'] });
    expect(notATag.status).toBe(400);
    expect(problem(notATag).code).toBe('devices.invalid_asset_tag');

    const unknown = await postLabels({ template: 'avery-5160', assetTags: [tag, formatTag('IQ', 999_991)] });
    expect(unknown.status).toBe(404);
    expect(problem(unknown).code).toBe('devices.not_found');
    // None of the refused requests reserved a tag.
    expect(seq(await nextReserved())).toBe(seq(first) + 1);
  });

  it('at most 300 labels a request: 301 is 400 and reserves nothing; 300 fill ten Avery 5160 sheets', async () => {
    const first = await nextReserved();
    const tooMany = await postLabels({ template: 'avery-5160', reserve: 301 });
    expect(tooMany.status).toBe(400);
    expect(problem(tooMany).code).toBe('request.invalid');
    expect(problem(tooMany).errors?.map((e) => e.field)).toEqual(['body.reserve']);
    const tooManyTags = await postLabels({ template: 'avery-5160', assetTags: Array.from({ length: 301 }, () => tag) });
    expect(tooManyTags.status).toBe(400);
    expect(problem(tooManyTags).code).toBe('request.invalid');
    expect(seq(await nextReserved())).toBe(seq(first) + 1);

    const full = await postLabels({ template: 'avery-5160', reserve: 300 });
    expect(full.status).toBe(201);
    expect(String(full.headers['x-asset-tags']).split(',')).toHaveLength(300);
    expect(pdfInfo(full.body as Buffer).pages).toBe(10);
  });

  it('startAt on a sheet: labels begin at that position and run onto the next sheet', async () => {
    const tpl = (await t.http.get(`${API}/label-templates`).set(bearer(trainee))).body.templates.find((x: { id: string }) => x.id === 'avery-5160') as {
      label: { widthMm: number; heightMm: number };
      sheet: { columns: number; topMarginMm: number; leftMarginMm: number; columnPitchMm: number; rowPitchMm: number };
    };
    const spare = await nextReserved();
    const res = await postLabels({ template: 'avery-5160', assetTags: [tag, tag2, spare], startAt: 29 });
    expect(res.status).toBe(201);
    const pages = pdfWords(res.body as Buffer);
    expect(pages).toHaveLength(2);
    /** The centre of the tag's word lies inside the label at 1-based position `pos`. */
    const inSlot = (page: Array<{ text: string; x: number; y: number }>, text: string, pos: number) => {
      const word = page.find((w) => w.text === text);
      expect(word, `${text} on the page`).toBeDefined();
      const col = (pos - 1) % tpl.sheet.columns;
      const row = Math.floor((pos - 1) / tpl.sheet.columns);
      const left = (tpl.sheet.leftMarginMm + col * tpl.sheet.columnPitchMm) * PT_PER_MM;
      const top = (tpl.sheet.topMarginMm + row * tpl.sheet.rowPitchMm) * PT_PER_MM;
      expect(word!.x).toBeGreaterThanOrEqual(left);
      expect(word!.x).toBeLessThan(left + tpl.label.widthMm * PT_PER_MM);
      expect(word!.y).toBeGreaterThanOrEqual(top);
      expect(word!.y).toBeLessThan(top + tpl.label.heightMm * PT_PER_MM);
    };
    inSlot(pages[0]!, tag, 29);
    inSlot(pages[0]!, tag2, 30);
    inSlot(pages[1]!, spare, 1);
    expect(pages[0]!.filter((w) => /^[A-Z]{2,4}-\d{6}-[0-9A-Z]$/.test(w.text))).toHaveLength(2);

    const five = await postLabels({ template: 'avery-5160', assetTags: [tag], startAt: 5 });
    expect(five.status).toBe(201);
    const one = pdfWords(five.body as Buffer);
    expect(one).toHaveLength(1);
    inSlot(one[0]!, tag, 5);
  });

  it('startAt past the last position of the sheet is 400, not a label printed somewhere else', async () => {
    const res = await postLabels({ template: 'avery-5160', assetTags: [tag], startAt: 31 });
    expect(res.status).toBe(400);
    expect(problem(res).code).toBe('request.invalid');
  });

  it('roles: staff cannot print (403, before body validation), anonymous 401; coordinator and admin can', async () => {
    const staff = await t.token('staff');
    const get = await getLabel(tag, 'template=zebra-2x1', staff);
    expect(get.status).toBe(403);
    expect(problem(get).code).toBe('auth.forbidden');
    const post = await postLabels({ template: 'avery-5160', reserve: 2 }, staff);
    expect(post.status).toBe(403);
    expect(problem(post).code).toBe('auth.forbidden');
    const badBody = await postLabels({ nonsense: true }, staff);
    expect(badBody.status).toBe(403);

    const anonGet = await t.http.get(`${API}/devices/${tag}/label?template=zebra-2x1`);
    expect(anonGet.status).toBe(401);
    expect(anonGet.body.code).toBe('auth.unauthenticated');
    const anonPost = await t.http.post(`${API}/labels`).send({ template: 'avery-5160', reserve: 2 });
    expect(anonPost.status).toBe(401);
    expect(anonPost.body.code).toBe('auth.unauthenticated');

    for (const role of ['coordinator', 'admin'] as const) {
      const ok = await getLabel(tag, 'template=zebra-2x1&format=zpl', await t.token(role));
      expect(ok.status).toBe(200);
      const batch = await postLabels({ template: 'zebra-2x1', format: 'zpl', assetTags: [tag] }, await t.token(role));
      expect(batch.status).toBe(201);
    }
  });

  it('text no embedded font can draw is refused with 400 documents.undrawable_text naming the character; nothing is printed', async () => {
    const d = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop({ make: 'Fujitsu 漢', model: 'Lifebook' }));
    expect(d.status).toBe(201);
    const bad = d.body.device.assetTag as string;
    for (const format of ['pdf', 'zpl', 'png']) {
      const res = await getLabel(bad, `template=zebra-2x1&format=${format}`);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const p = problem(res);
      expect(p.code).toBe('documents.undrawable_text');
      expect(p.detail).toContain('漢');
      expect(p.detail).toContain('U+6F22');
    }
    const batch = await postLabels({ template: 'avery-5160', assetTags: [tag, bad] });
    expect(batch.status).toBe(400);
    expect(problem(batch).code).toBe('documents.undrawable_text');
    expect(batch.headers['x-asset-tags']).toBeUndefined();
  });

  it('a reserve-and-print refused for undrawable text (site name) prints nothing and reserves no tags', async () => {
    const other = await createTestApp({ env: { SITE_NAME: 'Pangnirtung 漢' } });
    try {
      const token = await other.token('trainee');
      const res = await other.http.post(`${API}/labels`).set(bearer(token)).send({ template: 'avery-5160', reserve: 3 });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('documents.undrawable_text');
      expect(res.body.detail).toContain('漢');
      const next = await other.http.post(`${API}/asset-tags/reserve`).set(bearer(token)).send({ count: 1 });
      expect(next.status).toBe(201);
      expect(next.body.tags).toEqual([formatTag('IQ', 1)]);
    } finally {
      await other.close();
    }
  });

  it('Idempotency-Key on reserve-and-print: the replay returns the same PDF and tags and reserves nothing', async () => {
    const body = { template: 'avery-5160', reserve: 4 };
    const key = 'labels-reserve-4-a';
    const first = await t.http.post(`${API}/labels`).set(bearer(trainee)).set('idempotency-key', key).send(body).buffer(true).parse(binary);
    expect(first.status).toBe(201);
    const tags = String(first.headers['x-asset-tags']).split(',');
    expect(tags).toHaveLength(4);

    const replay = await t.http.post(`${API}/labels`).set(bearer(trainee)).set('idempotency-key', key).send(body).buffer(true).parse(binary);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['content-type']).toBe('application/pdf');
    expect(replay.headers['x-asset-tags']).toBe(first.headers['x-asset-tags']);
    expect(Buffer.compare(replay.body as Buffer, first.body as Buffer)).toBe(0);
    expect(seq(await nextReserved())).toBe(seq(tags[3]!) + 1);

    const other = await t.http.post(`${API}/labels`).set(bearer(trainee)).set('idempotency-key', key).send({ ...body, reserve: 5 });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency.key_reused');
  });
});
