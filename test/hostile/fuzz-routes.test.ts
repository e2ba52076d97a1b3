/**
 * Schema-driven fuzzing of every /api/v1 operation in the OpenAPI document
 * (issue 8, "Hostile input").
 *
 * For each operation a fresh app is built on its own in-memory database,
 * holding a copy of a small set of fixtures built once through the API (a
 * donation, devices in several states, a repair, a pending verification, a
 * participant, an issuance, a recycler and a shipment), so that generated
 * path parameters and body fields can name real records and reach the
 * services, not only the validators. Then fast-check
 * sends requests generated from the operation's own JSON schemas, as a
 * trainee and as an admin: near-valid bodies with one field broken here and
 * there, the documented property names with values of the wrong type, huge,
 * negative and fractional numbers, raw number tokens JSON.parse turns into
 * Infinity, long strings (under the 64 KiB body limit), syllabics, RTL, NUL,
 * lone surrogates, arrays where objects are expected, extra properties
 * (mass-assignment names among them), plus fc.jsonValue/fc.anything bodies,
 * hostile querystrings, path parameters, Idempotency-Key and If-Match
 * headers.
 *
 * A last property strings random requests across all operations on one
 * database (as admin), so that what one request stores, later ones read,
 * list, export and print.
 *
 * Every answer must be < 500; every 4xx must be application/problem+json with
 * a known dotted `code` and a matching `status`; a rejected request
 * (status >= 400) and any GET must leave every table as it was (content
 * digests, not only counts), apart from the documented exceptions below.
 *
 * Not generated here, on purpose, and tested in hostile-input.test.ts
 * instead: path parameters over Fastify's maxParamLength (200) and malformed
 * percent escapes in the path (both are answered by Fastify's router before
 * the app's handlers), and bytes that cannot travel in an HTTP header.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineOf } from '../../src/core/db.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { DOCUMENT_ROUTE } from '../../src/core/render-pool.js';
import { ADMIN_PASSWORD, USER_PASSWORD, TEST_ENGINE, bearer, createTestApp, snapshotDatabase, type TestApp } from '../helpers.js';
import { type DbState, dbState as readDbState } from '../support/db-state.js';
import { createTestDatabase } from '../support/pg.js';

/** Parsed JSON, read loosely as tests do (the type JSON.parse itself returns). */
type Json = ReturnType<typeof JSON.parse>;

// ---------------------------------------------------------------------------
// The OpenAPI document and the route table, read once at collection time.

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
}
interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}
type Access = { public: true } | { roles: readonly string[] } | undefined;

interface Target {
  /** "POST /api/v1/devices/{tag}/grade" */
  name: string;
  method: string;
  path: string;
  op: Operation;
  access: Access;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

const catalog = await (async () => {
  const t = await createTestApp();
  try {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApi>();
    const routes = t.app.routeTable.filter((r) => r.url.startsWith('/api/v1')).map((r) => ({ method: r.method, url: r.url, access: r.access }));
    return { doc, routes };
  } finally {
    await t.close();
  }
})();

const targets: Target[] = Object.entries(catalog.doc.paths)
  .filter(([path]) => path.startsWith('/api/v1/'))
  .flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([m]) => HTTP_METHODS.has(m))
      .map(([m, op]) => {
        const method = m.toUpperCase();
        const route = catalog.routes.find((r) => r.method === method && toOpenApiPath(r.url) === path);
        return { name: `${method} ${path}`, method, path, op, access: route?.access };
      }),
  );

/**
 * Operations deliberately not fuzzed, by name, with the reason. Empty: even
 * logout is fuzzed, each run on a session of its own.
 */
const EXCLUDED = new Map<string, string>();

// ---------------------------------------------------------------------------
// Database state: a digest of every table a rejected request must not touch.

/**
 * Tables left out of the comparison: sessions (every authenticated request
 * may refresh it; logout deletes from it), the migration journal, and the
 * personal-data access log, which a successful participant read writes by
 * design (docs/domain.md §3: every read is logged).
 */
const UNCOMPARED = new Set(['sessions', '__drizzle_migrations', 'personal_data_access_log']);

/**
 * The last state read of each app, with the connection's total_changes() at
 * that moment. SQLite counts every row inserted, updated or deleted on the
 * connection (trigger programs included, and rolled-back statements too), and
 * the app has no other connection: while the count stands still no table can
 * have changed, so the state is read again only after a write. Reading every
 * table twice per request was a sixth of this file's time. PostgreSQL has no
 * such count for a database (its statistics arrive late): there every state
 * is read, in one query (test/support/db-state.ts).
 */
const lastState = new WeakMap<TestApp, { changes: number; state: DbState }>();

async function dbState(t: TestApp): Promise<DbState> {
  const changes = engineOf(t.db) === 'sqlite' ? (await t.row<{ n: number }>('select total_changes() as n'))!.n : undefined;
  const last = lastState.get(t);
  if (changes !== undefined && last?.changes === changes) return last.state;
  const state = await readDbState(t, UNCOMPARED);
  if (changes !== undefined) lastState.set(t, { changes, state });
  return state;
}

function changedTables(before: DbState, after: DbState): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
}

/**
 * Writes a rejected request may make, by documented contract: an unknown
 * scan is recorded for triage and answered 404 (docs/domain.md §4, POST /scans), and its
 * Idempotency-Key commits with that record.
 */
