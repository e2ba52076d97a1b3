import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapNwipeMethod, parseNwipeLog, parseNwipePdf, parseWorkbenchJson, WipeReportRefused, zonedToUtc } from '../../src/modules/wipe-reports/parsers.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/wipe-reports');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof WipeReportRefused) return err.reason;
    throw err;
  }
  throw new Error('not refused');
};

describe('nwipe logs', () => {
  it('reads every drive of the Drive Status table: serial from the Found line, result from the status, times in UTC from the site zone', () => {
    const r = parseNwipeLog(fixture('nwipe-0.42.format-strings.txt'), 'America/Iqaluit');
    expect(r).toMatchObject({ format: 'nwipe_log', tool: 'nwipe', toolVersion: '0.42' });
    expect(r.drives.map((d) => [d.serial, d.result, d.serialMayBeCut])).toEqual([
      ['ZN15TA6Y', 'passed', false],
      ['WD-WX11A80W7430', 'failed', false],
      ['S4EWNX0R123456789012', 'passed', true],
    ]);
    const sda = r.drives[0]!;
    // Iqaluit is UTC-5 in February: 09:13:10 and 11:12:08 local.
    expect(sda).toMatchObject({ model: 'ST1000DM003-1SB102', toolMethod: 'PRNG Stream', method: 'clear', technique: 'overwrite', verification: 'full' });
    expect(sda.startedAt).toBe('2026-02-27T14:13:10.000Z');
    expect(sda.completedAt).toBe('2026-02-27T16:12:08.000Z');
    expect(r.drives[1]!.completedAt).toBe('2026-02-27T14:54:17.000Z');
  });

  it('reads the times in the zone asked for', () => {
    const r = parseNwipeLog(fixture('nwipe-0.42.format-strings.txt'), 'Europe/London');
    expect(r.drives[0]!.completedAt).toBe('2026-02-27T11:12:08.000Z');
  });

  it('a real log of a loop device without a serial: no drive to record, and a warning saying why (nwipe#325)', () => {
    const r = parseNwipeLog(fixture('nwipe-0.30.pr325-loop44.txt'), 'America/Iqaluit');
    expect(r.drives).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/loop44: the log gives no serial number/);
  });

  it('a real log cut inside the Drive Status table: the cut row names no serial and is not guessed at (nwipe#444)', () => {
    const r = parseNwipeLog(fixture('nwipe-0.34.issue444-cut.txt'), 'America/Iqaluit');
    expect(r.drives).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/sda: the log gives no serial number/);
  });

  it('a real ShredOS log of a wipe that never finished has no Drive Status table and is refused (shredos#213)', () => {
    expect(refusal(() => parseNwipeLog(fixture('shredos-0.37.issue213-no-summary.txt'), 'America/Iqaluit'))).toMatch(/no Drive Status table/);
  });

  it('maps nwipe methods: overwrites are clear, drive commands purge, verify-only methods are no sanitization', () => {
    for (const label of ['PRNG Stream', 'Fill With Zeros', 'DoD Short', 'Gutmann Wipe', 'HMG IS5 Enhanced', 'BMB21-2019']) expect(mapNwipeMethod(label)).toEqual({ method: 'clear', technique: 'overwrite' });
    expect(mapNwipeMethod('NVMe Sanitize Crypto Erase')).toEqual({ method: 'purge', technique: 'crypto_erase' });
    expect(mapNwipeMethod('NVMe Sanitize Block Erase')).toEqual({ method: 'purge', technique: 'block_erase' });
    expect(mapNwipeMethod('ATA Secure Erase')).toEqual({ method: 'purge', technique: 'secure_erase' });
    expect(mapNwipeMethod('Verify Zeros (0x00)')).toBeNull();
  });

  it('converts wall-clock time across a DST change', () => {
    expect(zonedToUtc(2026, 7, 1, 12, 0, 0, 'America/Iqaluit')).toBe('2026-07-01T16:00:00.000Z');
    expect(zonedToUtc(2026, 1, 1, 12, 0, 0, 'America/Iqaluit')).toBe('2026-01-01T17:00:00.000Z');
  });
});

