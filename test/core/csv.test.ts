import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../src/core/csv.js';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';
import { parseCsv } from '../support/documents.js';

describe('csvCell: formulas never run', () => {
  it('prefixes a cell starting with an ASCII formula sign, tab or CR', () => {
    for (const s of ['=1+1', '+1 867 555 0100', '-5 keys', '@SUM(A1)', '\tTabbed', '\rx']) expect(csvCell(s).replace(/^"/, '')).toMatch(/^'/);
  });

  it('prefixes a cell starting with a full-width formula sign', () => {
    expect(csvCell('＝1+1')).toBe("'＝1+1");
    expect(csvCell('＋1')).toBe("'＋1");
    expect(csvCell('－5')).toBe("'－5");
    expect(csvCell('＠SUM(A1)')).toBe("'＠SUM(A1)");
  });

  it('prefixes a formula sign behind leading whitespace, keeping the whitespace', () => {
    expect(csvCell('  =1+1')).toBe("'  =1+1");
    expect(csvCell('\u3000=cmd')).toBe("'\u3000=cmd");
    expect(csvCell('\u00a0+1')).toBe("'\u00a0+1");
    expect(csvCell('\u200b@x')).toBe("'\u200b@x");
    expect(csvCell('\ufeff-1')).toBe("'\ufeff-1");
    expect(csvCell(' \u3000 ＝HYPERLINK("x")')).toBe(`"' \u3000 ＝HYPERLINK(""x"")"`);
    expect(csvCell('\n=1+1')).toBe(`"'\n=1+1"`);
  });

  it('leaves other text and numbers alone, including signs later in the cell', () => {
    expect(csvCell('Charger included')).toBe('Charger included');
    expect(csvCell('  spaces first, = later')).toBe('"  spaces first, = later"');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('\u3000全角スペース')).toBe('\u3000全角スペース');
    expect(csvCell('ｘ＝1')).toBe('ｘ＝1');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    expect(csvRow(['=a', ' b', 'c'])).toBe("'=a, b,c\r\n");
  });
});

describe('GET /devices?format=csv: notes that hide a formula', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it('exports full-width and whitespace-led formulas with the quote prefix', async () => {
    const token = await t.token('trainee');
    const notes = ['＝HYPERLINK("http://evil.example","click")', '  =1+1', '\u3000=cmd|\' /C calc\'!A0', '\u3000Keyboard: 日本語配列'];
    for (const note of notes) expect((await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop({ notes: note }))).status).toBe(201);

    const res = await t.http.get('/api/v1/devices?format=csv').set(bearer(await t.token('staff')));
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(res.text);
    const at = header!.indexOf('notes');
    expect(rows.map((r) => r[at])).toEqual(["'" + notes[0], "'" + notes[1], "'" + notes[2], notes[3]]);
  });
});

describe('CSV for spreadsheets: UTF-8 with a byte-order mark unless bom=false', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const bytes = (res: { body: unknown }) => res.body as Buffer;
  const raw = (url: string, token: string) =>
    t.http
      .get(url)
      .set(bearer(token))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });

  it('every CSV route starts with EF BB BF by default, and not with bom=false; accents and syllabics are UTF-8 either way', async () => {
    const trainee = await t.token('trainee');
    const staff = await t.token('staff');
    expect((await t.http.post('/api/v1/devices').set(bearer(trainee)).send(laptop({ make: 'Café Été', notes: 'ᐃᖃᓗᐃᑦ' }))).status).toBe(201);
    const routes = ['/api/v1/devices?format=csv', '/api/v1/reports/diversion?from=2026-01-01&to=2026-12-31&format=csv'];
    for (const url of routes) {
      const withBom = await raw(url, staff);
      expect(withBom.status, url).toBe(200);
      expect(withBom.headers['content-type'], url).toBe('text/csv; charset=utf-8');
      expect([...bytes(withBom).subarray(0, 3)], url).toEqual([0xef, 0xbb, 0xbf]);
      const without = await raw(`${url}&bom=false`, staff);
      expect(without.status, url).toBe(200);
      expect(bytes(without).equals(bytes(withBom).subarray(3)), url).toBe(true);
      expect(bytes(without).subarray(0, 7).toString('utf8'), url).toMatch(/^(assetTa|section)/);
      // bom=true is the default spelled out; anything else is refused.
      expect(bytes(await raw(`${url}&bom=true`, staff)).equals(bytes(withBom)), url).toBe(true);
      expect((await t.http.get(`${url}&bom=no`).set(bearer(staff))).status, url).toBe(400);
    }
    const devices = bytes(await raw(routes[0]!, staff)).toString('utf8');
    expect(devices).toContain('Café Été');
    expect(devices).toContain('ᐃᖃᓗᐃᑦ');
    const [header] = parseCsv(devices);
    expect(header![0]).toBe('assetTag');
  });
});
