/**
 * Hostile input at the edges of the HTTP contract (issue 8, "Hostile input";
 * docs/domain.md §4): body limits, content types, malformed JSON, slow clients,
 * injection-shaped strings kept verbatim, mass assignment, header injection,
 * hostile text in generated documents, and URLs the router refuses.
 *
 * Every refusal must be a 4xx application/problem+json with a dotted code,
 * never a 5xx, and must leave every table as it was.
 */
import http from 'node:http';
import net from 'node:net';
import type { HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineOf } from '../../src/core/db.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { bearer, createTestApp, type TestApp } from '../helpers.js';
import { dbState as readDbState, type DbState, tableNames } from '../support/db-state.js';
import { parseCsv } from '../support/documents.js';

/** Parsed JSON, read loosely as tests do (the type JSON.parse itself returns). */
type Json = ReturnType<typeof JSON.parse>;

const API = '/api/v1';
const DOTTED = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/** Tables outside the comparison: sessions, the migration journal, and the personal-data access log (reads are logged by design). */
const UNCOMPARED = new Set(['sessions', '__drizzle_migrations', 'personal_data_access_log']);

const dbState = (t: TestApp) => readDbState(t, UNCOMPARED);

function expectSameState(before: DbState, after: DbState, what: string): void {
  const names = new Set([...before.keys(), ...after.keys()]);
  expect([...names].filter((n) => before.get(n) !== after.get(n)).sort(), `${what} writes nothing`).toEqual([]);
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** A 4xx problem document with a known dotted code whose status matches. */
function expectProblem(res: Answer, status: number | number[], code?: string | string[]): Record<string, Json> {
  const statuses = Array.isArray(status) ? status : [status];
  expect(statuses, `status ${res.status}: ${res.text.slice(0, 300)}`).toContain(res.status);
  expect(res.contentType, `problem+json for ${res.status}: ${res.text.slice(0, 200)}`).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.text) as Record<string, Json>;
  expect(body['code']).toMatch(DOTTED);
  expect(Object.keys(ERROR_CODES)).toContain(body['code']);
  expect(body['status']).toBe(res.status);
  if (code !== undefined) expect(Array.isArray(code) ? code : [code]).toContain(body['code']);
  return body;
}

interface InjectOptions {
  method: HTTPMethods;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

async function send(t: TestApp, o: InjectOptions): Promise<Answer> {
  const res = await t.app.inject({ method: o.method, url: o.url, headers: o.headers ?? {}, ...(o.payload === undefined ? {} : { payload: o.payload }) });
  return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text: res.body };
}

/** Sends, and checks the database is untouched by it. */
async function refused(t: TestApp, o: InjectOptions): Promise<Answer> {
  const before = await dbState(t);
  const res = await send(t, o);
  expectSameState(before, await dbState(t), `${o.method} ${o.url} → ${res.status}`);
  expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
  return res;
}

const json = (token: string, extra: Record<string, string> = {}) => ({ ...bearer(token), 'content-type': 'application/json', ...extra });
const donationBody = (overrides: Record<string, unknown> = {}) => ({ donorName: 'Nunavut Arctic College', donorType: 'school', receivedAt: '2026-02-20', ...overrides });

let serialCounter = 0;
function device(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  serialCounter += 1;
  return {
    category: 'laptop',
    make: 'Lenovo',
    model: 'ThinkPad T480',
    serialNumber: `HX-SN-${serialCounter}`,
    storage: [{ serialNumber: `HX-DRV-${serialCounter}`, kind: 'ssd', capacityGb: 256 }],
    ...overrides,
  };
}

/** What the CSV export documents for free text: a leading = + - @ (or full-width ＝＋－＠, also behind whitespace), tab or CR gets a ' in front. */
const neutralised = (s: string) => (/^(?:[\t\r]|[\s\u200b-\u200d\u2060]*[=+\-@\uff1d\uff0b\uff0d\uff20])/.test(s) ? `'${s}` : s);

// ---------------------------------------------------------------------------