describe('Workbench snapshots', () => {
  it('Workbench 11: a passing EraseBasic of a hard drive (devicehub-teal example_wb11.json)', () => {
    const r = parseWorkbenchJson(fixture('workbench-11.example_wb11.json'));
    expect(r).toMatchObject({ format: 'workbench_snapshot', tool: 'Workbench', toolVersion: '11.0b9' });
    expect(r.drives).toEqual([
      {
        serial: 'WD-WX11A80W7430',
        model: 'WDC WD1600BEVT-2',
        serialMayBeCut: false,
        result: 'passed',
        toolMethod: 'EraseBasic',
        method: 'clear',
        technique: 'overwrite',
        verification: 'none',
        startedAt: '2019-09-10T10:51:20.207Z',
        completedAt: '2019-09-10T11:37:07.459Z',
      },
    ]);
  });

  it('Workbench 11: an erasure of severity Error is a failed attempt; EraseSectors is verified (complete.export.snapshot.json)', () => {
    const r = parseWorkbenchJson(fixture('workbench-11.complete.export.snapshot.json'));
    expect(r.drives.map((d) => [d.serial, d.toolMethod, d.result, d.verification])).toEqual([
      ['E2024242CV86HJ', 'EraseBasic', 'passed', 'none'],
      ['WD-WX11A80W7430', 'EraseBasic', 'failed', 'none'],
      ['WD-WX11A80W7430', 'EraseSectors', 'passed', 'full'],
    ]);
  });

  it('workbench-script: its snapshot keeps no per-drive erasure: nothing to record, said in a warning', () => {
    const r = parseWorkbenchJson(fixture('workbench-script.snapshot.json'));
    expect(r).toMatchObject({ format: 'workbench_script', tool: 'workbench-script', toolVersion: '0.0.1', drives: [] });
    expect(r.warnings[0]).toMatch(/"erase" list is empty/);
  });

  it('refuses JSON that is not a snapshot, deep nesting and a cut file', () => {
    expect(refusal(() => parseWorkbenchJson(Buffer.from('{"hello": 1}')))).toMatch(/not a Workbench snapshot/);
    expect(refusal(() => parseWorkbenchJson(Buffer.from('['.repeat(100_000))))).toMatch(/nested more than 64/);
    const whole = fixture('workbench-11.example_wb11.json');
    expect(refusal(() => parseWorkbenchJson(whole.subarray(0, whole.length / 2)))).toMatch(/not valid JSON/);
  });
});

describe('nwipe PDF certificates', () => {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  it('names the drive by the file name nwipe gives it (a real name from shredos#305, and the device form of create_single_disc_pdf.c)', () => {
    expect(parseNwipePdf(pdf, 'nwipe_report_2024-12-11-13-49-11_Model_SPCC_Solid_State_Serial_AA230216S3025610321.pdf').pdf).toEqual({
      serial: 'AA230216S3025610321',
      model: 'SPCC Solid State',
      at: '2024-12-11-13-49-11',
    });
    expect(parseNwipePdf(pdf, 'E:\\nwipe_report_2026-02-27-11-12-08_Model_ST1000DM003-1SB102_Serial_ZN15TA6Y_device_sda.pdf').pdf.serial).toBe('ZN15TA6Y');
  });
  it('refuses a missing or foreign file name, a body that is not a PDF and a cut PDF', () => {
    expect(refusal(() => parseNwipePdf(pdf, undefined))).toMatch(/needs \?filename=/);
    expect(refusal(() => parseNwipePdf(pdf, 'scan.pdf'))).toMatch(/not the name of an nwipe certificate/);
    expect(refusal(() => parseNwipePdf(Buffer.from('hello'), 'nwipe_report_1_Model_M_Serial_S.pdf'))).toMatch(/not a PDF/);
    expect(refusal(() => parseNwipePdf(pdf.subarray(0, 20), 'nwipe_report_1_Model_M_Serial_S.pdf'))).toMatch(/cut short/);
  });
});