function allowedWritesOnRejection(target: Target, code: unknown): Set<string> {
  if (target.name === 'POST /api/v1/scans' && code === 'scans.unknown_code') return new Set(['scans', 'idempotency_keys', 'sqlite_sequence']);
  return new Set();
}

// ---------------------------------------------------------------------------
// Fixtures.

interface Fixtures {
  adminId: number;
  victimId: number;
  donationId: number;
  /** received, in_repair, issued, awaiting_recycling (on an open shipment) */
  tags: string[];
  serials: string[];
  driveSerials: string[];
  repairId: number;
  verificationId: number;
  participantCode: string;
  issuanceId: number;
  recyclerId: number;
  shipmentId: number;
  /** A device on its way to a second site. */
  transferId: number;
  wipeReportId: number;
  templates: string[];
  /** Reserved, not yet used: intake may name them. */
  reservedTags: string[];
}

const wipe = (storageSerial: string) => ({ storageSerial, method: 'purge', technique: 'crypto_erase', tool: 'nwipe', verification: 'full', result: 'passed' });

async function buildFixtures(t: TestApp): Promise<Fixtures> {
  const admin = await t.token('admin');
  const trainee = await t.token('trainee');
  const coordinator = await t.token('coordinator');
  async function ok(token: string, method: 'GET' | 'POST', url: string, body?: unknown): Promise<Record<string, Json>> {
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    if (res.statusCode >= 300) throw new Error(`fixture ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  }
  const device = (serial: string, drives: string[], donationId?: number) => ({
    category: 'laptop',
    make: 'Lenovo',
    model: 'ThinkPad T480',
    serialNumber: serial,
    storage: drives.map((s) => ({ serialNumber: s, kind: 'ssd', capacityGb: 256 })),
    ...(donationId === undefined ? {} : { donationId }),
  });

  const me = await ok(admin, 'GET', '/me');
  const victim = await ok(admin, 'POST', '/users', { username: 'fuzz-victim', displayName: 'Victim', role: 'trainee', password: USER_PASSWORD });
  const donation = await ok(trainee, 'POST', '/donations', { donorName: 'Fixture donor', donorType: 'school', receivedAt: '2026-02-01' });
  const donationId = donation.donation.id as number;

  const received = (await ok(trainee, 'POST', '/devices', device('FX-SN-A', ['FX-DRV-A1', 'FX-DRV-A2'], donationId))).device.assetTag as string;

  const repairing = (await ok(trainee, 'POST', '/devices', device('FX-SN-B', ['FX-DRV-B1']))).device.assetTag as string;
  await ok(trainee, 'POST', `/devices/${repairing}/sanitizations`, wipe('FX-DRV-B1'));
  const repair = await ok(trainee, 'POST', `/devices/${repairing}/repairs`, { description: 'Replace the keyboard' });

  const issued = (await ok(trainee, 'POST', '/devices', device('FX-SN-C', []))).device.assetTag as string;
  await ok(trainee, 'POST', `/devices/${issued}/sanitizations`, { noStorage: true });
  await ok(trainee, 'POST', `/devices/${issued}/grade`, { grade: 'B' });
  const participant = await ok(coordinator, 'POST', '/participants', { community: 'Iqaluit', consent: { given: true, language: 'en' } });
  const participantCode = participant.participant.code as string;
  const issuance = await ok(coordinator, 'POST', `/devices/${issued}/issue`, { participantCode, kind: 'gift', agreementAccepted: true });

  const recycling = (await ok(trainee, 'POST', '/devices', device('FX-SN-D', []))).device.assetTag as string;
  await ok(trainee, 'POST', `/devices/${recycling}/sanitizations`, { noStorage: true });
  await ok(coordinator, 'POST', `/devices/${recycling}/recycle`, { reason: 'Cracked chassis' });
  const recycler = await ok(coordinator, 'POST', '/recyclers', { name: 'Fixture recycler', certification: 'R2' });
  const shipment = await ok(coordinator, 'POST', '/shipments', { recyclerId: recycler.recycler.id, mode: 'sealift' });
  await ok(coordinator, 'POST', `/shipments/${shipment.shipment.id}/devices`, { assetTag: recycling });

  // A second site and a device on its way there.
  await ok(admin, 'POST', '/sites', { code: 'kimmirut', name: 'Kimmirut', assetTagPrefix: 'KM', timezone: 'America/Iqaluit' });
  const moving = (await ok(trainee, 'POST', '/devices', device('FX-SN-E', []))).device.assetTag as string;
  await ok(trainee, 'POST', `/devices/${moving}/sanitizations`, { noStorage: true });
  await ok(trainee, 'POST', `/devices/${moving}/grade`, { grade: 'A' });
  const transfer = await ok(coordinator, 'POST', '/transfers', { toSite: 'kimmirut', assetTags: [moving], carrier: 'Canadian North' });

  // A kept wipe report (a Workbench snapshot that records no drive): its bytes as they are.
  const snapshot = await t.app.inject({
    method: 'POST',
    url: '/api/v1/wipe-reports',
    headers: { ...bearer(trainee), 'content-type': 'application/json' },
    payload: JSON.stringify({ type: 'Snapshot', software: 'Workbench', version: '11.0b9', components: [] }),
  });
  if (snapshot.statusCode !== 201) throw new Error(`fixture POST /wipe-reports: ${snapshot.statusCode} ${snapshot.body}`);

  const reserved = await ok(trainee, 'POST', '/asset-tags/reserve', { count: 3 });
  const pending = await ok(admin, 'GET', '/sanitization-verifications?status=pending');
  const templates = await ok(admin, 'GET', '/label-templates');
  expect(pending.items.length, 'the first passing wipe is drawn for verification').toBeGreaterThan(0);

  return {
    adminId: me.user.id,
    victimId: victim.user.id,
    donationId,
    tags: [received, repairing, issued, recycling],
    serials: ['FX-SN-A', 'FX-SN-B', 'FX-SN-C', 'FX-SN-D'],
    driveSerials: ['FX-DRV-A1', 'FX-DRV-A2', 'FX-DRV-B1'],
    repairId: repair.repair.id,
    verificationId: pending.items[0].id,
    participantCode,
    issuanceId: issuance.issuance.id,
    recyclerId: recycler.recycler.id,
    shipmentId: shipment.shipment.id,
    transferId: transfer.transfer.id,
    wipeReportId: snapshot.json<{ report: { id: number } }>().report.id,
    templates: (templates.templates as Array<{ id: string }>).map((x) => x.id),
    reservedTags: reserved.tags as string[],
  };
}

// ---------------------------------------------------------------------------
// Generators.

/** A JSON token written as is into the body text (JSON.parse makes 1e999 Infinity). */
class RawJson {
  constructor(readonly text: string) {}
}

const SQLISH = [`'; DROP TABLE devices; --`, `" OR 1=1 --`, `Robert'); DELETE FROM users;--`, `1; SELECT * FROM sessions`, `%' OR '%'='`];
const SCRIPTISH = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '{{7*7}}', '${7*7}', '#{7*7}', '<%= 7*7 %>'];
const UNICODE = [
  'ᐃᖃᓗᐃᑦ',
  'ᓄᓇᕗᑦ ᒐᕙᒪᒃᑯᖏᑦ',
  'مرحبا بالعالم',
  'שלום',
  '\u202Egnp.exe',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uD83D',
  '😀👍🏽',
  'e\u0301\u0301\u0301',
  '\uFEFF',
  '\u200B',
  'İı',
  '\u2028\u2029',
];
const FORMULAS = ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', '=HYPERLINK("http://x","y")'];
const ODD = ['', ' ', '   ', 'null', 'undefined', 'true', '0', '-1', 'NaN', '1e309', '__proto__', 'constructor', '../../etc/passwd', '%00', '%', '\r\n', '2026-02-30', '9999-12-31', '0000-00-00', '2026-03-02T25:00:00Z'];
const SYLLABICS = [...'ᐃᐅᐊᐱᐳᐸᑎᑐᑕᑭᑯᑲᒋᒍᒐᒥᒧᒪᓂᓄᓇᓯᓱᓴᓕᓗᓚᔨᔪᔭᕕᕗᕙᕆᕈᕋᖃᖅᑦᒃᓐᖕ'];

const longString = fc.oneof(
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 100, max: 3_000 }).map((n) => 'ᐃ'.repeat(n)),
  fc.integer({ min: 50, max: 2_000 }).map((n) => '\uD800'.repeat(n)),
);

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SQLISH, ...SCRIPTISH, ...UNICODE, ...FORMULAS, ...ODD) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...SYLLABICS), minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: longString },
);

const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, -1.5, 0.1, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 1e21, 5e-324, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890', '0.00000000000000000000000000001', '-0', '1E400').map((s) => new RawJson(s)),
);

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  hostileNumber,
  hostileString,
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** Names a client might try to set on a record it should not control. */
const MASS_KEYS = ['id', 'status', 'version', 'role', 'createdBy', 'createdAt', 'updatedAt', 'custodyCycle', 'noStorageConfirmed', 'sanitized', 'userId', 'isAdmin', 'disabled', 'passwordHash', 'code', 'allowedActions', 'assetTag'];

// Keys are integers below 2^31 on both engines: a larger cursor is not one the service made.
const VALID_CURSORS = ['v1:0', 'v1:1', 'v1:2', 'v1:5', 'v1:2147483647'].map((s) => Buffer.from(s).toString('base64url'));
const BAD_CURSORS = ['v1:-1', 'v1:1.5', 'v2:1', 'v1:', 'v1:1\n', 'v1:2147483648', 'v1:999999999999999', 'v1:9999999999999999', 'v1:1e3', 'v1:NaN'].map((s) => Buffer.from(s).toString('base64url'));

interface Ctx {
  fx: Fixtures;
  target: Target;
}

/** Fixture values for a field or parameter, so that generated requests reach real records. */
function hint(name: string, ctx: Ctx): fc.Arbitrary<unknown> | undefined {
  const { fx } = ctx;
  const tagsAndSerials = [...fx.tags, ...fx.tags.map((x) => x.toLowerCase()), ...fx.serials, 'IQ-999999'];
  switch (name) {
    case 'tag':
    case 'assetTags':
    case 'sourceAssetTag':
      return fc.constantFrom(...tagsAndSerials);
    case 'assetTag':
      return fc.constantFrom(...fx.reservedTags, ...tagsAndSerials);
    case 'code':
      return fc.constantFrom(...tagsAndSerials, fx.participantCode, fx.participantCode.toLowerCase(), `https://x.example/d/${fx.tags[0]}`);
    case 'participantCode':
      return fc.constantFrom(fx.participantCode, fx.participantCode.toLowerCase(), 'P-0000');
    case 'donationId':
      return fc.constantFrom(fx.donationId, fx.donationId + 100);
    case 'recyclerId':
      return fc.constantFrom(fx.recyclerId, fx.recyclerId + 100);
    case 'storageSerial':
      return fc.constantFrom(...fx.driveSerials, 'FX-DRV-NONE');
    case 'serialNumber':
      return fc.constantFrom(...fx.serials, ...fx.driveSerials, 'FZ-NEW-1', 'FZ-NEW-2');
    case 'template':
      return fc.constantFrom(...fx.templates);
    case 'community':
      return fc.constantFrom('Iqaluit', 'ᐃᖃᓗᐃᑦ', 'iqaluit', 'Atlantis');
    case 'username':
      return fc.constantFrom('admin', 'fuzz-victim', 'test-trainee', 'fuzz-new-user');
    case 'cursor':
      return fc.constantFrom(...VALID_CURSORS);
    case 'reserve':
      // Labels printed with new tags (POST /labels): at most one Avery 5160 sheet. A 300-label batch
      // takes seconds to draw; labels.test.ts prints it, and 301 stays among the hostile values here.
      return fc.integer({ min: 1, max: 30 });
    case 'from':
      return fc.constantFrom('2025-01-01', '2026-03-01', '2026-03-02');
    case 'to':
      return fc.constantFrom('2026-03-02', '2026-12-31', '2027-02-28');
    default:
      return undefined;
  }
}

