import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, TEST_ENGINE, wipeBody, type TestApp } from '../helpers.js';

const API = '/api/v1';
const LOG = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/wipe-reports/nwipe-0.42.format-strings.txt'));
/** Distinct reports of the same wipes: the real bytes with k trailing newlines (the parser reads them alike). */
const variant = (k: number) => Buffer.concat([LOG, Buffer.from('\n'.repeat(k))]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const DRIVES = ['ZN15TA6Y', 'WD-WX11A80W7430', 'S4EWNX0R123456789012AB'] as const;

type Cmd = { kind: 'import'; variant: number; dryRun: boolean } | { kind: 'typed'; drive: number; result: 'passed' | 'failed' };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ kind: fc.constant('import' as const), variant: fc.integer({ min: 0, max: 2 }), dryRun: fc.boolean() }),
  fc.record({ kind: fc.constant('typed' as const), drive: fc.integer({ min: 0, max: 2 }), result: fc.constantFrom('passed' as const, 'failed' as const) }),
);

describe('imports, re-imports and typed records in any order', () => {
  it('keep one record per drive per import, and each device sanitized exactly when each of its drives has passed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 8 }), async (cmds) => {
        const t: TestApp = await createTestApp({ now: '2026-02-27T13:00:00.000Z' });
        try {
          const token = await t.token('trainee');
          const intake = async (storage: Array<{ serialNumber: string; kind: string }>) =>
            (await t.http.post(`${API}/devices`).set(bearer(token)).send(laptop({ storage }))).body.device.assetTag as string;
          const a = await intake([
            { serialNumber: DRIVES[0], kind: 'hdd' },
            { serialNumber: DRIVES[1], kind: 'hdd' },
          ]);
          const b = await intake([{ serialNumber: DRIVES[2], kind: 'nvme' }]);
          const tagOf = [a, a, b];
          t.clock.set('2026-02-27T20:00:00.000Z');

          const imported = new Set<number>();
          const passed = new Set<number>();
          let typed = 0;
          for (const c of cmds) {
            if (c.kind === 'import') {
              const bytes = variant(c.variant);
              const res = await t.http
                .post(`${API}/wipe-reports`)
                .query(c.dryRun ? { dryRun: 'true' } : {})
                .set(bearer(token))
                .set('content-type', 'text/plain')
                .serialize((x: unknown) => x as string)
                .send(bytes);
              const seen = imported.has(c.variant);
              expect(res.status).toBe(seen || c.dryRun ? 200 : 201);
              expect(res.body.drives.map((d: { outcome: string }) => d.outcome)).toEqual(Array(3).fill(seen ? 'already_recorded' : 'recorded'));
              if (!c.dryRun && !seen) {
                imported.add(c.variant);
                passed.add(0).add(2); // the log's sda and nvme0n1 passed; sdb failed
              }
            } else {
              const res = await t.http
                .post(`${API}/devices/${tagOf[c.drive]!}/sanitizations`)
                .set(bearer(token))
                .send(wipeBody(DRIVES[c.drive]!, { method: 'clear', technique: 'overwrite', result: c.result }));
              expect(res.status).toBe(201);
              typed++;
              if (c.result === 'passed') passed.add(c.drive);
            }
            t.clock.advance(60_000);
          }

          const rows = await t.rows<{ serial: string; sha: string | null }>('select storage_serial as serial, report_sha256 as sha from sanitization_records');
          expect(rows.length).toBe(3 * imported.size + typed);
          for (const k of imported) expect(rows.filter((r) => r.sha === sha(variant(k))).map((r) => r.serial).sort()).toEqual([...DRIVES].sort());
          expect(await t.count('wipe_reports')).toBe(imported.size);
          for (const [tag, drives] of [[a, [0, 1]], [b, [2]]] as const) {
            const device = (await t.http.get(`${API}/devices/${tag}`).set(bearer(token))).body.device as { status: string; sanitized: boolean };
            const expected = drives.every((i) => passed.has(i));
            expect(device.sanitized).toBe(expected);
            expect(device.status).toBe(expected ? 'sanitized' : 'received');
          }
        } finally {
          await t.close();
        }
      }),
      // A fresh app per run, and on PostgreSQL a fresh database: half the runs there, where the property checks the engine; SQLite runs them all.
      { numRuns: TEST_ENGINE === 'postgres' ? 8 : 15 },
    );
  }, 120_000);
});