describe('hostile input', () => {
  let t: TestApp;
  let admin: string;
  let trainee: string;
  let coordinator: string;
  let staff: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.token('admin');
    trainee = await t.token('trainee');
    coordinator = await t.token('coordinator');
    staff = await t.token('staff');
  });
  afterAll(async () => t.close());

  // -------------------------------------------------------------------------
  describe('body size limit (64 KiB)', () => {
    /** A donation whose JSON text is exactly n bytes. */
    function donationOfSize(n: number): string {
      const base = JSON.stringify(donationBody({ notes: '' }));
      return base.replace('"notes":""', `"notes":"${'a'.repeat(n - base.length)}"`);
    }

    it.each([
      ['one byte over', 64 * 1024 + 1],
      ['a megabyte', 1024 * 1024],
    ])('a JSON body %s is 413 request.body_too_large and writes nothing', async (_label, size) => {
      const payload = donationOfSize(size);
      expect(Buffer.byteLength(payload)).toBe(size);
      for (const url of [`${API}/donations`, `${API}/devices`, `${API}/scans`]) {
        const res = await refused(t, { method: 'POST', url, headers: json(trainee), payload });
        expectProblem(res, 413, 'request.body_too_large');
      }
    });

    it('a body of exactly 64 KiB is parsed (and refused for its over-long field with 400, not 413)', async () => {
      const res = await refused(t, { method: 'POST', url: `${API}/donations`, headers: json(trainee), payload: donationOfSize(64 * 1024) });
      const body = expectProblem(res, 400, 'request.invalid');
      expect(body['errors']).toContainEqual(expect.objectContaining({ field: 'body.notes' }));
    });

    it('multi-byte text counts in bytes: 22,000 syllabics (66 KB) are 413', async () => {
      const res = await refused(t, { method: 'POST', url: `${API}/donations`, headers: json(trainee), payload: JSON.stringify(donationBody({ notes: 'ᐃ'.repeat(22_000) })) });
      expectProblem(res, 413, 'request.body_too_large');
    });

    it('a chunked body over the limit, without Content-Length, is cut with 413 and writes nothing', async () => {
      const s = await createTestApp();
      try {
        const token = await s.token('trainee');
        await s.app.listen({ port: 0, host: '127.0.0.1' });
        const { port } = s.app.server.address() as net.AddressInfo;
        const before = await dbState(s);
        const answer = await new Promise<{ status: number; contentType: string; text: string } | 'closed'>((resolve) => {
          const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `${API}/donations`, headers: { ...json(token), 'transfer-encoding': 'chunked' } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text }));
          });
          req.on('error', () => resolve('closed'));
          req.write(`{"donorName":"x","donorType":"school","receivedAt":"2026-02-20","notes":"`);
          for (let i = 0; i < 20; i++) req.write('a'.repeat(4096));
          req.end('"}');
        });
        expectSameState(before, await dbState(s), 'the oversized chunked body');
        expect(answer).not.toBe('closed');
        if (answer !== 'closed') expectProblem(answer, 413, 'request.body_too_large');
      } finally {
        await s.close();
      }
    });
  });

  // -------------------------------------------------------------------------
  describe('Content-Type', () => {
    const body = JSON.stringify(donationBody());

    it('a well-formed JSON donation is accepted with the usual spellings of application/json (control)', async () => {
      for (const ct of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8']) {
        const res = await send(t, { method: 'POST', url: `${API}/donations`, headers: { ...bearer(trainee), 'content-type': ct }, payload: body });
        expect(res.status, `${ct}: ${res.text}`).toBe(201);
      }
    });

    it.each([
      ['text/plain', body],
      ['text/plain; charset=utf-8', body],
      ['application/x-www-form-urlencoded', 'donorName=x&donorType=school&receivedAt=2026-02-20'],
      ['multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="donorName"\r\n\r\nx\r\n--XyZ--\r\n'],
      ['application/xml', '<donation><donorName>x</donorName><donorType>school</donorType></donation>'],
      ['text/xml', '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'],
      ['text/json', body],
      ['application/jsonx', body],
      ['application/json-patch+json', body],
      ['application/octet-stream', body],
      ['', body],
      ['*/*', body],
      ['application/json, text/plain', body],
    ])('%j is refused with 415 problem+json and writes nothing', async (ct, payload) => {
      const res = await refused(t, { method: 'POST', url: `${API}/donations`, headers: { ...bearer(trainee), 'content-type': ct }, payload });
      expectProblem(res, 415, 'request.unsupported_media_type');
    });

    it('a body without any Content-Type is refused with 415 and writes nothing', async () => {
      const res = await refused(t, { method: 'POST', url: `${API}/donations`, headers: bearer(trainee), payload: body });
      expectProblem(res, 415, 'request.unsupported_media_type');
    });

    it('UTF-16 bytes declared as application/json; charset=utf-16 are refused (4xx) and write nothing', async () => {
      for (const payload of [Buffer.from(body, 'utf16le'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')])]) {
        const res = await refused(t, { method: 'POST', url: `${API}/donations`, headers: { ...bearer(trainee), 'content-type': 'application/json; charset=utf-16' }, payload });
        expectProblem(res, [400, 415]);
      }
    });

    it('Latin-1 bytes declared as charset=iso-8859-1 are refused or decoded, never stored as replacement characters', async () => {
      const latin1 = Buffer.from(JSON.stringify(donationBody({ donorName: 'École Nanook Café' })), 'latin1');
      const res = await send(t, { method: 'POST', url: `${API}/donations`, headers: { ...bearer(trainee), 'content-type': 'application/json; charset=iso-8859-1' }, payload: latin1 });
      expect(res.status).toBeLessThan(500);
      if (res.status < 400) expect(JSON.parse(res.text).donation.donorName).toBe('École Nanook Café');
      else expectProblem(res, [400, 415]);
    });
  });

  // -------------------------------------------------------------------------
  describe('malformed JSON', () => {
    const syntaxErrors: Array<[string, string]> = [
      ['truncated', '{"donorName": "x", "donorType": "sch'],
      ['trailing garbage', `${JSON.stringify(donationBody())} x`],
      ['two documents', `${JSON.stringify(donationBody())}${JSON.stringify(donationBody())}`],
      ['an empty body', ''],
      ['a lone brace', '{'],
      ['NaN', 'NaN'],
      ['a trailing comma', '{"donorName":"x",}'],
      ['single quotes', "{'donorName':'x'}"],
      ['a comment', '{"donorName":"x" /* c */}'],
      ['an unescaped control character', '{"donorName":"a\u0001b","donorType":"school","receivedAt":"2026-02-20"}'],
      ['a __proto__ key', '{"__proto__":{"polluted":true},"donorName":"x","donorType":"school","receivedAt":"2026-02-20"}'],
      ['a constructor.prototype key', '{"constructor":{"prototype":{"polluted":true}},"donorName":"x","donorType":"school","receivedAt":"2026-02-20"}'],
    ];
    it.each(syntaxErrors)('%s is 400 request.malformed_json and writes nothing', async (_label, payload) => {
      const res = await refused(t, { method: 'POST', url: `${API}/donations`, headers: json(trainee), payload });
      expectProblem(res, 400, 'request.malformed_json');
      expect(({} as Record<string, unknown>)['polluted'], 'Object.prototype untouched').toBeUndefined();
    });

    const wrongShapes: Array<[string, string]> = [
      ['a bare string', '"hello"'],
      ['null', 'null'],
      ['true', 'true'],
      ['a number', '42'],
      ['an array', '[]'],
      ['an array of the object', `[${JSON.stringify(donationBody())}]`],
      ['20,000 nested arrays', `${'['.repeat(20_000)}${']'.repeat(20_000)}`],
      ['5,000 nested objects', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`],
    ];
    it.each(wrongShapes)('%s is 400 and writes nothing', async (_label, payload) => {
      for (const url of [`${API}/donations`, `${API}/devices`]) {
        const res = await refused(t, { method: 'POST', url, headers: json(trainee), payload });
        expectProblem(res, 400, ['request.invalid', 'request.malformed_json']);
      }
    });
  });

  // -------------------------------------------------------------------------
  describe('slow clients (REQUEST_TIMEOUT_MS=1000)', () => {
    let s: TestApp;
    let token: string;
    let port: number;
    beforeAll(async () => {
      s = await createTestApp({ env: { REQUEST_TIMEOUT_MS: '1000' } });
      token = await s.token('trainee');
      await s.app.listen({ port: 0, host: '127.0.0.1' });
      port = (s.app.server.address() as net.AddressInfo).port;
    });
    afterAll(async () => s.close());

    /**
     * Opens a raw socket, writes `head`, then `drip` every `everyMs` (if any),
     * and resolves when the server closes the connection or `giveUpMs` passes.
     */
    function slowClient(head: string, giveUpMs: number, drip?: { chunk: string; everyMs: number }): Promise<{ closedAfterMs: number | null; received: string }> {
      return new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        const started = Date.now();
        let received = '';
        let timer: NodeJS.Timeout | undefined;
        socket.on('data', (d) => (received += d.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('connect', () => {
          socket.write(head);
          if (drip) timer = setInterval(() => socket.writable && socket.write(drip.chunk), drip.everyMs);
        });
        const giveUp = setTimeout(() => {
          clearInterval(timer);
          socket.destroy();
          resolve({ closedAfterMs: null, received });
        }, giveUpMs);
        socket.on('close', () => {
          clearInterval(timer);
          clearTimeout(giveUp);
          resolve({ closedAfterMs: Date.now() - started, received });
        });
      });
    }

    const headers = () => `Host: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n`;

    function expectCut(r: { closedAfterMs: number | null; received: string }, withinMs: number): void {
      expect(r.closedAfterMs, `the server cut the connection (received ${JSON.stringify(r.received.slice(0, 120))})`).not.toBeNull();
      expect(r.closedAfterMs!).toBeLessThanOrEqual(withinMs);
      // Either closed without an answer, or answered 408; never a success.
      if (r.received !== '') expect(r.received).toMatch(/^HTTP\/1\.1 408 /);
    }

    it('headers and part of a body, then silence: cut within a few seconds, nothing written', async () => {
      const before = await dbState(s);
      const r = await slowClient(`POST ${API}/donations HTTP/1.1\r\n${headers()}Content-Length: 200\r\n\r\n{"donorName":"slow","donorType":"school",`, 6_000);
      expectCut(r, 4_000);
      expectSameState(before, await dbState(s), 'the unfinished request');
    });

    it('half the headers, then silence: cut within a few seconds', async () => {
      const r = await slowClient(`POST ${API}/donations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthori`, 6_000);
      expectCut(r, 4_000);
    });

    it('a body trickled one byte every 250 ms is cut within 5 s (requestTimeout, not only the idle timeout)', async () => {
      const before = await dbState(s);
      const r = await slowClient(`POST ${API}/donations HTTP/1.1\r\n${headers()}Content-Length: 10000\r\n\r\n{"donorName":"`, 5_500, { chunk: 'a', everyMs: 250 });
      expectCut(r, 5_000);
      expectSameState(before, await dbState(s), 'the trickled request');
    });

    it('a body trickled to a URL no route answers is cut as well', async () => {
      const r = await slowClient(`POST ${API}/no-such-thing HTTP/1.1\r\n${headers()}Content-Length: 10000\r\n\r\n{"a":"`, 5_500, { chunk: 'a', everyMs: 250 });
      expectCut(r, 5_000);
    });

    it('a request whose body arrived in time leaves no deadline behind: its connection serves the next request after the timeout', async () => {
      // One kept-alive connection: a route's body, a 404's body, a pause longer than the deadline, then a lookup.
      const body = JSON.stringify({ donorName: 'kept alive', donorType: 'school', receivedAt: '2026-03-02' });
      const post = (path: string) => `POST ${API}${path} HTTP/1.1\r\n${headers()}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      const steps = [post('/donations'), post('/no-such-thing'), `GET ${API}/donations HTTP/1.1\r\n${headers()}\r\n`];
      const answers = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        let received = '';
        let answered = 0;
        socket.on('data', (d) => {
          received += d.toString('latin1');
          // A status line follows the last answer's body directly, not at a line's start.
          const count = (received.match(/HTTP\/1\.1 \d{3} /g) ?? []).length;
          if (count === steps.length) return socket.end();
          // Each request once the one before is answered; the last after the deadline has passed.
          if (count > answered) setTimeout(() => socket.writable && socket.write(steps[count]!), count === steps.length - 1 ? 1_600 : 0);
          answered = count;
        });
        socket.on('error', reject);
        socket.on('close', () => resolve(received));
        socket.on('connect', () => socket.write(steps[0]!));
      });
      expect(answers.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 201', 'HTTP/1.1 404', 'HTTP/1.1 200']);
    });
  });

  // -------------------------------------------------------------------------
  describe('SQL-ish and script-ish strings', () => {
    const SQLISH = [`'; DROP TABLE devices; --`, `" OR 1=1 --`, `Robert'); DELETE FROM users;--`];
    const SCRIPTISH = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '{{7*7}}', '${7*7}'];
    const FORMULAS = ['=HYPERLINK("http://evil.example","click")', '+1+1', '-2+3', '@SUM(A1:A9)'];

    it('are stored through intake and donations and come back verbatim from GET, search and the CSV export; the tables survive', async () => {
      const tablesBefore = await tableNames(t);
      const usersBefore = await t.count('users');
      const devicesBefore = await t.count('devices');

      const strings = [...SQLISH, ...SCRIPTISH, ...FORMULAS];
      const created: Array<{ s: string; tag: string; serial: string; donationId: number }> = [];
      for (const [i, s] of strings.entries()) {
        const donation = await send(t, { method: 'POST', url: `${API}/donations`, headers: json(trainee), payload: JSON.stringify(donationBody({ donorName: s, notes: s })) });
        expect(donation.status, donation.text).toBe(201);
        const d = JSON.parse(donation.text).donation;
        expect(d.donorName).toBe(s);
        expect(d.notes).toBe(s);

        const serial = `${s} #${i}`;
        const intake = await send(t, {
          method: 'POST',
          url: `${API}/devices`,
          headers: json(trainee),
          payload: JSON.stringify(device({ make: s, model: s, notes: s, location: s, serialNumber: serial, donationId: d.id, storage: [{ serialNumber: `${s} drive ${i}`, kind: 'hdd', model: s }] })),
        });
        expect(intake.status, intake.text).toBe(201);
        const dev = JSON.parse(intake.text).device;
        expect({ make: dev.make, model: dev.model, notes: dev.notes, location: dev.location, serialNumber: dev.serialNumber }).toEqual({ make: s, model: s, notes: s, location: s, serialNumber: serial });
        expect(dev.storage[0]).toMatchObject({ serialNumber: `${s} drive ${i}`, model: s });
        created.push({ s, tag: dev.assetTag, serial, donationId: d.id });
      }

      for (const { s, tag, serial, donationId } of created) {
        const got = await t.http.get(`${API}/devices/${tag}`).set(bearer(staff));
        expect(got.status).toBe(200);
        expect(got.headers['content-type']).toMatch(/^application\/json/);
        expect(got.headers['x-content-type-options']).toBe('nosniff');
        expect({ make: got.body.device.make, model: got.body.device.model, notes: got.body.device.notes, location: got.body.device.location }).toEqual({ make: s, model: s, notes: s, location: s });

        // The manufacturer serial, as a path parameter, finds the same device.
        const bySerial = await t.http.get(`${API}/devices/${encodeURIComponent(serial)}`).set(bearer(staff));
        expect(bySerial.status, bySerial.text).toBe(200);
        expect(bySerial.body.device.assetTag).toBe(tag);

        // Search treats the text literally.
        const search = await t.http.get(`${API}/devices`).query({ q: s }).set(bearer(staff));
        expect(search.status, search.text).toBe(200);
        expect(search.body.items.map((x: { assetTag: string }) => x.assetTag)).toContain(tag);

        const donation = await t.http.get(`${API}/donations/${donationId}`).set(bearer(staff));
        expect(donation.status).toBe(200);
        expect([donation.body.donation.donorName, donation.body.donation.notes]).toEqual([s, s]);

        const history = await t.http.get(`${API}/devices/${tag}/history`).set(bearer(staff));
        expect(history.status).toBe(200);
      }

      const csv = await t.http.get(`${API}/devices`).query({ format: 'csv' }).set(bearer(staff)).buffer(true).parse((res, cb) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => cb(null, text));
      });
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const rows = parseCsv(csv.body as string);
      const header = rows[0]!;
      const col = (name: string) => header.indexOf(name);
      for (const name of ['assetTag', 'make', 'model', 'serialNumber', 'notes', 'location']) expect(header).toContain(name);
      for (const { s, tag, serial } of created) {
        const row = rows.find((r) => r[col('assetTag')] === tag);
        expect(row, `CSV row for ${tag}`).toBeDefined();
        expect(row!.length).toBe(header.length);
        expect({ make: row![col('make')], model: row![col('model')], notes: row![col('notes')], location: row![col('location')], serialNumber: row![col('serialNumber')] }).toEqual({
          make: neutralised(s),
          model: neutralised(s),
          notes: neutralised(s),
          location: neutralised(s),
          serialNumber: neutralised(serial),
        });
      }

      expect(await tableNames(t)).toEqual(tablesBefore);
      expect(tablesBefore).toContain('devices');
      expect(await t.count('users')).toBe(usersBefore);
      expect(await t.count('devices')).toBe(devicesBefore + created.length);
      // SQLite's own check of its file; PostgreSQL has no counterpart short of the amcheck extension.
      if (engineOf(t.db) === 'sqlite') expect(t.db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
      const verify = await t.http.get(`${API}/audit/verify`).set(bearer(admin));
      expect(verify.body.ok).toBe(true);
    });

    it('free text starting with = + - @ tab or CR is neutralised in the CSV export, and only there', async () => {
      const notes = ['=1+1', '+SUM(1)', '-1', '@A1', '\t=1', '\r=1', ' =1', 'a=1'];
      const tags: string[] = [];
      for (const n of notes) {
        const res = await send(t, { method: 'POST', url: `${API}/devices`, headers: json(trainee), payload: JSON.stringify(device({ notes: n, make: `Formula${tags.length}` })) });
        expect(res.status, res.text).toBe(201);
        expect(JSON.parse(res.text).device.notes).toBe(n);
        tags.push(JSON.parse(res.text).device.assetTag);
      }
      const csv = await t.http.get(`${API}/devices`).query({ format: 'csv' }).set(bearer(coordinator)).buffer(true).parse((res, cb) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => cb(null, text));
      });
      const rows = parseCsv(csv.body as string);
      const header = rows[0]!;
      for (const [i, tag] of tags.entries()) {
        const row = rows.find((r) => r[header.indexOf('assetTag')] === tag)!;
        expect(row[header.indexOf('notes')], JSON.stringify(notes[i])).toBe(neutralised(notes[i]!));
      }
    });

    it('LIKE wildcards in a search are literal: q=% and q=_ match only text that contains them', async () => {
      const pct = await send(t, { method: 'POST', url: `${API}/devices`, headers: json(trainee), payload: JSON.stringify(device({ model: '100% recycled' })) });
      expect(pct.status).toBe(201);
      const all = await t.http.get(`${API}/devices`).query({ limit: 500 }).set(bearer(staff));
      for (const q of ['%', '_', '%%', '\\']) {
        const res = await t.http.get(`${API}/devices`).query({ q, limit: 500 }).set(bearer(staff));
        expect(res.status).toBe(200);
        const expected = (all.body.items as Array<Record<string, string | null>>)
          .filter((d) => ['assetTag', 'make', 'model', 'serialNumber', 'notes', 'location'].some((k) => (d[k] ?? '').toLowerCase().includes(q.toLowerCase())))
          .map((d) => d['assetTag']);
        expect(res.body.items.map((d: { assetTag: string }) => d.assetTag), `q=${q}`).toEqual(expected);
      }
    });
  });

  // -------------------------------------------------------------------------
  describe('mass assignment', () => {
    const wipe = (storageSerial: string) => ({ storageSerial, method: 'purge', technique: 'crypto_erase', tool: 'nwipe', verification: 'full', result: 'passed' });

    it.each([
      ['status', 'ready'],
      ['version', 99],
      ['id', 1],
      ['custodyCycle', 7],
      ['noStorageConfirmed', true],
      ['createdBy', 1],
      ['sanitized', true],
      ['allowedActions', ['issue']],
      ['createdAt', '2020-01-01T00:00:00.000Z'],
      ['weightSource', 'measured'],
      ['Status', 'ready'],
    ])('intake refuses %s with 400 naming the field, and writes nothing', async (field, value) => {
      const res = await refused(t, { method: 'POST', url: `${API}/devices`, headers: json(trainee), payload: JSON.stringify(device({ [field]: value })) });
      const body = expectProblem(res, 400, 'request.invalid');
      expect(body['errors']).toContainEqual(expect.objectContaining({ field: `body.${field}` }));
    });

    it('intake refuses a drive carrying its own sanitization state, naming it', async () => {
      const res = await refused(t, {
        method: 'POST',
        url: `${API}/devices`,
        headers: json(trainee),
        payload: JSON.stringify(device({ storage: [{ serialNumber: 'HX-MA-DRV', kind: 'ssd', sanitizationState: 'passed' }] })),
      });
      const body = expectProblem(res, 400, 'request.invalid');
      expect(body['errors']).toContainEqual(expect.objectContaining({ field: 'body.storage.0.sanitizationState' }));
    });

    it.each([
      ['status', 'ready'],
      ['version', 99],
      ['id', 1],
      ['assetTag', 'IQ-000001-Z'],
      ['custodyCycle', 2],
      ['noStorageConfirmed', true],
      ['createdBy', 1],
      ['storage', []],
      ['statusChangedAt', '2020-01-01T00:00:00.000Z'],
    ])('PATCH /devices/{tag} refuses %s with 400 naming the field, and writes nothing', async (field, value) => {
      const created = await send(t, { method: 'POST', url: `${API}/devices`, headers: json(trainee), payload: JSON.stringify(device()) });
      const tag = JSON.parse(created.text).device.assetTag as string;
      const res = await refused(t, { method: 'PATCH', url: `${API}/devices/${tag}`, headers: json(trainee, { 'if-match': '"v1"' }), payload: JSON.stringify({ notes: 'ok', [field]: value }) });
      const body = expectProblem(res, 400, 'request.invalid');
      expect(body['errors']).toContainEqual(expect.objectContaining({ field: `body.${field}` }));
      const after = await t.http.get(`${API}/devices/${tag}`).set(bearer(trainee));
      expect(after.body.device).toMatchObject({ status: 'received', version: 1, notes: null, custodyCycle: 1, noStorageConfirmed: false });
    });

    it('a sanitization record refuses technician and verification fields', async () => {
      const created = await send(t, { method: 'POST', url: `${API}/devices`, headers: json(trainee), payload: JSON.stringify(device({ storage: [{ serialNumber: 'HX-MA-W1', kind: 'ssd' }] })) });
      const tag = JSON.parse(created.text).device.assetTag as string;
      for (const [field, value] of [
        ['technicianId', 1],
        ['verificationId', 1],
        ['userId', 1],
        ['custodyCycle', 1],
      ] as const) {
        const res = await refused(t, { method: 'POST', url: `${API}/devices/${tag}/sanitizations`, headers: json(trainee), payload: JSON.stringify({ ...wipe('HX-MA-W1'), [field]: value }) });
        const body = expectProblem(res, 400, 'request.invalid');
        expect(JSON.stringify(body['errors'])).toContain(field);
      }
    });

    it.each([
      ['POST /donations', 'id', `${API}/donations`, () => donationBody({ id: 1 })],
      ['POST /donations', 'deviceCount', `${API}/donations`, () => donationBody({ deviceCount: 50 })],
      ['POST /donations', 'createdAt', `${API}/donations`, () => donationBody({ createdAt: '2020-01-01T00:00:00.000Z' })],
      ['POST /participants', 'code', `${API}/participants`, () => ({ community: 'Iqaluit', consent: { given: true, language: 'en' }, code: 'P-999999' })],
      ['POST /participants', 'personalDataErased', `${API}/participants`, () => ({ community: 'Iqaluit', consent: { given: true, language: 'en' }, personalDataErased: true })],
      ['POST /recyclers', 'id', `${API}/recyclers`, () => ({ name: 'MA recycler', certification: 'R2', id: 1 })],
      ['POST /shipments', 'status', `${API}/shipments`, () => ({ recyclerId: 1, mode: 'air', status: 'confirmed' })],
      ['POST /shipments', 'shippedAt', `${API}/shipments`, () => ({ recyclerId: 1, mode: 'air', shippedAt: '2026-01-01T00:00:00Z' })],
    ])('%s refuses an extra %s with 400 naming it, and writes nothing', async (_label, field, url, body) => {
      const res = await refused(t, { method: 'POST', url, headers: json(coordinator), payload: JSON.stringify(body()) });
      const problem = expectProblem(res, 400, 'request.invalid');
      expect(problem['errors']).toContainEqual(expect.objectContaining({ field: `body.${field}` }));
    });

    it.each([
      ['id', 99],
      ['disabled', true],
      ['createdAt', '2020-01-01T00:00:00.000Z'],
      ['passwordHash', 'scrypt$1$x'],
      ['isAdmin', true],
    ])('POST /users refuses %s with 400 naming it, and writes nothing', async (field, value) => {
      const res = await refused(t, {
        method: 'POST',
        url: `${API}/users`,
        headers: json(admin),
        payload: JSON.stringify({ username: 'ma-user', displayName: 'MA', role: 'trainee', password: 'a-long-enough-password', [field]: value }),
      });
      const problem = expectProblem(res, 400, 'request.invalid');
      expect(problem['errors']).toContainEqual(expect.objectContaining({ field: `body.${field}` }));
    });

    it('POST /users refuses an unknown role naming body.role', async () => {
      const res = await refused(t, { method: 'POST', url: `${API}/users`, headers: json(admin), payload: JSON.stringify({ username: 'ma-root', displayName: 'Root', role: 'superadmin', password: 'a-long-enough-password' }) });
      const problem = expectProblem(res, 400, 'request.invalid');
      expect(problem['errors']).toContainEqual(expect.objectContaining({ field: 'body.role' }));
    });

    it.each(['trainee', 'coordinator', 'staff'] as const)('a %s cannot promote themselves or create an admin (403, nothing written)', async (role) => {
      const token = role === 'trainee' ? trainee : role === 'coordinator' ? coordinator : staff;
      const me = await t.http.get(`${API}/me`).set(bearer(token));
      const id = me.body.user.id as number;
      for (const payload of [{ role: 'admin' }, { role: 'admin', displayName: 'Me' }, { disabled: false, role: 'coordinator' }]) {
        const res = await refused(t, { method: 'PATCH', url: `${API}/users/${id}`, headers: json(token), payload: JSON.stringify(payload) });
        expectProblem(res, 403, 'auth.forbidden');
      }
      const create = await refused(t, {
        method: 'POST',
        url: `${API}/users`,
        headers: json(token),
        payload: JSON.stringify({ username: `evil-${role}`, displayName: 'Evil', role: 'admin', password: 'a-long-enough-password' }),
      });
      expectProblem(create, 403, 'auth.forbidden');
      const again = await t.http.get(`${API}/me`).set(bearer(token));
      expect(again.body.user.role).toBe(role);
    });

    it('an admin cannot demote or disable themselves (409, nothing written)', async () => {
      const me = await t.http.get(`${API}/me`).set(bearer(admin));
      for (const payload of [{ role: 'trainee' }, { disabled: true }]) {
        const res = await refused(t, { method: 'PATCH', url: `${API}/users/${me.body.user.id}`, headers: json(admin), payload: JSON.stringify(payload) });
        expectProblem(res, 409, 'users.cannot_disable_self');
      }
    });
  });

  // -------------------------------------------------------------------------
  describe('header injection', () => {
    const body = JSON.stringify(donationBody({ donorName: 'Idempotency test' }));

    it.each([
      ['CR LF and a second header', 'key-1\r\nX-Injected: yes'],
      ['a bare LF', 'key\nkey'],
      ['a bare CR', 'key\rkey'],
      ['NUL', 'key\u0000'],
      ['300 characters', 'k'.repeat(300)],
      ['201 characters', 'k'.repeat(201)],
      ['a space', 'key key'],
      ['a tab', 'key\tkey'],
      ['non-ASCII', 'ключ'],
      ['nothing', ''],
    ])('Idempotency-Key with %s is 400 idempotency.invalid_key and writes nothing', async (_label, key) => {
      const res = await refused(t, { method: 'POST', url: `${API}/donations`, headers: json(trainee, { 'idempotency-key': key }), payload: body });
      expectProblem(res, 400, 'idempotency.invalid_key');
    });

    it('Idempotency-Key of exactly 200 visible characters is accepted and replayed (control)', async () => {
      const key = '!~'.repeat(100);
      const first = await send(t, { method: 'POST', url: `${API}/donations`, headers: json(trainee, { 'idempotency-key': key }), payload: body });
      expect(first.status, first.text).toBe(201);
      const before = await dbState(t);
      const replay = await t.app.inject({ method: 'POST', url: `${API}/donations`, headers: json(trainee, { 'idempotency-key': key }), payload: body });
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expectSameState(before, await dbState(t), 'the replay');
    });

    it.each([
      ['very long garbage', 'x'.repeat(8_000)],
      ['Bearer and a very long token', `Bearer ${'A'.repeat(8_000)}`],
      ['Bearer, thousands of spaces, then junk', `Bearer${' '.repeat(8_000)}!`],
      ['Bearer and binary junk', 'Bearer \u0000\u0001\u00ff\u00fe'],
      ['Basic credentials', `Basic ${Buffer.from('admin:admin-password-for-tests').toString('base64')}`],
      ['two Bearer tokens', 'Bearer aaaaaaaaaaaaaaaaaaaaaaaa Bearer bbbbbbbbbbbbbbbbbbbbbbbb'],
      ['an SQL-ish token', "Bearer ' OR '1'='1' --aaaaaaaaaaaaaaaa"],
    ])('Authorization with %s is 401 problem+json, answered quickly, and writes nothing', async (_label, authorization) => {
      const started = Date.now();
      const res = await refused(t, { method: 'POST', url: `${API}/donations`, headers: { authorization, 'content-type': 'application/json' }, payload: body });
      expect(Date.now() - started, 'no catastrophic backtracking on the header').toBeLessThan(1_500);
      expectProblem(res, 401, 'auth.unauthenticated');
      const get = await send(t, { method: 'GET', url: `${API}/me`, headers: { authorization } });
      expectProblem(get, 401, 'auth.unauthenticated');
    });

    it('a valid token with junk appended is not accepted', async () => {
      const res = await refused(t, { method: 'POST', url: `${API}/donations`, headers: { authorization: `Bearer ${trainee}x`, 'content-type': 'application/json' }, payload: body });
      expectProblem(res, 401, 'auth.unauthenticated');
      const res2 = await refused(t, { method: 'POST', url: `${API}/donations`, headers: { authorization: `Bearer ${trainee},Bearer ${admin}`, 'content-type': 'application/json' }, payload: body });
      expectProblem(res2, 401, 'auth.unauthenticated');
    });

    describe('over the wire', () => {
      let s: TestApp;
      let token: string;
      let port: number;
      beforeAll(async () => {
        s = await createTestApp();
        token = await s.token('trainee');
        await s.app.listen({ port: 0, host: '127.0.0.1' });
        port = (s.app.server.address() as net.AddressInfo).port;
      });
      afterAll(async () => s.close());

      function raw(request: string): Promise<{ status: number; contentType: string; text: string }> {
        return new Promise((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1');
          let received = '';
          socket.on('data', (d) => (received += d.toString('utf8')));
          socket.on('error', reject);
          socket.on('connect', () => socket.write(request));
          const timer = setTimeout(() => socket.destroy(), 3_000);
          socket.on('close', () => {
            clearTimeout(timer);
            const [head = '', ...rest] = received.split('\r\n\r\n');
            const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
            const contentType = /\r\ncontent-type: *([^\r\n]*)/i.exec(head)?.[1] ?? '';
            resolve({ status, contentType, text: rest.join('\r\n\r\n') });
          });
        });
      }

      const post = (extraHeader: string) =>
        `POST ${API}/donations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n${extraHeader}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

      it.each([
        ['a bare CR', 'Idempotency-Key: abc\rdef\r\n'],
        ['a bare LF', 'Idempotency-Key: abc\ndef\r\n'],
        ['NUL', 'Idempotency-Key: abc\u0000def\r\n'],
        ['DEL', 'Idempotency-Key: abc\u007fdef\r\n'],
      ])('Idempotency-Key with %s in the raw header is refused with 400 and writes nothing', async (_label, header) => {
        const before = await dbState(s);
        const res = await raw(post(header));
        expect(res.status, res.text).toBe(400);
        expectSameState(before, await dbState(s), 'the refused request');
      });

      it('a 300-character Idempotency-Key over the wire is 400 idempotency.invalid_key', async () => {
        const before = await dbState(s);
        const res = await raw(post(`Idempotency-Key: ${'k'.repeat(300)}\r\n`));
        expectProblem(res, 400, 'idempotency.invalid_key');
        expectSameState(before, await dbState(s), 'the refused request');
      });

      it('an Authorization header of 8 KB garbage is 401; one of 20 KB is refused with 431, never 5xx', async () => {
        const res = await raw(`GET ${API}/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${'x'.repeat(8_000)}\r\nConnection: close\r\n\r\n`);
        expectProblem(res, 401, 'auth.unauthenticated');
        const huge = await raw(`GET ${API}/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${'x'.repeat(20_000)}\r\nConnection: close\r\n\r\n`);
        expect(huge.status).toBe(431);
      });

      it('refusals made by the HTTP layer itself (bad header bytes, oversized headers) are problem+json too', async () => {
        const bad = await raw(post('Idempotency-Key: abc\rdef\r\n'));
        expectProblem(bad, 400);
        const huge = await raw(`GET ${API}/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: ${'x'.repeat(20_000)}\r\nConnection: close\r\n\r\n`);
        expectProblem(huge, 431);
      });
    });
  });

  // -------------------------------------------------------------------------
  describe('the NUL character (U+0000)', () => {
    // PostgreSQL's text cannot hold it: refused at the door on both engines, so that no engine stores what the other cannot.
    it.each([
      ['a JSON string', 'POST', `${API}/donations`, { donorName: 'a\u0000b' }, 'body.donorName'],
      ['a nested JSON string', 'POST', `${API}/devices`, { storage: [{ serialNumber: 'DR\u0000-1', kind: 'ssd', capacityGb: 256 }] }, 'body.storage.0.serialNumber'],
      ['a query parameter', 'GET', `${API}/devices?q=a%00b`, undefined, 'querystring.q'],
      ['a path parameter', 'GET', `${API}/devices/IQ%00-1`, undefined, 'params.tag'],
    ] as const)('in %s is 400 request.invalid naming the field, and writes nothing', async (_label, method, url, fields, field) => {
      const payload = fields === undefined ? undefined : JSON.stringify(url.endsWith('/donations') ? donationBody(fields) : device(fields));
      const res = await refused(t, { method, url, headers: payload === undefined ? bearer(trainee) : json(trainee), ...(payload === undefined ? {} : { payload }) });
      const problem = expectProblem(res, 400, 'request.invalid');
      expect(problem['errors']).toEqual([{ field, message: 'must not contain the NUL character (U+0000)' }]);
    });
  });

  // -------------------------------------------------------------------------
  describe('ids past 2^31 - 1', () => {
    // Every key is an integer below 2^31 on both engines; PostgreSQL cannot compare a larger one with an integer column.
    const past = 2 ** 31;
    it.each([
      ['a path parameter', 'GET', `${API}/donations/${past}`, undefined, 'params.id'],
      ['a query parameter', 'GET', `${API}/devices?donationId=${past}`, undefined, 'querystring.donationId'],
      ['a JSON body', 'POST', `${API}/devices`, { donationId: past }, 'body.donationId'],
      ['a cursor', 'GET', `${API}/devices?cursor=${Buffer.from(`v1:${past}`).toString('base64url')}`, undefined, 'querystring.cursor'],
    ] as const)('in %s is 400 request.invalid naming the field, and writes nothing', async (_label, method, url, fields, field) => {
      const payload = fields === undefined ? undefined : JSON.stringify(device(fields));
      const res = await refused(t, { method, url, headers: payload === undefined ? bearer(staff) : json(trainee), ...(payload === undefined ? {} : { payload }) });
      const problem = expectProblem(res, 400, 'request.invalid');
      expect(problem['errors']).toEqual([expect.objectContaining({ field })]);
    });
    it('the largest id is still a well-formed one: not found', async () => {
      expectProblem(await send(t, { method: 'GET', url: `${API}/donations/${past - 1}`, headers: bearer(staff) }), 404);
    });
  });

  // -------------------------------------------------------------------------
  describe('URLs the router refuses', () => {
    it.each([
      ['a path parameter over 200 characters', `${API}/devices/${'A'.repeat(201)}`],
      ['201 syllabics in a path parameter', `${API}/devices/${encodeURIComponent('ᐃ'.repeat(201))}`],
      ['a lone percent sign', `${API}/devices/%`],
      ['invalid UTF-8 escapes', `${API}/devices/%FF%FE`],
      ['a truncated escape', `${API}/devices/IQ%2`],
      ['an encoded NUL', `${API}/devices/IQ%00-1`],
    ])('%s is a 4xx problem+json, never 5xx', async (_label, url) => {
      const res = await send(t, { method: 'GET', url, headers: bearer(staff) });
      expectProblem(res, [400, 404, 414]);
    });
  });

  // -------------------------------------------------------------------------
  describe('methods', () => {
    it('HEAD on every GET route runs the same access checks as GET (401 without a token, 403 for a role without the right)', async () => {
      const gets = t.app.routeTable.filter((r) => r.method === 'GET' && r.url.startsWith(API));
      expect(gets.length).toBeGreaterThan(20);
      for (const r of gets) {
        const url = r.url.replace(/:[A-Za-z_]+/g, '1');
        // The one public GET (the reviewed text of a language, for the sign-in screens) has no access check to run.
        if (r.access && 'public' in r.access) {
          expect(url).toBe(`${API}/locales/1`);
          continue;
        }
        const anon = await send(t, { method: 'HEAD', url, headers: {} });
        expect(anon.status, `HEAD ${url} without a token`).toBe(401);
        const roles = r.access && 'roles' in r.access ? r.access.roles : [];
        if (!roles.includes('trainee')) {
          const res = await send(t, { method: 'HEAD', url, headers: bearer(trainee) });
          expect(res.status, `HEAD ${url} as trainee`).toBe(403);
        }
      }
    });

    it.each(['PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND'] as const)('%s on a path that does not take it is a 4xx problem+json and writes nothing', async (method) => {
      for (const url of [`${API}/devices`, `${API}/donations`, `${API}/audit/verify`]) {
        const res = await refused(t, { method, url, headers: json(admin), payload: JSON.stringify(donationBody()) });
        expectProblem(res, [404, 405], ['request.not_found', 'request.method_not_allowed']);
      }
    });
  });

  // -------------------------------------------------------------------------
  describe('hostile text stored, then printed', () => {
    const short = (s: string, n: number) => s.slice(0, n);

    /** Creates a donation, a device (wiped, graded, issued), a participant, a recycler and a shipment, all holding `text`. */
    async function recordsHolding(text: string, label: string) {
      const ok = async (token: string, url: string, payload: unknown) => {
        const res = await send(t, { method: 'POST', url: `${API}${url}`, headers: json(token), payload: JSON.stringify(payload) });
        expect(res.status, `POST ${url}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
        return JSON.parse(res.text) as Record<string, Json>;
      };
      const donation = (await ok(trainee, '/donations', donationBody({ donorName: short(text, 200), notes: short(text, 2000) }))).donation;
      const drive = `HX-${label}-DRV`;
      const dev = (
        await ok(
          trainee,
          '/devices',
          device({
            make: short(text, 100),
            model: short(`${text} model`, 100),
            notes: short(text.repeat(40), 4000),
            location: short(text, 200),
            donationId: donation.id,
            serialNumber: `HX-${label}-SN`,
            storage: [{ serialNumber: drive, kind: 'hdd', model: short(text, 200) }],
          }),
        )
      ).device;
      const tag = dev.assetTag as string;
      await ok(trainee, `/devices/${tag}/sanitizations`, {
        storageSerial: drive,
        method: 'clear',
        technique: 'overwrite',
        tool: short(text, 200),
        toolVersion: short(text, 100),
        verification: 'full',
        result: 'passed',
        notes: short(text, 2000),
      });
      await ok(trainee, `/devices/${tag}/grade`, { grade: 'A', specs: { cpu: short(text, 200), os: short(text, 100), ramGb: 8 } });
      const participant = (await ok(coordinator, '/participants', { community: 'ᐃᖃᓗᐃᑦ', displayName: short(text, 200), contact: short(text, 300), program: short(text, 200), consent: { given: true, language: 'iu' } }))
        .participant;
      const issuance = (await ok(coordinator, `/devices/${tag}/issue`, { participantCode: participant.code, kind: 'gift', accessories: [short(text, 100)], agreementAccepted: true, agreementLanguage: 'iu' })).issuance;
      const recycler = (await ok(coordinator, '/recyclers', { name: short(`${label} ${text}`, 200), certification: 'R2', address: short(text, 500) })).recycler;
      const shipment = (await ok(coordinator, '/shipments', { recyclerId: recycler.id, mode: 'sealift', carrier: short(text, 200), sealNumber: short(text, 50) })).shipment;
      await ok(coordinator, `/shipments/${shipment.id}/bulk-lines`, { category: short(text, 100), weightGrams: 1000 });

      const stocks = JSON.parse((await send(t, { method: 'GET', url: `${API}/label-templates`, headers: bearer(staff) })).text).templates as Array<{ id: string; printer: string }>;
      const templates = stocks.map((x) => x.id);
      // ZPL only for stock a Zebra printer takes (elsewhere it is refused before any text is drawn).
      const formatsOf = (id: string) => (stocks.find((x) => x.id === id)?.printer === 'zebra' ? ['pdf', 'zpl', 'png'] : ['pdf', 'png']);
      const zebra = stocks.find((x) => x.printer === 'zebra')!.id;
      const gets = [
        `/devices/${tag}`,
        `/devices/${tag}/history`,
        `/devices/${tag}/certificate.pdf`,
        `/donations/${donation.id}/certificate.pdf`,
        `/issuances/${issuance.id}`,
        `/issuances/${issuance.id}/handover.pdf`,
        `/shipments/${shipment.id}`,
        `/shipments/${shipment.id}/manifest.pdf`,
        `/participants/${participant.code}`,
        `/participants/${participant.code}/export`,
        '/devices?format=csv',
        '/reports/diversion?from=2026-01-01&to=2026-12-31&format=pdf',
        '/reports/diversion?from=2026-01-01&to=2026-12-31&format=csv',
        '/reports/inventory',
        '/reports/activity?from=2026-01-01&to=2026-12-31',
        ...templates.flatMap((tpl) => formatsOf(tpl).flatMap((format) => ['asset', 'spec'].map((kind) => `/devices/${tag}/label?template=${tpl}&format=${format}&kind=${kind}`))),
      ];
      const answers: Array<{ what: string; res: Answer }> = [];
      for (const url of gets) answers.push({ what: `GET ${url}`, res: await send(t, { method: 'GET', url: `${API}${url}`, headers: bearer(admin) }) });
      for (const format of ['pdf', 'zpl']) {
        const payload = JSON.stringify({ template: format === 'zpl' ? zebra : templates[0], format, assetTags: [tag] });
        answers.push({ what: `POST /labels ${format}`, res: await send(t, { method: 'POST', url: `${API}/labels`, headers: json(trainee), payload }) });
      }
      const back = JSON.parse((await send(t, { method: 'GET', url: `${API}/devices/${tag}`, headers: bearer(staff) })).text).device;
      expect(back.make).toBe(short(text, 100));
      return answers;
    }

    it('text the fonts can draw (syllabics, markup, SQL, formulas, combining accents) prints in every document, label and export', async () => {
      const text = `ᐃᖃᓗᐃᑦ <script>alert(1)</script> '; DROP TABLE devices; -- =HYPERLINK("x") Montre\u0301al {{7*7}}`;
      const answers = await recordsHolding(text, 'DRAWABLE');
      const failed = answers.filter((a) => a.res.status >= 300).map((a) => `${a.res.status} ${a.what}: ${a.res.text.slice(0, 200)}`);
      expect(failed).toEqual([]);
    });

    it('text the fonts cannot draw (emoji, Arabic, RTL override) is refused at print time with 400 documents.undrawable_text, never 5xx', async () => {
      const text = 'Dell 😀👍🏽 \u202Eexe.gnp مرحبا';
      const answers = await recordsHolding(text, 'UNDRAWABLE');
      for (const { what, res } of answers) {
        expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) expectProblem(res, 400, 'documents.undrawable_text');
      }
      // JSON reads are not documents: they always answer.
      for (const { what, res } of answers.filter((a) => !/\.pdf|label|format=(pdf|csv)|POST/.test(a.what))) expect(res.status, what).toBe(200);
    });

    it('a lone surrogate in a JSON string is refused or kept as sent, never silently replaced', async () => {
      const s = 'Lone \uD800 surrogate';
      const res = await send(t, { method: 'POST', url: `${API}/donations`, headers: json(trainee), payload: JSON.stringify(donationBody({ donorName: s })) });
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        expectProblem(res, 400);
        return;
      }
      const id = JSON.parse(res.text).donation.id as number;
      const back = await t.http.get(`${API}/donations/${id}`).set(bearer(staff));
      expect(back.body.donation.donorName).toBe(s);
    });
  });
});