function isType(s: Schema, type: string): boolean {
  return s.type === type || (Array.isArray(s.type) && s.type.includes(type));
}

function isObjectSchema(s: Schema): boolean {
  return isType(s, 'object') || s.properties !== undefined;
}

function intBounds(s: Schema): { min: number; max: number } {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000);
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000);
  return { min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) };
}

/** Strings a schema accepts that are hostile in content: stored, then rendered in JSON, CSV and PDFs. */
function hostileButValid(s: Schema): string[] {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? Number.MAX_SAFE_INTEGER;
  return [...SQLISH, ...SCRIPTISH, ...UNICODE, ...FORMULAS].filter((x) => x.length >= min && x.length <= max && x.trim().length > 0);
}

/** A value the schema accepts (mostly: a generated string may still be blank once trimmed, a date pair out of order). */
function valid(s: Schema, name: string, ctx: Ctx): fc.Arbitrary<unknown> {
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => valid(a, name, ctx)));
  if (s.allOf?.[0]) return valid(s.allOf[0], name, ctx);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type) => valid({ ...s, type }, name, ctx)));
  const h = isType(s, 'string') || isType(s, 'integer') ? hint(name, ctx) : undefined;
  if (h && (name === 'cursor' || name === 'reserve')) return h;
  const plain = validPlain(s, name, ctx);
  return h ? fc.oneof({ weight: 3, arbitrary: h }, { weight: 1, arbitrary: plain }) : plain;
}

