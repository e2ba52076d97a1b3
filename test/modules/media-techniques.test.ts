/**
 * docs/domain.md §3: the service refuses a technique that NIST SP 800-88 Rev. 1
 * Appendix A / IEEE 2883 does not allow for the drive's kind at that method
 * class. The expectations below are written from the specification's minimum
 * table, independently of src/modules/sanitization/media-techniques.ts, and
 * every kind × method × technique is tried through HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_TECHNIQUES, usualChoice } from '../../src/modules/sanitization/media-techniques.js';
import { SANITIZATION_TECHNIQUES } from '../../src/modules/sanitization/sanitization.table.js';
import { bearer, createTestApp, laptop, wipeBody, type TestApp } from '../helpers.js';

const API = '/api/v1';
const KINDS = ['hdd', 'ssd', 'nvme', 'emmc', 'other'] as const;
const METHODS = ['clear', 'purge', 'destroy'] as const;

/** docs/domain.md §3, sanitization techniques by media. */
const EXPECTED: Record<(typeof KINDS)[number], Record<(typeof METHODS)[number], string[]>> = {
  hdd: { clear: ['overwrite'], purge: ['secure_erase', 'sanitize_command', 'crypto_erase', 'degauss'], destroy: ['shred', 'crush', 'drill'] },
  ssd: { clear: ['overwrite', 'secure_erase'], purge: ['block_erase', 'crypto_erase', 'sanitize_command', 'secure_erase'], destroy: ['shred'] },
  nvme: { clear: ['overwrite'], purge: ['sanitize_command', 'crypto_erase', 'block_erase'], destroy: ['shred'] },
  emmc: { clear: ['overwrite'], purge: ['block_erase', 'sanitize_command'], destroy: ['shred'] },
  other: {
    clear: ['overwrite', 'block_erase', 'crypto_erase', 'sanitize_command', 'secure_erase', 'degauss', 'other'],
    purge: ['overwrite', 'block_erase', 'crypto_erase', 'sanitize_command', 'secure_erase', 'degauss', 'other'],
    destroy: ['shred', 'crush', 'drill', 'other'],
  },
};

describe('media-aware techniques (the table)', () => {
  it('matches the minimum table of the specification, with a source on every row', () => {
    for (const kind of KINDS) {
      for (const method of METHODS) {
        const row = MEDIA_TECHNIQUES.find((r) => r.kind === kind && r.method === method);
        expect(row, `${kind} ${method}`).toBeDefined();
        expect([...row!.techniques].sort(), `${kind} ${method}`).toEqual([...EXPECTED[kind][method]].sort());
        expect(row!.techniques).toContain(row!.usual);
        expect(row!.source.length).toBeGreaterThan(20);
      }
    }
    // Flash: never purged by overwrite, destroyed only by shredding.
    for (const kind of ['ssd', 'nvme', 'emmc'] as const) {
      expect(EXPECTED[kind].purge).not.toContain('overwrite');
      expect(EXPECTED[kind].destroy).toEqual(['shred']);
    }
    expect(usualChoice('hdd')).toEqual({ method: 'clear', technique: 'overwrite' });
    expect(usualChoice('nvme')).toEqual({ method: 'purge', technique: 'sanitize_command' });
  });
});

describe('POST /devices/{tag}/sanitizations on every kind × method × technique', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = await t.token('trainee');
  });
  afterAll(async () => t.close());

  it('accepts exactly the allowed techniques; a refusal is 409 naming the allowed ones and writes nothing', async () => {
    let n = 0;
    for (const kind of KINDS) {
      for (const method of METHODS) {
        for (const technique of SANITIZATION_TECHNIQUES) {
          n += 1;
          const serial = `M-${n}`;
          const intake = await t.http.post(`${API}/devices`).set(bearer(token)).send(laptop({ storage: [{ serialNumber: serial, kind }] }));
          const tag = intake.body.device.assetTag as string;
          const res = await t.http
            .post(`${API}/devices/${tag}/sanitizations`)
            .set(bearer(token))
            .send(wipeBody(serial, { method, technique, notes: 'media: tape cartridge; degausser model X' }));
          const label = `${kind} ${method} ${technique}`;
          if (EXPECTED[kind][method].includes(technique)) {
            expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(201);
          } else {
            expect(res.status, label).toBe(409);
            expect(res.body.code, label).toBe('sanitizations.technique_not_valid_for_media');
            expect(res.body.allowedTechniques, label).toEqual(EXPECTED[kind][method]);
            expect(res.body.errors, label).toEqual([expect.objectContaining({ field: 'body.technique' })]);
            for (const allowed of EXPECTED[kind][method]) expect(res.body.detail, label).toContain(allowed);
            const device = await t.http.get(`${API}/devices/${tag}`).set(bearer(token));
            expect(device.body.device.version, label).toBe(1);
          }
        }
      }
    }
  });

  it('a drive of kind other, or the technique other, needs notes (400 naming body.notes)', async () => {
    const intake = await t.http.post(`${API}/devices`).set(bearer(token)).send(laptop({ storage: [{ serialNumber: 'TAPE-1', kind: 'other' }] }));
    const tag = intake.body.device.assetTag as string;
    const res = await t.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(token)).send(wipeBody('TAPE-1', { method: 'purge', technique: 'degauss' }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.notes' })]);
    const blank = await t.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(token)).send(wipeBody('TAPE-1', { method: 'purge', technique: 'degauss', notes: '   ' }));
    expect(blank.status).toBe(400);
    const ok = await t.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(token)).send(wipeBody('TAPE-1', { method: 'purge', technique: 'degauss', notes: 'LTO-4 tape, bulk degausser' }));
    expect(ok.status).toBe(201);
  });

  it('an NVMe drive recorded as purge by overwrite is refused; the same drive cleared by overwrite is accepted', async () => {
    const intake = await t.http.post(`${API}/devices`).set(bearer(token)).send(laptop({ storage: [{ serialNumber: 'NV-1', kind: 'nvme' }] }));
    const tag = intake.body.device.assetTag as string;
    const purge = await t.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(token)).send(wipeBody('NV-1', { method: 'purge', technique: 'overwrite' }));
    expect(purge.status).toBe(409);
    expect(purge.body.detail).toMatch(/NIST SP 800-88/);
    const clear = await t.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(token)).send(wipeBody('NV-1', { method: 'clear', technique: 'overwrite' }));
    expect(clear.status).toBe(201);
  });
});
