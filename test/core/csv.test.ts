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