function validPlain(s: Schema, name: string, ctx: Ctx): fc.Arbitrary<unknown> {
  if (s.type === 'null') return fc.constant(null);
  if (s.type === 'boolean') return fc.boolean();
  if (s.type === 'integer') {
    const { min, max } = intBounds(s);
    return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
  }
  if (s.type === 'number') {
    const min = s.minimum ?? -1e6;
    const max = s.maximum ?? 1e6;
    return fc.oneof(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(min, max));
  }
  if (s.type === 'string') {
    if (s.format === 'date' || s.format === 'date-time') {
      const date = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
      return s.format === 'date' ? date.map((d) => d.slice(0, 10)) : date;
    }
    if (s.pattern) {
      try {
        return fc.stringMatching(new RegExp(s.pattern));
      } catch {
        // fall through to a plain string
      }
    }
    const minLength = Math.max(s.minLength ?? 0, 0);
    const maxLength = Math.min(s.maxLength ?? 40, 40);
    const tricky = hostileButValid(s);
    return fc.oneof(
      fc.string({ minLength: Math.min(minLength, maxLength), maxLength }),
      fc.string({ unit: 'grapheme', minLength: Math.min(minLength, maxLength), maxLength }),
      fc.constantFrom('x'.repeat(s.maxLength ?? 40), 'ᐃ'.repeat(Math.min(s.maxLength ?? 40, 4000))),
      ...(tricky.length > 0 ? [fc.constantFrom(...tricky)] : []),
    );
  }
  if (s.type === 'array') {
    const items = s.items ?? {};
    const constraints = { minLength: s.minItems ?? 0, maxLength: Math.max(Math.min(s.maxItems ?? 3, 3), s.minItems ?? 0) };
    // Drives of one device carry distinct serial numbers (the intake schema refuses repeats): keep most arrays valid.
    if (items.properties?.['serialNumber']) {
      return fc.uniqueArray(valid(items, name, ctx), { ...constraints, selector: (v) => String((v as { serialNumber?: unknown }).serialNumber).replace(/\s+/g, '').toUpperCase() });
    }
    return fc.array(valid(items, name, ctx), constraints);
  }
  if (isObjectSchema(s)) {
    const props = s.properties ?? {};
    if (Object.keys(props).length === 0) {
      if (s.additionalProperties === false) return fc.constant({});
      const value = typeof s.additionalProperties === 'object' ? valid(s.additionalProperties, name, ctx) : fc.jsonValue({ maxDepth: 2 });
      return fc.dictionary(fc.string({ maxLength: 10 }), value, { maxKeys: 4 });
    }
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, sub] of Object.entries(props)) model[key] = valid(sub, key, ctx);
    return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
  }
  return fc.jsonValue({ maxDepth: 2 });
}

