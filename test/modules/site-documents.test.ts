/**
 * Documents print the site of what they are about (docs/domain.md §8 "Sites"), through the real HTTP app: a device's
 * label its device's site (with the site's syllabic name, or the community list's), a reserved tag's label the site
 * of its prefix, a device certificate the site the device is at now (after a transfer too) and a donation
 * certificate the site that took the donation in. Text is read back from the PDFs with pdftotext.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, USER_PASSWORD, wipeBody, type TestApp } from '../helpers.js';
import { binary } from '../support/documents.js';

const API = '/api/v1';
type Body = Record<string, unknown>;
type Site = 'iqaluit' | 'kimmirut' | 'arviat' | 'nanook';

const ORG = 'Nunavut Digital Skills Society';
const SITES = [
  // Its own syllabic name.
  { code: 'kimmirut', name: 'Kimmirut', nameSyllabics: 'ᑭᒻᒥᕈᑦ', assetTagPrefix: 'KM', timezone: 'America/Iqaluit' },
  // None of its own: the community list's.
  { code: 'arviat', name: 'Arviat', assetTagPrefix: 'ARV', timezone: 'America/Rankin_Inlet' },
  // Neither: its name alone.
  { code: 'nanook', name: 'Nanook Hub', assetTagPrefix: 'NH', timezone: 'America/Iqaluit' },
] as const;
const LINE: Record<Site, string> = { iqaluit: 'Iqaluit · ᐃᖃᓗᐃᑦ', kimmirut: 'Kimmirut · ᑭᒻᒥᕈᑦ', arviat: 'Arviat · ᐊᕐᕕᐊᑦ', nanook: 'Nanook Hub' };
const NAMES = ['Iqaluit', 'Kimmirut', 'Arviat', 'Nanook Hub'];

let tmp: string;
let fileNo = 0;
const pdfText = (pdf: Buffer): string => {
  const file = path.join(tmp, `doc-${++fileNo}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
};
/** Which site names a text mentions, in the order of NAMES. */
const namesIn = (text: string): string[] => NAMES.filter((n) => text.includes(n));

