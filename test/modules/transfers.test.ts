/**
 * Transfers between sites (docs/domain.md §8): a device or a box leaves one
 * site in transit and is received at another in the status it left with; the
 * sender may call it back before receipt. Each step is a custody event the
 * device's history shows at either site; a box with a device missing at
 * receipt stays open with that device named; and a sequence of sends,
 * receipts and cancellations keeps every device at exactly one site.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/users/users.table.js';
import { USER_PASSWORD, bearer, createTestApp, laptop, type TestApp, wipeBody } from '../helpers.js';
import { binary } from '../support/documents.js';
import { pdfPagePng } from '../support/images.js';

const API = '/api/v1';
type Body = Record<string, unknown>;
/** The sites of the test: the first (iqaluit, prefix IQ) and two hubs. */
type Site = 'iqaluit' | 'kimmirut' | 'arviat';
const SITES: readonly Site[] = ['iqaluit', 'kimmirut', 'arviat'];

describe('transfers between sites', () => {
  let t: TestApp;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp({ env: { SESSION_TTL_HOURS: '2160' } });
    const admin = bearer(await t.token('admin'));
    for (const [code, name, prefix] of [
      ['kimmirut', 'Kimmirut', 'KM'],
      ['arviat', 'Arviat', 'AR'],
    ] as const) {
      const res = await t.http.post(`${API}/sites`).set(admin).send({ code, name, assetTagPrefix: prefix, timezone: 'America/Iqaluit' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    for (const site of SITES) {
      for (const role of ['trainee', 'coordinator', 'staff'] as const) {
        const username = `${site}-${role}`;
        const res = await t.http.post(`${API}/users`).set(admin).send({ username, displayName: `${site} ${role}`, role, password: USER_PASSWORD, site });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        tokens.set(username, await t.login(username, USER_PASSWORD));
      }
    }
  });
  afterAll(async () => t.close());

  const who = async (site: Site | 'admin' | 'program', role: Role = 'coordinator') =>
    site === 'admin' || site === 'program' ? bearer(await t.token(site)) : bearer(tokens.get(`${site}-${role}`)!);
  const post = async (url: string, body: Body | undefined, as: Site | 'admin' | 'program' = 'iqaluit', role: Role = 'coordinator') => {
    const req = t.http.post(`${API}${url}`).set(await who(as, role));
    return body === undefined ? req : req.send(body);
  };
  const get = async (url: string, as: Site | 'admin' | 'program' = 'iqaluit', role: Role = 'coordinator') => t.http.get(`${API}${url}`).set(await who(as, role));

  /** A device taken in at a site, wiped and graded: ready (grade A) or awaiting recycling (grade D). */
  async function ready(site: Site, grade: 'A' | 'D' = 'A'): Promise<string> {
    const res = await post('/devices', laptop(), site, 'trainee');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const tag = res.body.device.assetTag as string;
    for (const d of res.body.device.storage as Array<{ serialNumber: string }>) expect((await post(`/devices/${tag}/sanitizations`, wipeBody(d.serialNumber), site, 'trainee')).status).toBe(201);
    expect((await post(`/devices/${tag}/grade`, { grade }, site, 'trainee')).status).toBe(201);
    return tag;
  }
  async function asAdmin(tag: string): Promise<Body> {
    const res = await get(`/devices/${tag}`, 'admin');
    expect(res.status).toBe(200);
    return res.body.device as Body;
  }
  const problem = (res: { status: number; body: Body }, status: number, code: string) => {
    expect([res.status, res.body.code], JSON.stringify(res.body)).toEqual([status, code]);
  };

  it('a round trip: sent in transit, invisible to the destination until received, received there in the status it left with, with both events in one history', async () => {
    const tag = await ready('iqaluit');
    expect(tag.startsWith('IQ-')).toBe(true);
    const sent = await post(`/devices/${tag}/transfer`, { toSite: 'kimmirut', carrier: 'Canadian North', reference: 'AWB 518-2231' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body.device).toMatchObject({ assetTag: tag, status: 'in_transit', site: 'iqaluit' });
    expect(sent.body.transfer).toMatchObject({ fromSite: 'iqaluit', toSite: 'kimmirut', status: 'open', carrier: 'Canadian North', reference: 'AWB 518-2231', missing: [tag] });
    expect(sent.body.transfer.devices).toEqual([expect.objectContaining({ assetTag: tag, fromStatus: 'ready', state: 'in_transit', settledAt: null })]);

    // Not the destination's until received: its lookup is 404, its transfer list shows it coming.
    problem(await get(`/devices/${tag}`, 'kimmirut'), 404, 'devices.not_found');
    const incoming = await get('/transfers?direction=in&status=open', 'kimmirut');
    expect(incoming.body.items.map((x: Body) => x.id)).toContain(sent.body.transfer.id);
    // Nor can it be issued or graded while in transit.
    problem(await post(`/devices/${tag}/grade`, { grade: 'B' }, 'iqaluit', 'trainee'), 409, 'devices.invalid_transition');
    // The sender does not receive its own transfer; a third site does not see it at all.
    problem(await post(`/devices/${tag}/receive`, undefined, 'iqaluit'), 409, 'transfers.not_destination');
    problem(await post(`/devices/${tag}/receive`, undefined, 'arviat'), 404, 'devices.not_found');
    problem(await get(`/transfers/${sent.body.transfer.id}`, 'arviat'), 404, 'transfers.not_found');

    const received = await post(`/devices/${tag.toLowerCase()}/receive`, undefined, 'kimmirut');
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(received.body.device).toMatchObject({ assetTag: tag, status: 'ready', site: 'kimmirut' });
    expect(received.body.transfer).toMatchObject({ status: 'closed', missing: [] });
    problem(await get(`/devices/${tag}`, 'iqaluit'), 404, 'devices.not_found');
    expect((await get(`/devices/${tag}`, 'kimmirut')).body.device.status).toBe('ready');

    const events = (await get(`/devices/${tag}/history`, 'kimmirut')).body.events as Array<{ action: string; fromStatus: string; toStatus: string; details: Body }>;
    const moves = events.filter((e) => e.action.startsWith('device.transfer_'));
    expect(moves.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['device.transfer_sent', 'ready', 'in_transit'],
      ['device.transfer_received', 'in_transit', 'ready'],
    ]);
    expect(moves[0]!.details).toMatchObject({ fromSite: 'iqaluit', toSite: 'kimmirut', carrier: 'Canadian North', reference: 'AWB 518-2231', transferId: sent.body.transfer.id });
    // The same history as the program sees it, and the chain holds.
    expect((await get(`/devices/${tag}/history`, 'program')).body.events).toEqual(events);
    const verify = await get('/audit/verify', 'admin');
    expect(verify.body.ok, JSON.stringify(verify.body)).toBe(true);

    // Received twice: it is no longer in transit.
    problem(await post(`/devices/${tag}/receive`, undefined, 'kimmirut'), 409, 'devices.invalid_transition');
  });

  it('refuses what may not travel: an unsanitized device, its own site, an unknown site, roles without the right, another site\'s device', async () => {
    const raw = await post('/devices', laptop(), 'iqaluit', 'trainee');
    const rawTag = raw.body.device.assetTag as string;
    problem(await post(`/devices/${rawTag}/transfer`, { toSite: 'kimmirut' }), 409, 'devices.invalid_transition');
    const tag = await ready('iqaluit');
    const own = await post(`/devices/${tag}/transfer`, { toSite: 'iqaluit' });
    problem(own, 400, 'request.invalid');
    expect(own.body.errors).toEqual([expect.objectContaining({ field: 'body.toSite' })]);
    const unknown = await post(`/devices/${tag}/transfer`, { toSite: 'pangnirtung' });
    problem(unknown, 400, 'request.invalid');
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'body.toSite' })]);
    for (const role of ['trainee', 'staff'] as const) problem(await post(`/devices/${tag}/transfer`, { toSite: 'kimmirut' }, 'iqaluit', role), 403, 'auth.forbidden');
    problem(await post(`/devices/${tag}/transfer`, { toSite: 'kimmirut' }, 'program'), 403, 'auth.forbidden');
    problem(await post(`/devices/${tag}/transfer`, { toSite: 'iqaluit' }, 'arviat'), 404, 'devices.not_found');
    // Nothing of the refusals was written.
    expect(await asAdmin(tag)).toMatchObject({ status: 'ready', site: 'iqaluit' });
    expect((await asAdmin(rawTag)).status).toBe('received');
  });

  it('the sender calls a device back before receipt: back on its shelf in the status it left with; the destination can no longer receive it', async () => {
    const tag = await ready('iqaluit', 'D');
    const sent = await post(`/devices/${tag}/transfer`, { toSite: 'arviat' });
    expect(sent.status).toBe(201);
    problem(await post(`/devices/${tag}/transfer/cancel`, undefined, 'arviat'), 404, 'devices.not_found');
    const cancelled = await post(`/devices/${tag}/transfer/cancel`, undefined);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.device).toMatchObject({ status: 'awaiting_recycling', site: 'iqaluit' });
    expect(cancelled.body.transfer).toMatchObject({ status: 'closed', missing: [] });
    expect(cancelled.body.transfer.devices[0]).toMatchObject({ state: 'cancelled' });
    problem(await post(`/devices/${tag}/receive`, undefined, 'arviat'), 404, 'devices.not_found');
    problem(await post(`/devices/${tag}/transfer/cancel`, undefined), 409, 'devices.invalid_transition');
    const actions = ((await get(`/devices/${tag}/history`)).body.events as Array<{ action: string }>).map((e) => e.action);
    expect(actions.slice(-2)).toEqual(['device.transfer_sent', 'device.transfer_cancelled']);
  });

  it('a box: one transfer, a packing list whose barcodes decode to every tag, a receipt with one device missing, the missing one received later', async () => {
    const tags = [await ready('iqaluit'), await ready('iqaluit'), await ready('iqaluit', 'D')];
    const box = await post('/transfers', { toSite: 'kimmirut', assetTags: tags, carrier: 'Sealift', reference: 'BOX-7' });
    expect(box.status, JSON.stringify(box.body)).toBe(201);
    const id = box.body.transfer.id as number;
    expect(box.body.transfer.missing).toEqual(tags);

    const pdf = await t.http.get(`${API}/transfers/${id}/packing-list.pdf`).set(await who('kimmirut')).buffer(true).parse(binary);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packing-'));
    try {
      const png = path.join(dir, 'page.png');
      fs.writeFileSync(png, pdfPagePng(pdf.body as Buffer, 200));
      const out = spawnSync('zbarimg', ['-q', png], { encoding: 'utf8' });
      if (out.error) throw new Error(`zbarimg is needed to decode the packing list: ${out.error.message}`);
      expect(out.stdout.trim().split('\n').sort()).toEqual(tags.map((x) => `CODE-128:${x}`).sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // A tag that is not in the box refuses the whole scan-in: nothing is received.
    const stray = await ready('kimmirut');
    const wrong = await post(`/transfers/${id}/receive`, { assetTags: [tags[0], stray] }, 'kimmirut');
    problem(wrong, 409, 'transfers.not_on_transfer');
    expect(wrong.body.assetTag).toBe(stray);
    expect((await asAdmin(tags[0]!)).status).toBe('in_transit');

    const partial = await post(`/transfers/${id}/receive`, { assetTags: [tags[0], tags[2]!.toLowerCase(), tags[0]] }, 'kimmirut');
    expect(partial.status, JSON.stringify(partial.body)).toBe(200);
    expect(partial.body.transfer).toMatchObject({ status: 'open', missing: [tags[1]] });
    expect(await asAdmin(tags[0]!)).toMatchObject({ status: 'ready', site: 'kimmirut' });
    expect(await asAdmin(tags[1]!)).toMatchObject({ status: 'in_transit', site: 'iqaluit' });
    expect(await asAdmin(tags[2]!)).toMatchObject({ status: 'awaiting_recycling', site: 'kimmirut' });

    const late = await post(`/transfers/${id}/receive`, { assetTags: [tags[1]] }, 'kimmirut');
    expect(late.body.transfer).toMatchObject({ status: 'closed', missing: [] });
    expect(await asAdmin(tags[1]!)).toMatchObject({ status: 'ready', site: 'kimmirut' });
    const audit = await get('/audit/verify', 'admin');
    expect(audit.body.ok).toBe(true);
  });

  it('a device written off on its way leaves its transfer: the box closes once the rest is received', async () => {
    const tags = [await ready('iqaluit'), await ready('iqaluit')];
    const box = await post('/transfers', { toSite: 'arviat', assetTags: tags });
    expect(box.status).toBe(201);
    const id = box.body.transfer.id as number;
    const lost = await post(`/devices/${tags[1]}/write-off`, { reason: 'Lost with the cargo at Rankin Inlet' }, 'admin');
    expect(lost.status, JSON.stringify(lost.body)).toBe(200);
    expect(lost.body.device.status).toBe('written_off');
    const after = await get(`/transfers/${id}`, 'arviat');
    expect(after.body.transfer).toMatchObject({ status: 'open', missing: [tags[0]] });
    expect(after.body.transfer.devices.map((d: Body) => d.state)).toEqual(['in_transit', 'written_off']);
    problem(await post(`/transfers/${id}/receive`, { assetTags: [tags[1]] }, 'arviat'), 409, 'transfers.not_on_transfer');
    const received = await post(`/transfers/${id}/receive`, { assetTags: [tags[0]] }, 'arviat');
    expect(received.body.transfer).toMatchObject({ status: 'closed', missing: [] });
    expect((await get('/audit/verify', 'admin')).body.ok).toBe(true);
  });

  it('a second-person check that fails on the way: the device arrives received, not ready', async () => {
    // A ready device whose wipe was drawn for a check (the bench's first passing wipe always is), wherever it is now.
    const pending = (await get('/sanitization-verifications?status=pending&limit=200', 'admin')).body.items as Array<{ id: number; record: { assetTag: string } }>;
    let found: { check: number; tag: string; site: Site } | undefined;
    for (const v of pending) {
      const d = await asAdmin(v.record.assetTag);
      if (d.status === 'ready') found = { check: v.id, tag: v.record.assetTag, site: d.site as Site };
    }
    expect(found, 'a ready device with a pending check').toBeDefined();
    const { check, tag, site } = found!;
    const to: Site = site === 'arviat' ? 'kimmirut' : 'arviat';
    expect((await post(`/devices/${tag}/transfer`, { toSite: to }, site)).status).toBe(201);
    const failed = await post(`/sanitization-verifications/${check}`, { result: 'failed', notes: 'Data found on a spot check' }, 'admin');
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect((await asAdmin(tag)).status).toBe('in_transit');
    const received = await post(`/devices/${tag}/receive`, undefined, to);
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(received.body.device).toMatchObject({ status: 'received', site: to });
    problem(await post(`/devices/${tag}/grade`, { grade: 'A' }, to, 'trainee'), 409, 'devices.invalid_transition');
  });

  it('a box leaves whole or not at all: one device that may not travel refuses it, naming that device', async () => {
    const good = await ready('iqaluit');
    const raw = (await post('/devices', laptop(), 'iqaluit', 'trainee')).body.device.assetTag as string;
    const res = await post('/transfers', { toSite: 'arviat', assetTags: [good, raw] });
    problem(res, 409, 'devices.invalid_transition');
    expect(res.body.assetTag).toBe(raw);
    expect((await asAdmin(good)).status).toBe('ready');
    const twice = await post('/transfers', { toSite: 'arviat', assetTags: [good, good.toLowerCase()] });
    problem(twice, 400, 'request.invalid');
    // An admin sees every site, but a box leaves from one.
    const other = await ready('kimmirut');
    const mixed = await post('/transfers', { toSite: 'arviat', assetTags: [good, other] }, 'admin');
    problem(mixed, 409, 'transfers.mixed_sites');
    expect((await asAdmin(other)).status).toBe('ready');
  });

  it('keeps every device at one site through any sequence of sends, receipts and cancellations (model-based)', async () => {
    type Op = { kind: 'send'; device: number; to: Site } | { kind: 'receive'; device: number; by: Site } | { kind: 'cancel'; device: number; by: Site };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('send' as const), device: fc.nat(2), to: fc.constantFrom(...SITES) }),
      fc.record({ kind: fc.constant('receive' as const), device: fc.nat(2), by: fc.constantFrom(...SITES) }),
      fc.record({ kind: fc.constant('cancel' as const), device: fc.nat(2), by: fc.constantFrom(...SITES) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const model = [] as Array<{ tag: string; site: Site; status: string; to: Site | null; left: string }>;
        for (let i = 0; i < 3; i++) model.push({ tag: await ready('iqaluit', i === 2 ? 'D' : 'A'), site: 'iqaluit', status: i === 2 ? 'awaiting_recycling' : 'ready', to: null, left: '' });
        for (const o of ops) {
          const m = model[o.device]!;
          if (o.kind === 'send') {
            const res = await post(`/devices/${m.tag}/transfer`, { toSite: o.to }, m.site);
            // Where it is goes first (400), then whether it may leave (409).
            if (o.to === m.site) expect(res.status).toBe(400);
            else if (m.to !== null) expect(res.status).toBe(409);
            else {
              expect(res.status, JSON.stringify(res.body)).toBe(201);
              Object.assign(m, { to: o.to, left: m.status, status: 'in_transit' });
            }
          } else if (o.kind === 'receive') {
            const res = await post(`/devices/${m.tag}/receive`, undefined, o.by);
            if (m.to !== null && o.by === m.to) {
              expect(res.status, JSON.stringify(res.body)).toBe(200);
              Object.assign(m, { site: m.to, to: null, status: m.left });
            } else if (o.by === m.site) expect(res.body.code).toBe(m.to === null ? 'devices.invalid_transition' : 'transfers.not_destination');
            else expect(res.body.code).toBe('devices.not_found');
          } else {
            const res = await post(`/devices/${m.tag}/transfer/cancel`, undefined, o.by);
            if (o.by !== m.site) expect(res.status).toBe(404);
            else if (m.to === null) expect(res.status).toBe(409);
            else {
              expect(res.status, JSON.stringify(res.body)).toBe(200);
              Object.assign(m, { to: null, status: m.left });
            }
          }
        }
        for (const m of model) {
          expect(await asAdmin(m.tag)).toMatchObject({ site: m.site, status: m.status });
          // Exactly one site lists it, whether it is on its way or on a shelf.
          const listing: Site[] = [];
          for (const s of SITES) {
            const list = await get(`/devices?q=${m.tag}`, s);
            if ((list.body.items as Body[]).some((d) => d.assetTag === m.tag)) listing.push(s);
          }
          expect(listing).toEqual([m.site]);
        }
      }),
      { numRuns: 12 },
    );
  });
});