/** A value just outside the schema, or of another type altogether. */
function hostile(s: Schema, name: string, ctx: Ctx): fc.Arbitrary<unknown> {
  const options: Array<fc.Arbitrary<unknown>> = [wrongType];
  if (name === 'cursor') options.push(fc.constantFrom(...BAD_CURSORS));
  if (isType(s, 'string')) {
    if (s.maxLength !== undefined) options.push(fc.constant('a'.repeat(s.maxLength + 1)), fc.constant('ᐃ'.repeat(s.maxLength + 1)));
    if (s.minLength !== undefined && s.minLength > 0) options.push(fc.constant(' '.repeat(s.minLength)), fc.constant('a'.repeat(s.minLength - 1)));
    options.push(hostileString);
  }
  if (s.enum) {
    const strings = s.enum.filter((e): e is string => typeof e === 'string');
    if (strings.length > 0) options.push(fc.constantFrom(...strings).chain((e) => fc.constantFrom(e.toUpperCase(), ` ${e}`, `${e}\u0000`, `${e}x`)));
  }
  if (isType(s, 'integer') || isType(s, 'number')) {
    const { min, max } = intBounds(s);
    options.push(fc.constantFrom(min - 1, max + 1, min + 0.5, -max, String(min), `${max}`), hostileNumber);
  }
  if (isType(s, 'array')) {
    const items = s.items ?? {};
    options.push(fc.array(valid(items, name, ctx), { minLength: (s.maxItems ?? 3) + 1, maxLength: (s.maxItems ?? 3) + 1 }));
    options.push(valid(items, name, ctx)); // an item where the array belongs
  }
  if (isObjectSchema(s) || s.anyOf || s.oneOf) {
    const props = s.properties ?? {};
    const base = valid(s, name, ctx);
    options.push(base.map((v) => [v])); // an array where the object belongs
    options.push(
      fc.tuple(base, fc.oneof(fc.constantFrom(...MASS_KEYS), fc.string({ maxLength: 12 })), fc.jsonValue({ maxDepth: 1 })).map(([v, k, x]) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...v, [k]: x } : v,
      ),
    );
    const keys = Object.keys(props);
    if (keys.length > 0) {
      // The documented property names, every one with a value of the wrong type.
      options.push(fc.record(Object.fromEntries(keys.map((k) => [k, wrongType]))));
      const required = (s.required ?? []).filter((k) => k in props);
      if (required.length > 0) {
        options.push(
          fc.tuple(base, fc.constantFrom(...required)).map(([v, k]) => {
            if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
            const copy = { ...(v as Record<string, unknown>) };
            delete copy[k];
            return copy;
          }),
        );
      }
    }
  }
  return fc.oneof(...options);
}

/** A valid value with exactly one thing wrong somewhere inside it, at any depth. */
function mutated(s: Schema, name: string, ctx: Ctx): fc.Arbitrary<unknown> {
  const options: Array<fc.Arbitrary<unknown>> = [hostile(s, name, ctx)];
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) options.push(...alternatives.map((a) => mutated(a, name, ctx)));
  if (isObjectSchema(s) && s.properties) {
    const base = valid(s, name, ctx);
    for (const [key, sub] of Object.entries(s.properties)) {
      options.push(fc.tuple(base, mutated(sub, key, ctx)).map(([v, m]) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...v, [key]: m } : v)));
    }
  }
  if (isType(s, 'array') && s.items) {
    const items = s.items;
    options.push(fc.tuple(fc.array(valid(items, name, ctx), { maxLength: 2 }), mutated(items, name, ctx)).map(([arr, m]) => [...arr, m]));
  }
  return fc.oneof(...options);
}

/** Mostly valid, one mutation, or any JSON at all. */
function bodyValue(s: Schema, ctx: Ctx): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: valid(s, 'body', ctx) },
    { weight: 6, arbitrary: mutated(s, 'body', ctx) },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: fc.anything() },
  );
}