describe('documents print the site of their device or donation', () => {
  let t: TestApp;
  const tokens = new Map<string, string>();

  /** A user of that role at that site (the first site's users are the test app's own), logged in once. */
  async function token(site: Site, role: Role): Promise<string> {
    if (site === 'iqaluit') return t.token(role);
    const key = `${role}@${site}`;
    const known = tokens.get(key);
    if (known) return known;
    const username = `${role}-${site}`;
    const res = await t.http
      .post(`${API}/users`)
      .set(bearer(await t.token('admin')))
      .send({ username, displayName: `${role} at ${site}`, role, password: USER_PASSWORD, site });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const made = await t.login(username, USER_PASSWORD);
    tokens.set(key, made);
    return made;
  }

  const post = async (url: string, body: Body | undefined, site: Site, role: Role = 'coordinator') => t.http.post(`${API}${url}`).set(bearer(await token(site, role))).send(body);
  const pdf = async (res: PromiseLike<{ status: number; headers: Record<string, string>; body: unknown }>): Promise<string> => {
    const r = await res;
    expect(r.status, String(r.body)).toBeLessThan(300);
    expect(r.headers['content-type']).toBe('application/pdf');
    return pdfText(r.body as Buffer);
  };
  const getPdf = async (url: string, site: Site, role: Role = 'coordinator') => pdf(t.http.get(`${API}${url}`).set(bearer(await token(site, role))).buffer(true).parse(binary));
  const printPdf = async (body: Body, site: Site, role: Role = 'coordinator') =>
    pdf(t.http.post(`${API}/labels`).set(bearer(await token(site, role))).send(body).buffer(true).parse(binary));

  /** A device taken in and sanitized at the site (optionally from a donation); its tag. */
  async function sanitized(site: Site, donationId?: number): Promise<string> {
    const res = await post('/devices', laptop(donationId === undefined ? {} : { donationId }), site, 'trainee');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const tag = res.body.device.assetTag as string;
    for (const d of res.body.device.storage as Array<{ serialNumber: string }>) {
      const wiped = await post(`/devices/${tag}/sanitizations`, wipeBody(d.serialNumber), site, 'trainee');
      expect(wiped.status, JSON.stringify(wiped.body)).toBe(201);
    }
    return tag;
  }

  async function donation(site: Site): Promise<number> {
    const res = await post('/donations', { donorName: `Donor at ${site}`, donorType: 'business', receivedAt: '2026-02-20' }, site);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.donation.site).toBe(site);
    return res.body.donation.id as number;
  }

  const tags = {} as Record<Site, string>;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'site-documents-'));
    t = await createTestApp({ env: { ORGANIZATION_NAME: ORG }, random: () => 0.99 });
    for (const s of SITES) {
      const res = await t.http.post(`${API}/sites`).set(bearer(await t.token('admin'))).send(s);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    for (const site of ['iqaluit', 'kimmirut', 'arviat', 'nanook'] as const) tags[site] = await sanitized(site);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("a device's label prints its own site: the site's syllabic name, else the community list's, else the name alone", async () => {
    for (const site of ['iqaluit', 'kimmirut', 'arviat', 'nanook'] as const) {
      for (const template of ['zebra-2x1', 'avery-l7163']) {
        const text = await getPdf(`/devices/${tags[site]}/label?template=${template}&format=pdf`, site);
        expect(text, `${site} ${template}`).toContain(tags[site]);
        expect(text, `${site} ${template}`).toContain(LINE[site]);
        expect(namesIn(text), `${site} ${template}`).toEqual([LINE[site].split(' · ')[0]]);
      }
    }
    // The printer's site does not matter: an admin of the first site prints Kimmirut's device with Kimmirut on it.
    const byAdmin = await getPdf(`/devices/${tags.kimmirut}/label?template=zebra-2x1&format=pdf`, 'iqaluit', 'admin');
    expect(namesIn(byAdmin)).toEqual(['Kimmirut']);
  });

  it("an admin's sheet of devices at several sites prints each device's site", async () => {
    const order = ['kimmirut', 'iqaluit', 'arviat', 'nanook', 'kimmirut'] as const;
    const text = await printPdf({ template: 'avery-l7163', assetTags: order.map((s) => tags[s]) }, 'iqaluit', 'admin');
    for (const site of ['iqaluit', 'arviat', 'nanook'] as const) expect(text.split(LINE[site]), site).toHaveLength(2);
    expect(text.split(LINE.kimmirut)).toHaveLength(3);
  });

  it("reserved tags print the reserving user's site, and reprinted by an admin elsewhere still the site of their prefix", async () => {
    const res = await t.http
      .post(`${API}/labels`)
      .set(bearer(await token('kimmirut', 'trainee')))
      .send({ template: 'avery-l7163', reserve: 3 })
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(201);
    const reserved = String(res.headers['x-asset-tags']).split(',');
    expect(reserved).toHaveLength(3);
    for (const tag of reserved) expect(tag).toMatch(/^KM-/);
    const text = pdfText(res.body as Buffer);
    expect(text.split(LINE.kimmirut)).toHaveLength(4);
    expect(namesIn(text)).toEqual(['Kimmirut']);

    const again = await printPdf({ template: 'zebra-2x1', assetTags: [reserved[0]] }, 'iqaluit', 'admin');
    expect(again).toContain(reserved[0]);
    expect(namesIn(again)).toEqual(['Kimmirut']);
    const mine = await printPdf({ template: 'zebra-2x1', assetTags: [reserved[1]] }, 'kimmirut', 'trainee');
    expect(namesIn(mine)).toEqual(['Kimmirut']);
  });

  it("a device certificate names the device's site", async () => {
    for (const site of ['iqaluit', 'kimmirut', 'arviat', 'nanook'] as const) {
      const text = await getPdf(`/devices/${tags[site]}/certificate.pdf`, site);
      const name = LINE[site].split(' · ')[0]!;
      expect(text, site).toContain(`${ORG} ${name}`);
      expect(text, site).toContain(`technician, ${ORG}, ${name}`);
      expect(namesIn(text), site).toEqual([name]);
    }
  });

  it('after a transfer the device certificate names the site it is at now; the donation certificate the site that took the donation in', async () => {
    const id = await donation('iqaluit');
    const tag = await sanitized('iqaluit', id);
    const sent = await post(`/devices/${tag}/transfer`, { toSite: 'kimmirut' }, 'iqaluit');
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const received = await post(`/devices/${tag}/receive`, undefined, 'kimmirut');
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(received.body.device).toMatchObject({ assetTag: tag, site: 'kimmirut' });

    const device = await getPdf(`/devices/${tag}/certificate.pdf`, 'kimmirut');
    expect(device).toContain(`${ORG} Kimmirut`);
    expect(device).toContain('Donor at iqaluit');
    expect(namesIn(device)).toEqual(['Kimmirut']);
    const label = await getPdf(`/devices/${tag}/label?template=zebra-2x1&format=pdf`, 'kimmirut');
    expect(namesIn(label)).toEqual(['Kimmirut']);

    const ofDonation = await getPdf(`/donations/${id}/certificate.pdf`, 'iqaluit');
    expect(ofDonation).toContain(`${ORG} Iqaluit`);
    expect(ofDonation).toContain(tag);

    const kimmirutDonation = await donation('kimmirut');
    await sanitized('kimmirut', kimmirutDonation);
    const other = await getPdf(`/donations/${kimmirutDonation}/certificate.pdf`, 'kimmirut');
    expect(other).toContain(`${ORG} Kimmirut`);
    expect(namesIn(other)).toEqual(['Kimmirut']);
  });
});