/** JSON text, with RawJson tokens written verbatim. */
function serialize(value: unknown): string | undefined {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001raw${raws.length - 1}\u0001`;
    }
    return typeof v === 'bigint' ? v.toString() : v;
  }) as string | undefined;
  if (text === undefined) return undefined;
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!);
}

/** Percent-encodes every byte of the UTF-8 form except [A-Za-z0-9_-] (lone surrogates become U+FFFD). */
function pct(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Router limit (routerOptions.maxParamLength); longer parameters are tested in hostile-input.test.ts. */
const MAX_PARAM_LENGTH = 200;

function encodePathValue(raw: string): string {
  let value = raw;
  while (pct(value).length > MAX_PARAM_LENGTH) value = value.slice(0, Math.max(0, Math.floor(value.length * 0.7)));
  return pct(value);
}

function asQueryValues(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => asQueryValues(x));
  if (v instanceof RawJson) return [v.text];
  if (v !== null && typeof v === 'object') return [JSON.stringify(v)];
  return [String(v)];
}

const GARBAGE_IDS = ['0', '-1', '1.5', '1e3', '0x1', '9007199254740993', '99999999999999999999', 'abc', ' 2', '2 ', '+2', 'NaN', 'Infinity', '00002', '', ' '];

function idPool(path: string, fx: Fixtures): number[] {
  if (path.startsWith('/api/v1/users/')) return [fx.victimId, fx.adminId];
  if (path.startsWith('/api/v1/donations/')) return [fx.donationId];
  if (path.includes('/repairs/')) return [fx.repairId];
  if (path.startsWith('/api/v1/sanitization-verifications/')) return [fx.verificationId];
  if (path.startsWith('/api/v1/issuances/')) return [fx.issuanceId];
  if (path.startsWith('/api/v1/shipments/')) return [fx.shipmentId];
  if (path.startsWith('/api/v1/transfers/')) return [fx.transferId];
  if (path.startsWith('/api/v1/wipe-reports/')) return [fx.wipeReportId];
  throw new Error(`no fixture ids for ${path}: add them to idPool`);
}

function pathParamArb(p: Parameter, ctx: Ctx): fc.Arbitrary<string> {
  const known =
    p.name === 'id'
      ? fc.constantFrom(...idPool(ctx.target.path, ctx.fx).flatMap((n) => [String(n), String(n + 1000)]))
      : p.name === 'tag'
        ? fc.constantFrom(...ctx.fx.tags, ...ctx.fx.tags.map((x) => x.toLowerCase()), ...ctx.fx.serials, 'IQ-999999')
        : p.name === 'code'
          ? fc.constantFrom(ctx.fx.participantCode, ctx.fx.participantCode.toLowerCase(), 'P-0000')
          : fc.string({ minLength: 1, maxLength: 10 });
  const other = fc.oneof(
    fc.constantFrom(...GARBAGE_IDS),
    valid(p.schema, p.name, ctx).map((v) => asQueryValues(v).join(',')),
    hostile(p.schema, p.name, ctx).map((v) => asQueryValues(v).join(',')),
    hostileString,
  );
  return fc.oneof({ weight: 3, arbitrary: known }, { weight: 2, arbitrary: other });
}

interface FuzzRequest {
  url: string;
  /** False when an empty path parameter sends the request to another route (or none): the route's own checks do not apply. */
  routed: boolean;
  body: string | undefined;
  headers: Record<string, string>;
}

const IF_MATCH = ['"v1"', '"v2"', '"v3"', '"v4"', '*', 'W/"v1"', '"v0"', '"v999999999999"', '"v9999999999999999"', 'garbage', '', '"v1", "v2"'];

function requestArb(ctx: Ctx): fc.Arbitrary<FuzzRequest> {
  const { target } = ctx;
  const params = target.op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const bodySchema = target.op.requestBody?.content['application/json']?.schema;
  const mutating = target.method !== 'GET';

  const pathArb = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, pathParamArb(p, ctx)])));

  const querySchema: Schema = {
    type: 'object',
    properties: Object.fromEntries(queryParams.map((p) => [p.name, p.schema])),
    required: queryParams.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
  const rare = <T,>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
  const queryArb = fc
    .tuple(
      queryParams.length === 0 ? fc.constant({}) : fc.oneof(valid(querySchema, 'query', ctx), mutated(querySchema, 'query', ctx)),
      rare(fc.tuple(fc.oneof(fc.constantFrom(...MASS_KEYS, 'limit', 'format', '__proto__', 'a[b]'), fc.string({ maxLength: 8 })), hostileString)),
      rare(fc.constantFrom('%', '%zz', '%FF', '%00', '&&&', '=', 'a=1=2', '%E2%82')),
    )
    .map(([values, extra, rawTail]) => {
      const pairs: string[] = [];
      if (values !== null && typeof values === 'object' && !Array.isArray(values)) {
        for (const [k, v] of Object.entries(values)) {
          // Long values are capped so that the request line stays under Node's 16 KiB header limit.
          for (const s of asQueryValues(v)) pairs.push(`${pct(k)}=${pct(s.slice(0, 2000))}`);
        }
      } else {
        pairs.push(...asQueryValues(values).map((v) => pct(v.slice(0, 2000))));
      }
      if (extra) pairs.push(`${pct(extra[0])}=${pct(extra[1].slice(0, 2000))}`);
      if (rawTail) pairs.push(rawTail);
      return pairs.length > 0 ? `?${pairs.join('&')}` : '';
    });

  let bodyArb: fc.Arbitrary<string | undefined>;
  if (!mutating) bodyArb = fc.constant(undefined);
  else if (bodySchema) {
    bodyArb = bodyValue(bodySchema, ctx).map(serialize);
  } else {
    bodyArb = fc.option(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ status: fc.constantFrom('ready', 'issued') })), { nil: undefined }).map((v) => (v === undefined ? undefined : serialize(v)));
  }

  const headerArb = fc.record(
    {
      'idempotency-key': fc.oneof(
        { weight: 3, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,40}$/) },
        { weight: 3, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: fc.constantFrom('a'.repeat(201), ' ', 'a b', 'ключ', 'k\u00e9y', 'x'.repeat(200)) },
      ),
      'if-match': fc.constantFrom(...IF_MATCH),
    },
    { requiredKeys: [] },
  );

  return fc.tuple(pathArb, queryArb, bodyArb, mutating ? headerArb : fc.constant({})).map(([path, query, body, headers]) => {
    const url = target.path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => encodePathValue(path[name] ?? ''));
    return { url: `${url}${query}`, routed: Object.values(path).every((v) => v !== ''), body, headers };
  });
}

// ---------------------------------------------------------------------------
// The checks.

const DOTTED = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
/** Refusals made while parsing, before the route's own checks run (the same for every route). */
const PARSE_LEVEL = new Set(['request.malformed_json', 'request.body_too_large', 'request.unsupported_media_type']);

type Role = 'trainee' | 'admin';

function seedFor(name: string): number {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h | 0;
}

/**
 * Sends generated requests to one app and checks each answer. Keeps the
 * callers' sessions alive across runs: logout gets a fresh session every
 * time, and an admin who sets their own password logs in again with it.
 */
function createSender(t: TestApp, fx: Fixtures) {
  const passwords: Record<Role, string> = { admin: ADMIN_PASSWORD, trainee: USER_PASSWORD };
  const usernames: Record<Role, string> = { admin: 'admin', trainee: 'test-trainee' };
  const tokens: Partial<Record<Role, string>> = {};
  const tokenOf = async (role: Role) => (tokens[role] ??= await t.login(usernames[role], passwords[role]));

  return {
    tokenOf,
    /** Sends one request and checks the answer; returns its status. */
    async exec(target: Target, role: Role, req: FuzzRequest): Promise<number> {
      const access = target.access;
      const isPublic = access !== undefined && 'public' in access;
      const allowed = isPublic || (access !== undefined && access.roles.includes(role));
      // Logout ends the session it is called with: each run gets a session of its own.
      const sessionToken = target.name === 'POST /api/v1/auth/logout' ? await t.login(usernames[role], passwords[role]) : await tokenOf(role);
      const headers: Record<string, string> = { ...bearer(sessionToken), ...req.headers };
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      const before = await dbState(t);
      const res = await t.app.inject({ method: target.method, url: req.url, headers, ...(req.body === undefined ? {} : { payload: req.body }) });
      const after = await dbState(t);
      const where = `${target.method} ${req.url} as ${role} → ${res.statusCode} ${res.body.slice(0, 400)}`;

      expect(res.statusCode, `no 5xx: ${where}`).toBeLessThan(500);
      let code: unknown;
      if (res.statusCode >= 400) {
        expect(String(res.headers['content-type']), `problem+json: ${where}`).toMatch(/^application\/problem\+json/);
        const problem = JSON.parse(res.body) as { code?: unknown; status?: unknown; title?: unknown; type?: unknown };
        code = problem.code;
        expect(String(code), `dotted code: ${where}`).toMatch(DOTTED);
        expect(Object.keys(ERROR_CODES), `known code: ${where}`).toContain(code);
        expect(problem.status, `status member: ${where}`).toBe(res.statusCode);
        expect(typeof problem.title, `title: ${where}`).toBe('string');
        expect(problem.type, `type: ${where}`).toBe(`urn:refurb-ledger:problem:${String(code)}`);

        const allowedWrites = allowedWritesOnRejection(target, code);
        const changed = changedTables(before, after).filter((n) => !allowedWrites.has(n));
        expect(changed, `a rejected request writes nothing: ${where}`).toEqual([]);
      } else if (target.method === 'GET') {
        expect(changedTables(before, after), `a GET writes nothing: ${where}`).toEqual([]);
      }

      if (!isPublic && req.routed) {
        // The session is never lost on the way, so no run is wasted on 401s.
        expect(res.statusCode, `authenticated: ${where}`).not.toBe(401);
        if (!allowed) {
          // Role checks run before validation: the caller learns nothing about the body (docs/domain.md §4).
          if (res.statusCode !== 403) expect(PARSE_LEVEL.has(String(code)), `role check before validation: ${where}`).toBe(true);
          else expect(code).toBe('auth.forbidden');
        } else {
          const detail = res.statusCode === 403 ? String(res.json<{ detail?: unknown }>().detail) : '';
          expect(detail, `the role may call this route: ${where}`).not.toMatch(/^This needs one of the roles/);
        }
      }
      if (!req.routed) expect(code, `an empty path parameter: ${where}`).not.toBe('auth.unauthenticated');

      // An admin who sets their own password ends their own sessions: log in again with it.
      if (target.name === 'POST /api/v1/users/{id}/password' && res.statusCode === 200 && role === 'admin') {
        const body = res.json<{ user: { id: number } }>();
        if (body.user.id === fx.adminId) {
          passwords.admin = (JSON.parse(req.body ?? '{}') as { password: string }).password;
          tokens.admin = await t.login('admin', passwords.admin);
        }
      }
      return res.statusCode;
    },
  };
}

async function fuzzOperation(target: Target, t: TestApp, fx: Fixtures, role: Role, numRuns: number): Promise<void> {
  const access = target.access;
  const isPublic = access !== undefined && 'public' in access;
  const allowed = isPublic || (access !== undefined && access.roles.includes(role));
  const sender = createSender(t, fx);
  const statuses = new Map<number, number>();

  await fc.assert(
    fc.asyncProperty(requestArb({ fx, target }), async (req) => {
      const status = await sender.exec(target, role, req);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }),
    { seed: seedFor(`${target.name} ${role}`), numRuns },
  );

  if (!isPublic && target.name !== 'POST /api/v1/auth/logout') {
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(await sender.tokenOf(role)) });
    expect(me.statusCode, `${role} session still valid after fuzzing ${target.name}`).toBe(200);
    expect(me.json<{ user: { role: string } }>().user.role).toBe(role);
  }
  // Not everything was refused at the door: allowed callers saw answers other than 403.
  if (allowed) expect([...statuses.keys()].some((s) => s !== 403), `${role} on ${target.name}: ${JSON.stringify([...statuses])}`).toBe(true);
}

/**
 * Runs per operation and role. A document (PDF, label) costs a render on the
 * worker thread, some hundred times an ordinary request, and a run that
 * passes validation draws the same fixture records again and again: the
 * document routes get half the runs. Documents drawn from stored hostile
 * values come from the sequences below.
 */
function runsPerRole(target: Target): Record<Role, number> {
  return DOCUMENT_ROUTE.test(target.path) ? { trainee: 8, admin: 15 } : { trainee: 15, admin: 30 };
}

/** Apps that each start on their own copy of the fixtures' database. */
interface Snapshot {
  start(): Promise<TestApp>;
  remove(): Promise<void>;
}

/**
 * Builds the fixtures once and keeps their database: on SQLite a snapshot
 * file copied into each new in-memory app; on PostgreSQL a database that each
 * new app's database is created from (CREATE DATABASE ... TEMPLATE), dropped
 * with the app.
 */
async function fixturesSnapshot(build: (t: TestApp) => Promise<void>): Promise<Snapshot> {
  if (TEST_ENGINE === 'sqlite') {
    const t = await createTestApp();
    let file: ReturnType<typeof snapshotDatabase>;
    try {
      await build(t);
      file = snapshotDatabase(t);
    } finally {
      await t.close();
    }
    return { start: () => createTestApp({ from: file.file }), remove: async () => file.remove() };
  }
  const source = await createTestDatabase('rl_fuzz');
  try {
    const t = await createTestApp({ postgresUrl: source.url });
    try {
      await build(t);
    } finally {
      await t.close();
    }
  } catch (err) {
    await source.drop();
    throw err;
  }
  return {
    start: async () => {
      const copy = await createTestDatabase('rl_fuzz', { from: source.url });
      const t = await createTestApp({ postgresUrl: copy.url }).catch(async (err: unknown) => {
        await copy.drop();
        throw err;
      });
      return {
        ...t,
        close: async () => {
          await t.close();
          await copy.drop();
        },
      };
    },
    remove: () => source.drop(),
  };
}

// ---------------------------------------------------------------------------

describe('schema-driven fuzzing of every /api/v1 operation', () => {
  // The fixtures are built once through the API; every app below starts on a copy of that database,
  // so each operation (and each sequence) begins from the same records without building them again.
  let fixtures: Fixtures;
  let snapshot: Snapshot;
  beforeAll(async () => {
    snapshot = await fixturesSnapshot(async (t) => {
      fixtures = await buildFixtures(t);
    });
  });
  afterAll(async () => snapshot?.remove());

  it('covers every route of the route table, each documented in the OpenAPI document', () => {
    const routeNames = catalog.routes.map((r) => `${r.method} ${toOpenApiPath(r.url)}`).sort();
    const targetNames = targets.map((x) => x.name).sort();
    expect(targetNames).toEqual(routeNames);
    expect(targets.length).toBeGreaterThanOrEqual(60);
    for (const target of targets) expect(target.access, `${target.name} declares its access`).toBeDefined();
    // Nothing is left out; an exclusion would have to be listed here by name.
    expect([...EXCLUDED.keys()]).toEqual([]);
  });

  it.each(targets.filter((x) => !EXCLUDED.has(x.name)).map((x) => [x.name, x] as const))('%s', async (_name, target) => {
    const t = await snapshot.start();
    try {
      // The trainee first: the admin's runs may disable or re-role other users.
      const runs = runsPerRole(target);
      await fuzzOperation(target, t, fixtures, 'trainee', runs.trainee);
      await fuzzOperation(target, t, fixtures, 'admin', runs.admin);
    } finally {
      await t.close();
    }
  });

  // Ten long sequences rather than twenty short ones: about as many requests, half the apps (and render threads)
  // to start, and more of what one request stores is still there for later ones to print. Two tests of five, each
  // with its own seed, so that neither comes near the timeout on a loaded machine.
  it.each([1, 2])('random sequences across every operation on one database: what one request stores, the next ones read and print (%i of 2)', async (part) => {
    // Each sequence runs on a fresh app on a copy of the fixtures, so a counterexample replays from the same state.
    const step = fc.oneof(...targets.filter((x) => !EXCLUDED.has(x.name)).map((target) => requestArb({ fx: fixtures, target }).map((req) => ({ target, req }))));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 40, maxLength: 80 }), async (steps) => {
        const t = await snapshot.start();
        try {
          const sender = createSender(t, fixtures);
          for (const { target, req } of steps) await sender.exec(target, 'admin', req);
        } finally {
          await t.close();
        }
      }),
      { seed: seedFor(`sequences ${part}`), numRuns: 5 },
    );
    // About 15 s each on a quiet machine; the limit leaves room for a loaded one.
  }, 90_000);
});
