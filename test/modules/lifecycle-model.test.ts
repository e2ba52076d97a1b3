/**
 * A model-based test of the whole device lifecycle (docs/domain.md §2: the
 * transitions, a failed second-person check, and invariants 1, 2, 3, 6 and 7;
 * docs/domain.md §3 sanitization, repair and grade rules). fast-check draws random sequences of every action
 * and plays them over HTTP against the real app on an in-memory database; a
 * plain model written from those rules predicts every answer and every state, and
 * after each step the service is read back and compared with it.
 *
 * The app's random source is fixed at 0.99, so only the forced draws of the
 * second-person sample happen: the 5 % top-up (the first passing logical wipe
 * always), a drive's next passing wipe after a failed check, and the next 10
 * passing logical wipes of a technician whose wipe failed a check.
 *
 * A failure prints the seed, the path and the commands' replay hint, and the
 * command line that replays it (LIFECYCLE_SEED, LIFECYCLE_PATH,
 * LIFECYCLE_REPLAY); LIFECYCLE_RUNS, LIFECYCLE_COMMANDS and a larger
 * LIFECYCLE_TIMEOUT_MS widen a search. The last describe block replays, step
 * by step, two sequences where the service once disagreed with the rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/users/users.table.js';
import { siteDate } from '../../src/modules/recycling/shipment-dates.js';
import { bearer, createTestApp, type TestApp } from '../helpers.js';

const API = '/api/v1';
type Body = Record<string, unknown>;
const env = process.env;

/** LIFECYCLE_TRACE=1 prints every step and the devices after it; LIFECYCLE_COVERAGE=1 how often each step got each answer. */
const trace = env['LIFECYCLE_TRACE'] !== undefined;

// ---------------------------------------------------------------------------
// What docs/domain.md says, as data
// ---------------------------------------------------------------------------

type Status = 'received' | 'sanitized' | 'in_repair' | 'ready' | 'issued' | 'awaiting_recycling' | 'recycled' | 'written_off' | 'in_transit';
/** Transfers between sites are modelled in transfers.test.ts; here they only show in what a device allows. */
const ACTIONS = ['update', 'register_storage', 'sanitize', 'confirm_no_storage', 'open_repair', 'complete_repair', 'grade', 'issue', 'return', 'recycle', 'ship', 'write_off', 'transfer', 'cancel_transfer'] as const;
type Action = (typeof ACTIONS)[number];
type Kind = 'hdd' | 'ssd' | 'nvme' | 'emmc';
type Method = 'clear' | 'purge' | 'destroy';
type Technique = 'overwrite' | 'block_erase' | 'crypto_erase' | 'sanitize_command' | 'secure_erase' | 'shred' | 'crush' | 'drill' | 'degauss' | 'other';
type Category = 'laptop' | 'desktop' | 'tablet';
type Grade = 'A' | 'B' | 'C' | 'D';
type DrawReason = 'random' | 'top_up' | 'drive_failed_check' | 'technician_failed_check';
type DriveState = 'pending' | 'passed' | 'failed' | 'failed_check';

const KINDS: readonly Kind[] = ['hdd', 'ssd', 'nvme', 'emmc'];
const METHODS: readonly Method[] = ['clear', 'purge', 'destroy'];
const ALL_TECHNIQUES: readonly Technique[] = ['overwrite', 'block_erase', 'crypto_erase', 'sanitize_command', 'secure_erase', 'shred', 'crush', 'drill', 'degauss', 'other'];

/**
 * docs/domain.md §3 (NIST SP 800-88 Rev. 1 App. A / IEEE 2883): flash is never purged by
 * overwrite and is destroyed only by shredding; an HDD is purged by secure
 * erase, the sanitize command, crypto erase or degaussing. The rows are the
 * service's one table (media-techniques.ts), as docs/domain.md §3 gives it.
 */
const VALID_TECHNIQUES: Readonly<Record<Kind, Readonly<Record<Method, readonly Technique[]>>>> = {
  hdd: { clear: ['overwrite'], purge: ['secure_erase', 'sanitize_command', 'crypto_erase', 'degauss'], destroy: ['shred', 'crush', 'drill'] },
  ssd: { clear: ['overwrite', 'secure_erase'], purge: ['block_erase', 'crypto_erase', 'sanitize_command', 'secure_erase'], destroy: ['shred'] },
  nvme: { clear: ['overwrite'], purge: ['sanitize_command', 'crypto_erase', 'block_erase'], destroy: ['shred'] },
  emmc: { clear: ['overwrite'], purge: ['block_erase', 'sanitize_command'], destroy: ['shred'] },
};

const LIFECYCLE: readonly Role[] = ['trainee', 'coordinator', 'admin'];
const COORDINATION: readonly Role[] = ['coordinator', 'admin'];
const SHIPPERS: readonly Role[] = ['coordinator', 'staff', 'admin'];
const NOT_GONE: readonly Status[] = ['received', 'sanitized', 'in_repair', 'ready', 'issued', 'awaiting_recycling'];

/** The transitions table of docs/domain.md §2, with the rows the paragraph after it adds (records while awaiting recycling, late drives). */
const RULES: Readonly<Record<Action, { from: readonly Status[]; roles: readonly Role[] }>> = {
  update: { from: NOT_GONE, roles: LIFECYCLE },
  register_storage: { from: ['received', 'sanitized', 'in_repair', 'ready', 'awaiting_recycling'], roles: LIFECYCLE },
  sanitize: { from: ['received', 'sanitized', 'in_repair', 'ready', 'awaiting_recycling'], roles: LIFECYCLE },
  confirm_no_storage: { from: ['received', 'awaiting_recycling'], roles: LIFECYCLE },
  open_repair: { from: ['sanitized', 'ready'], roles: LIFECYCLE },
  complete_repair: { from: ['in_repair'], roles: LIFECYCLE },
  grade: { from: ['sanitized', 'ready'], roles: LIFECYCLE },
  issue: { from: ['ready'], roles: COORDINATION },
  return: { from: ['issued'], roles: COORDINATION },
  recycle: { from: ['received', 'sanitized', 'in_repair', 'ready'], roles: COORDINATION },
  ship: { from: ['awaiting_recycling'], roles: SHIPPERS },
  write_off: { from: NOT_GONE, roles: ['admin'] },
  transfer: { from: ['sanitized', 'ready', 'awaiting_recycling'], roles: COORDINATION },
  cancel_transfer: { from: ['in_transit'], roles: COORDINATION },
};

const WITH_SCREEN: ReadonlySet<Category> = new Set(['laptop', 'tablet']);
const WITH_KEYBOARD: ReadonlySet<Category> = new Set(['laptop']);
const WITH_BATTERY: ReadonlySet<Category> = new Set(['laptop', 'tablet']);

interface Checklist {
  powersOn?: boolean;
  screen?: boolean;
  keyboard?: boolean;
  batteryHealthPercent?: number;
}

/** docs/domain.md §3 Grade: the checklist items that contradict the grade (an item left out contradicts nothing). */
function contradictions(category: Category, grade: Grade, c: Checklist): string[] {
  const out: string[] = [];
  if (c.powersOn === false && grade !== 'D') out.push('powersOn');
  if (grade === 'A' || grade === 'B') {
    if (c.screen === false && WITH_SCREEN.has(category)) out.push('screen');
    if (c.keyboard === false && WITH_KEYBOARD.has(category)) out.push('keyboard');
  }
  if (grade === 'A' && c.batteryHealthPercent !== undefined && c.batteryHealthPercent < 80 && WITH_BATTERY.has(category)) out.push('batteryHealthPercent');
  return out;
}

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

interface MEvent {
  action: string;
  from: Status | null;
  to: Status;
  details?: Body;
}
interface MDrive {
  serial: string;
  kind: Kind;
}
interface MDevice {
  idx: number;
  tag: string;
  category: Category;
  status: Status;
  cycle: number;
  drives: MDrive[];
  noStorage: boolean;
  grade: Grade | null;
  events: MEvent[];
  openRepair: number | null;
  lastRepair: number | null;
  shipment: number | null;
  /** Issued at least once (in the report period, which covers the whole run). */
  reused: boolean;
  /** The participant (index) holding it now. */
  holder: number | null;
  /** What the last successful certificate check saw, so that an unchanged device is not rendered twice. */
  certSeen: string | null;
}
interface MVerification {
  id: number;
  record: MRecord;
  status: 'pending' | 'passed' | 'failed';
  reason: DrawReason;
  voidsThrough: number | null;
}
interface MRecord {
  id: number;
  device: number;
  serial: string;
  cycle: number;
  technician: number;
  result: 'passed' | 'failed';
  method: Method;
  verification: MVerification | null;
}
interface MShipment {
  id: number;
  status: 'open' | 'shipped' | 'confirmed';
  devices: number[];
  shippedAt: string | null;
}
interface Model {
  devices: MDevice[];
  records: MRecord[];
  verifications: MVerification[];
  /** Passing logical wipes so far and how many of them were drawn (docs/domain.md §3, the ⌈5 % × (n + 1)⌉ top-up). */
  tally: { passed: number; drawn: number };
  /** Open issuances per participant. */
  holdings: number[];
  shipments: MShipment[];
  /** Audit events written since set-up (device histories and shipments). */
  audit: number;
  auditBase: number;
  seq: number;
  step: number;
}

const MAX_DEVICES = 3;

/**
 * A drive's state in the device's custody cycle (invariant 1, docs/domain.md §2): it
 * counts when a passing record of this cycle came after the latest failed
 * second-person check of the drive; a failed check means the drive must be
 * wiped again, so it voids every record of the drive made before the check.
 */
function driveFold(m: Model, d: MDevice, drive: MDrive): { state: DriveState; verification: MVerification['status'] | null } {
  const all = m.records.filter((r) => r.device === d.idx && r.serial === drive.serial);
  const recs = all.filter((r) => r.cycle === d.cycle);
  // A failed check is about the drive as it was when checked, whichever cycle the checked wipe belongs to.
  const voided = Math.max(0, ...all.filter((r) => r.verification?.status === 'failed').map((r) => r.verification!.voidsThrough!));
  if (recs.length === 0) return { state: 'pending', verification: null };
  const passing = recs.filter((r) => r.result === 'passed');
  const counting = passing.filter((r) => r.id > voided);
  const best = counting.at(-1);
  if (best) return { state: 'passed', verification: best.verification?.status ?? null };
  if (passing.length > 0) return { state: 'failed_check', verification: 'failed' };
  return { state: 'failed', verification: null };
}

const sanitized = (m: Model, d: MDevice) => (d.drives.length === 0 ? d.noStorage : d.drives.every((dr) => driveFold(m, d, dr).state === 'passed'));
const recall = (m: Model, d: MDevice) => d.status === 'issued' && d.drives.some((dr) => driveFold(m, d, dr).state === 'failed_check');
const faults = (m: Model, d: MDevice) =>
  d.drives.map((dr) => ({ serialNumber: dr.serial, sanitizationState: driveFold(m, d, dr).state })).filter((f) => f.sanitizationState !== 'passed');

/** Why the lifecycle refuses an action on this device now (role checks apart), or null. */
function refusal(m: Model, d: MDevice, action: Action): string | null {
  if (!RULES[action].from.includes(d.status)) return 'devices.invalid_transition';
  if ((action === 'issue' || action === 'grade' || action === 'ship' || action === 'transfer') && !sanitized(m, d)) return 'devices.not_sanitized';
  if (action === 'confirm_no_storage' && d.drives.length > 0) return 'devices.invalid_transition';
  if (action === 'sanitize' && d.drives.length === 0) return 'devices.invalid_transition';
  return null;
}

const allowedActions = (m: Model, d: MDevice, role: Role): Action[] => ACTIONS.filter((a) => RULES[a].roles.includes(role) && refusal(m, d, a) === null);

/** The refusal an action gets: 403 for the role first (before anything about the body or the device), then the lifecycle's 409. */
function predict(m: Model, d: MDevice, action: Action, role: Role): { status: number; code: string } | null {
  if (!RULES[action].roles.includes(role)) return { status: 403, code: 'auth.forbidden' };
  const why = refusal(m, d, action);
  return why === null ? null : { status: 409, code: why };
}

/** docs/domain.md §2/§3 draw rules with the random source fixed above 5 %: only the forced draws and the top-up. */
function predictDraw(m: Model, device: number, serial: string, technician: number, method: Method, result: 'passed' | 'failed'): DrawReason | null {
  if (result !== 'passed') return null;
  const logical = method !== 'destroy';
  const throughOf = (recs: MRecord[]) => {
    const failed = recs.filter((r) => r.verification?.status === 'failed').map((r) => r.verification!.voidsThrough!);
    return failed.length === 0 ? null : Math.max(...failed);
  };
  let reason: DrawReason | null = null;
  const driveRecs = m.records.filter((r) => r.device === device && r.serial === serial);
  const driveThrough = throughOf(driveRecs);
  if (driveThrough !== null && !driveRecs.some((r) => r.id > driveThrough && r.verification !== null)) reason = 'drive_failed_check';
  else if (logical) {
    const theirs = m.records.filter((r) => r.technician === technician);
    const through = throughOf(theirs);
    if (through !== null && theirs.filter((r) => r.id > through && r.result === 'passed' && r.method !== 'destroy').length < 10) reason = 'technician_failed_check';
  }
  // docs/domain.md §3: after n passing logical wipes (this one included) at least ⌈5 % × (n + 1)⌉ are drawn.
  const n = m.tally.passed + 1;
  if (logical && reason === null && m.tally.drawn < Math.ceil((n + 1) * 0.05)) reason = 'top_up';
  return reason;
}

function event(m: Model, d: MDevice, action: string, to: Status, details?: Body): void {
  d.events.push({ action, from: d.status, to, ...(details ? { details } : {}) });
  d.status = to;
  m.audit += 1;
}

const maxRecordId = (m: Model) => Math.max(0, ...m.records.map((r) => r.id));

// ---------------------------------------------------------------------------
// The real system
// ---------------------------------------------------------------------------

interface Real {
  t: TestApp;
  tokens: Record<Role, string>;
  /** The technicians: trainees who wipe and verify each other's wipes. */
  trainees: string[];
  participants: string[];
  recyclerId: number;
  /** Certificates that may still be rendered in this run (a rendering costs about 100 ms). */
  certBudget: number;
}

interface Res {
  status: number;
  body: Body;
}

async function send(r: Real, token: string, method: 'get' | 'post', path: string, body?: Body): Promise<Res> {
  const req = r.t.http[method](`${API}${path}`).set(bearer(token));
  const res = body === undefined ? await req : await req.send(body);
  return { status: res.status, body: (res.body ?? {}) as Body };
}
const as = (r: Real, role: Role) => r.tokens[role];

/** How often each step got each answer, over all runs: printed at the end, so that a model that never reaches a state shows. */
const coverage = new Map<string, number>();
const currentStep = { ctx: '', name: '' };
/** States and events the runs reached (printed with the coverage). */
const reach = (what: string) => coverage.set(`~ ${what}`, (coverage.get(`~ ${what}`) ?? 0) + 1);

function expectAnswer(res: Res, expected: { status: number; code?: string | undefined }, ctx: string): void {
  // A step's own answer: counted for the coverage summary.
  if (ctx === currentStep.ctx) {
    const key = `${currentStep.name} ${expected.status}${expected.code ? ` ${expected.code}` : ''}`;
    coverage.set(key, (coverage.get(key) ?? 0) + 1);
  }
  expect(res.status, `${ctx}: ${JSON.stringify(res.body)}`).toBe(expected.status);
  if (expected.code !== undefined) expect(res.body['code'], `${ctx}: ${JSON.stringify(res.body)}`).toBe(expected.code);
}

async function setUp(): Promise<{ model: Model; real: Real }> {
  // Sessions outlive the days the clock is moved on by.
  const t = await createTestApp({ random: () => 0.99, env: { SESSION_TTL_HOURS: String(24 * 90) } });
  // Listening once, supertest reuses the port instead of opening and closing a server per request (half the time).
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const tokens = {} as Record<Role, string>;
  for (const role of ['trainee', 'coordinator', 'staff', 'admin'] as const) tokens[role] = await t.token(role);
  const trainees: string[] = [];
  for (let i = 0; i < 3; i++) trainees.push((await t.createUser(`wiper-${i}`, 'trainee')).token);
  const real: Real = { t, tokens, trainees, participants: [], recyclerId: 0, certBudget: 2 };
  for (const community of ['Arviat', 'Kugaaruk', 'Iqaluit']) {
    const p = await send(real, tokens.coordinator, 'post', '/participants', { community, consent: { given: true, language: 'en' } });
    expectAnswer(p, { status: 201 }, 'set-up participant');
    real.participants.push((p.body['participant'] as Body)['code'] as string);
  }
  const rec = await send(real, tokens.coordinator, 'post', '/recyclers', { name: 'Southern Recycling', certification: 'R2' });
  expectAnswer(rec, { status: 201 }, 'set-up recycler');
  real.recyclerId = (rec.body['recycler'] as Body)['id'] as number;
  const audit = await send(real, tokens.admin, 'get', '/audit/verify');
  expect(audit.body['ok']).toBe(true);
  const model: Model = {
    devices: [],
    records: [],
    verifications: [],
    tally: { passed: 0, drawn: 0 },
    holdings: real.participants.map(() => 0),
    shipments: [],
    audit: 0,
    auditBase: audit.body['events'] as number,
    seq: 0,
    step: 0,
  };
  return { model, real };
}

// ---------------------------------------------------------------------------
// After every step: the service must say what the model says
// ---------------------------------------------------------------------------

interface DeviceView {
  assetTag: string;
  status: string;
  sanitized: boolean;
  flags: string[];
  grade: string | null;
  custodyCycle: number;
  noStorageConfirmed: boolean;
  allowedActions: string[];
  storage: Array<{ serialNumber: string; kind: string; sanitizationState: string; verification: string | null }>;
}

function expectDevice(m: Model, d: MDevice, view: DeviceView | undefined, role: Role, ctx: string): void {
  expect(view, `${ctx}: ${d.tag} is listed`).toBeDefined();
  const seen = {
    status: view!.status,
    sanitized: view!.sanitized,
    recall: view!.flags.includes('recall'),
    grade: view!.grade,
    custodyCycle: view!.custodyCycle,
    noStorageConfirmed: view!.noStorageConfirmed,
    storage: view!.storage.map((s) => ({ serialNumber: s.serialNumber, kind: s.kind, sanitizationState: s.sanitizationState, verification: s.verification })),
    allowedActions: [...view!.allowedActions].sort(),
  };
  const want = {
    status: d.status,
    sanitized: sanitized(m, d),
    recall: recall(m, d),
    grade: d.grade,
    custodyCycle: d.cycle,
    noStorageConfirmed: d.noStorage,
    storage: d.drives.map((dr) => {
      const f = driveFold(m, d, dr);
      return { serialNumber: dr.serial, kind: dr.kind, sanitizationState: f.state, verification: f.verification };
    }),
    allowedActions: allowedActions(m, d, role).sort(),
  };
  for (const key of Object.keys(want) as Array<keyof typeof want>) {
    expect(seen[key], `${ctx}: ${d.tag} ${key} as seen by ${role} (model: ${JSON.stringify(want[key])}, service: ${JSON.stringify(seen[key])})`).toEqual(want[key]);
  }
}

async function checkAll(m: Model, r: Real, touched: ReadonlySet<number>, role: Role, ctx: string): Promise<void> {
  // Nothing writes while these run, so the reads go out together.
  const certificates = [...touched].map((idx) => {
    const d = m.devices[idx]!;
    const ok = sanitized(m, d);
    const seenKey = `${d.cycle}|${d.drives.map((dr) => `${dr.serial}:${driveFold(m, d, dr).state}`).join(',')}|${d.noStorage}`;
    if (ok && (d.certSeen === seenKey || r.certBudget <= 0)) return null;
    if (ok) r.certBudget -= 1;
    return { d, ok, seenKey, res: r.t.http.get(`${API}/devices/${d.tag}/certificate.pdf`).set(bearer(as(r, 'staff'))).then((x) => x) };
  });
  const [list, ones, histories, recalls, queue, audit, report] = await Promise.all([
    send(r, as(r, role), 'get', '/devices?limit=500'),
    Promise.all([...touched].map((idx) => send(r, as(r, role), 'get', `/devices/${m.devices[idx]!.tag}`))),
    // As a coordinator: the roles that work with participants see who held the device.
    Promise.all([...touched].map((idx) => send(r, as(r, 'coordinator'), 'get', `/devices/${m.devices[idx]!.tag}/history`))),
    send(r, as(r, 'staff'), 'get', '/devices?flag=recall&limit=500'),
    send(r, as(r, 'trainee'), 'get', '/sanitization-verifications?status=pending&limit=500'),
    send(r, as(r, 'admin'), 'get', '/audit/verify'),
    send(r, as(r, 'coordinator'), 'get', '/reports/diversion?from=2026-01-01&to=2026-12-31'),
  ]);

  // Every device, as the caller's role sees it (the list carries allowedActions for that role).
  expectAnswer(list, { status: 200 }, `${ctx}: list`);
  const items = list.body['items'] as DeviceView[];
  expect(items.map((i) => i.assetTag).sort(), `${ctx}: the devices`).toEqual(m.devices.map((d) => d.tag).sort());
  for (const d of m.devices) expectDevice(m, d, items.find((i) => i.assetTag === d.tag), role, ctx);
  if (m.devices.some((d) => recall(m, d))) reach('a device flagged recall');
  if (m.devices.some((d) => d.drives.some((dr) => driveFold(m, d, dr).state === 'failed_check'))) reach('a drive in failed_check');
  if (m.devices.some((d) => d.cycle > 1 && sanitized(m, d))) reach('a returned device sanitized again');

  [...touched].forEach((idx, k) => {
    const d = m.devices[idx]!;
    const one = ones[k]!;
    expectAnswer(one, { status: 200 }, `${ctx}: GET ${d.tag}`);
    expectDevice(m, d, one.body['device'] as DeviceView, role, `${ctx}: GET`);
    // The list reads the drives' states of a whole page at once; a device reads its own: the same answer.
    expect(items.find((i) => i.assetTag === d.tag), `${ctx}: ${d.tag} in the list as GET answers it`).toEqual(one.body['device']);

    // Invariant 3: exactly the events the model expects, in order, none for a refusal.
    const h = histories[k]!;
    expectAnswer(h, { status: 200 }, `${ctx}: history ${d.tag}`);
    const events = h.body['events'] as Array<{ action: string; fromStatus: string | null; toStatus: string | null; details: Body }>;
    expect(
      events.map((e) => `${e.action} ${e.fromStatus ?? '-'}→${e.toStatus}`),
      `${ctx}: history of ${d.tag}`,
    ).toEqual(d.events.map((e) => `${e.action} ${e.from ?? '-'}→${e.to}`));
    d.events.forEach((e, i) => {
      if (e.details) expect(events[i]!.details, `${ctx}: ${d.tag} event ${i} ${e.action}`).toMatchObject(e.details);
    });
  });

  // Invariant 7: a certificate only while every drive counts (or no storage was confirmed).
  for (const c of certificates) {
    if (!c) continue;
    const cert = await c.res;
    expect(cert.status, `${ctx}: certificate of ${c.d.tag} (model: ${c.ok ? 'sanitized' : 'not sanitized'})`).toBe(c.ok ? 200 : 409);
    if (c.ok) {
      expect(cert.headers['content-type']).toMatch(/^application\/pdf/);
      c.d.certSeen = c.seenKey;
    } else {
      expect(cert.body.code, ctx).toBe('certificates.not_sanitized');
      expect(cert.body.drives, `${ctx}: drives named by the refused certificate of ${c.d.tag}`).toEqual(faults(m, c.d));
    }
  }

  // The recall flag, as a list.
  expect((recalls.body['items'] as DeviceView[]).map((i) => i.assetTag).sort(), `${ctx}: recall list`).toEqual(
    m.devices.filter((d) => recall(m, d)).map((d) => d.tag).sort(),
  );

  // The verification queue: which wipes wait for a second person, and why they were drawn.
  expectAnswer(queue, { status: 200 }, `${ctx}: queue`);
  expect(
    (queue.body['items'] as Array<{ id: number; reason: string | null; record: { id: number } }>).map((v) => ({ id: v.id, record: v.record.id, reason: v.reason })),
    `${ctx}: pending verifications`,
  ).toEqual(m.verifications.filter((v) => v.status === 'pending').map((v) => ({ id: v.id, record: v.record.id, reason: v.reason })));

  // Invariant 3, globally: the chain holds and grew by exactly the events the model expects.
  expect(audit.body, `${ctx}: audit chain`).toMatchObject({ ok: true, events: m.auditBase + m.audit });

  // Invariant 6: each device at most once in diverted.
  expectAnswer(report, { status: 200 }, `${ctx}: diversion`);
  const shipped = (s: MShipment['status']) => new Set(m.shipments.filter((x) => x.status === s).flatMap((x) => x.devices));
  const confirmed = shipped('confirmed');
  const reused = new Set(m.devices.filter((d) => d.reused).map((d) => d.idx));
  const totals = report.body['totals'] as Record<string, { units: number }>;
  expect(
    {
      received: totals['received']?.units,
      reused: totals['reused']?.units,
      recycledConfirmed: totals['recycledConfirmed']?.units,
      recycledPending: totals['recycledPending']?.units,
      diverted: totals['diverted']?.units,
      reusedThenRecycled: totals['reusedThenRecycled']?.units,
    },
    `${ctx}: diversion totals`,
  ).toEqual({
    received: m.devices.length,
    reused: reused.size,
    recycledConfirmed: confirmed.size,
    recycledPending: shipped('shipped').size,
    diverted: new Set([...reused, ...confirmed]).size,
    reusedThenRecycled: [...reused].filter((i) => confirmed.has(i)).length,
  });
  expect(totals['diverted']!.units, `${ctx}: diverted counts each device at most once`).toBeLessThanOrEqual(m.devices.length);
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

abstract class Step implements fc.AsyncCommand<Model, Real> {
  abstract readonly role: Role;
  check(m: Readonly<Model>): boolean {
    return m.devices.length > 0;
  }
  /** Plays the step and updates the model; returns the devices whose records it touched. */
  protected abstract act(m: Model, r: Real, ctx: string): Promise<Set<number>>;
  async run(m: Model, r: Real): Promise<void> {
    r.t.clock.advance(60_000);
    m.step += 1;
    const ctx = `step ${m.step} ${this.toString()}`;
    currentStep.ctx = ctx;
    currentStep.name = this.constructor.name;
    const touched = await this.act(m, r, ctx);
    await checkAll(m, r, touched, this.role, ctx);
    // Each device after the step: status, + when sanitized, and its number of drives.
    if (trace) console.info(`${ctx} => ${m.devices.map((d) => `${d.status}${sanitized(m, d) ? '+' : '-'}${d.drives.length}`).join(' ')}`);
  }
  abstract toString(): string;
}

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;

/**
 * The device a step acts on, by index. A targeted step picks among the devices
 * where the model says the action can succeed (when there is one), so that
 * runs reach deep states; an untargeted one picks among all, refusals included.
 */
interface DevPick {
  i: number;
  targeted: boolean;
}
function choose(m: Model, p: DevPick, fits: (d: MDevice) => boolean): MDevice {
  const fitting = p.targeted ? m.devices.filter(fits) : [];
  return pick(fitting.length > 0 ? fitting : m.devices, p.i);
}
const showPick = (p: DevPick) => `dev ${p.i}${p.targeted ? '*' : ''}`;

class Intake extends Step {
  constructor(
    readonly category: Category,
    readonly kinds: Kind[],
    readonly role: Role,
  ) {
    super();
  }
  override check(m: Readonly<Model>) {
    return m.devices.length < MAX_DEVICES;
  }
  async act(m: Model, r: Real, ctx: string) {
    const n = ++m.seq;
    const drives = this.kinds.map((kind, i) => ({ serial: `DRV-${n}-${i}`, kind }));
    const res = await send(r, as(r, this.role), 'post', '/devices', {
      category: this.category,
      make: 'Lenovo',
      model: `Model ${n}`,
      serialNumber: `SN-${n}`,
      storage: drives.map((d) => ({ serialNumber: d.serial, kind: d.kind, capacityGb: 128 })),
    });
    if (!LIFECYCLE.includes(this.role)) {
      expectAnswer(res, { status: 403, code: 'auth.forbidden' }, ctx);
      return new Set<number>();
    }
    expectAnswer(res, { status: 201 }, ctx);
    const d: MDevice = {
      idx: m.devices.length,
      tag: (res.body['device'] as Body)['assetTag'] as string,
      category: this.category,
      status: 'received',
      cycle: 1,
      drives,
      noStorage: false,
      grade: null,
      events: [{ action: 'device.intake', from: null, to: 'received' }],
      openRepair: null,
      lastRepair: null,
      shipment: null,
      reused: false,
      holder: null,
      certSeen: null,
    };
    m.devices.push(d);
    m.audit += 1;
    return new Set([d.idx]);
  }
  toString() {
    return `Intake(${this.category}, [${this.kinds.join(',')}], ${this.role})`;
  }
}

class RegisterDrive extends Step {
  constructor(
    readonly dev: DevPick,
    readonly kind: Kind,
    readonly duplicate: boolean,
    readonly role: Role,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => refusal(m, d, 'register_storage') === null);
    const dup = this.duplicate && d.drives.length > 0;
    const serial = dup ? d.drives[0]!.serial : `DRV-${++m.seq}-L`;
    const res = await send(r, as(r, this.role), 'post', `/devices/${d.tag}/storage`, { serialNumber: serial, kind: this.kind, capacityGb: 64 });
    const refused = predict(m, d, 'register_storage', this.role) ?? (dup ? { status: 409, code: 'devices.duplicate_drive' } : null);
    if (refused) {
      expectAnswer(res, refused, ctx);
      return new Set([d.idx]);
    }
    expectAnswer(res, { status: 201 }, ctx);
    d.drives.push({ serial, kind: this.kind });
    d.noStorage = false;
    event(m, d, 'device.storage_registered', d.status === 'sanitized' || d.status === 'ready' ? 'received' : d.status);
    return new Set([d.idx]);
  }
  toString() {
    return `RegisterDrive(${showPick(this.dev)}, ${this.kind}${this.duplicate ? ', duplicate serial' : ''}, ${this.role})`;
  }
}

class Wipe extends Step {
  readonly role: Role = 'trainee';
  constructor(
    readonly dev: DevPick,
    readonly drive: number,
    readonly method: Method,
    readonly valid: boolean,
    readonly choice: number,
    readonly result: 'passed' | 'failed',
    readonly verification: 'full' | 'sample' | 'none',
    readonly technician: number,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => refusal(m, d, 'sanitize') === null && d.drives.some((dr) => driveFold(m, d, dr).state !== 'passed'));
    const unwiped = d.drives.filter((dr) => driveFold(m, d, dr).state !== 'passed');
    const drive = d.drives.length === 0 ? null : pick(this.dev.targeted && unwiped.length > 0 ? unwiped : d.drives, this.drive);
    const allowed = drive ? VALID_TECHNIQUES[drive.kind][this.method] : [];
    const technique = this.valid && allowed.length > 0 ? pick(allowed, this.choice) : pick(ALL_TECHNIQUES, this.choice);
    const res = await send(r, pick(r.trainees, this.technician), 'post', `/devices/${d.tag}/sanitizations`, {
      storageSerial: drive?.serial ?? 'NO-SUCH-DRIVE',
      method: this.method,
      technique,
      tool: 'nwipe',
      toolVersion: '0.37',
      verification: this.verification,
      result: this.result,
    });
    // A device without drives is refused as having no such drive, once its status would take a record.
    const byStatus = RULES.sanitize.from.includes(d.status) ? null : { status: 409, code: 'devices.invalid_transition' };
    if (byStatus || !drive) {
      expectAnswer(res, byStatus ?? { status: 409, code: 'sanitizations.unknown_drive' }, ctx);
      return new Set([d.idx]);
    }
    if (!allowed.includes(technique)) {
      // docs/domain.md §3: refused, naming the allowed techniques, and nothing changes.
      expectAnswer(res, { status: 409, code: 'sanitizations.technique_not_valid_for_media' }, ctx);
      expect([...(res.body['allowedTechniques'] as string[])].sort(), ctx).toEqual([...allowed].sort());
      return new Set([d.idx]);
    }
    expectAnswer(res, { status: 201 }, ctx);
    const sanitization = res.body['sanitization'] as { id: number; verificationId: number | null };
    expect(sanitization.id, `${ctx}: record ids grow`).toBeGreaterThan(maxRecordId(m));
    const reason = predictDraw(m, d.idx, drive.serial, this.technician % r.trainees.length, this.method, this.result);
    expect(sanitization.verificationId === null ? null : 'drawn', `${ctx}: drawn for verification (model: ${reason ?? 'not drawn'})`).toBe(reason === null ? null : 'drawn');
    const rec: MRecord = {
      id: sanitization.id,
      device: d.idx,
      serial: drive.serial,
      cycle: d.cycle,
      technician: this.technician % r.trainees.length,
      result: this.result,
      method: this.method,
      verification: null,
    };
    m.records.push(rec);
    reach(`a wipe drawn: ${reason ?? 'not drawn'}`);
    if (reason !== null) {
      rec.verification = { id: sanitization.verificationId!, record: rec, status: 'pending', reason, voidsThrough: null };
      m.verifications.push(rec.verification);
    }
    if (this.result === 'passed' && this.method !== 'destroy') {
      m.tally.passed += 1;
      if (reason !== null) m.tally.drawn += 1;
    }
    const to = d.status === 'received' && sanitized(m, d) ? 'sanitized' : d.status;
    event(m, d, 'device.sanitization_recorded', to, { recordId: rec.id, storageSerial: drive.serial, result: this.result, drawReason: reason });
    return new Set([d.idx]);
  }
  toString() {
    return `Wipe(${showPick(this.dev)}, drive ${this.drive}, ${this.method}, ${this.valid ? 'valid' : 'any'} technique #${this.choice}, ${this.result}, by wiper-${this.technician})`;
  }
}

class ConfirmNoStorage extends Step {
  constructor(
    readonly dev: DevPick,
    readonly role: Role,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => refusal(m, d, 'confirm_no_storage') === null);
    const res = await send(r, as(r, this.role), 'post', `/devices/${d.tag}/sanitizations`, { noStorage: true });
    const refused = predict(m, d, 'confirm_no_storage', this.role);
    if (refused) {
      expectAnswer(res, refused, ctx);
      return new Set([d.idx]);
    }
    expectAnswer(res, { status: 201 }, ctx);
    d.noStorage = true;
    event(m, d, 'device.no_storage_confirmed', d.status === 'received' ? 'sanitized' : d.status);
    return new Set([d.idx]);
  }
  toString() {
    return `ConfirmNoStorage(${showPick(this.dev)}, ${this.role})`;
  }
}

class Verify extends Step {
  readonly role: Role;
  constructor(
    readonly which: number,
    readonly preferPending: boolean,
    readonly result: 'passed' | 'failed',
    /** 0–2: a trainee technician; 3: the coordinator; 4: office staff (no lifecycle role: 403). */
    readonly verifier: number,
  ) {
    super();
    this.role = verifier === 3 ? 'coordinator' : verifier === 4 ? 'staff' : 'trainee';
  }
  override check(m: Readonly<Model>) {
    return m.verifications.length > 0;
  }
  async act(m: Model, r: Real, ctx: string) {
    // A pending check of a device already issued (or ready to be) first: its failure is what flags a recall.
    const pending = m.verifications.filter((v) => v.status === 'pending');
    const late = pending.filter((v) => ['issued', 'ready'].includes(m.devices[v.record.device]!.status));
    const v = this.preferPending ? pick(late.length > 0 ? late : pending.length > 0 ? pending : m.verifications, this.which) : pick(m.verifications, this.which);
    const token = this.verifier >= 3 ? as(r, this.role) : pick(r.trainees, this.verifier);
    const res = await send(r, token, 'post', `/sanitization-verifications/${v.id}`, { result: this.result });
    const d = m.devices[v.record.device]!;
    if (this.role === 'staff') {
      expectAnswer(res, { status: 403, code: 'auth.forbidden' }, ctx);
      return new Set([d.idx]);
    }
    if (v.status !== 'pending') {
      expectAnswer(res, { status: 409, code: 'verifications.already_done' }, ctx);
      return new Set([d.idx]);
    }
    if (this.role === 'trainee' && this.verifier === v.record.technician) {
      expectAnswer(res, { status: 409, code: 'verifications.same_person' }, ctx);
      return new Set([d.idx]);
    }
    expectAnswer(res, { status: 200 }, ctx);
    v.status = this.result;
    if (this.result === 'failed') v.voidsThrough = maxRecordId(m);
    // docs/domain.md §2: a failed check sends a sanitized or ready device back to received; others keep their status.
    const to = (d.status === 'sanitized' || d.status === 'ready') && !sanitized(m, d) ? 'received' : d.status;
    event(m, d, 'device.sanitization_verified', to, { verificationId: v.id, recordId: v.record.id, result: this.result });
    return new Set([d.idx]);
  }
  toString() {
    return `Verify(#${this.which}${this.preferPending ? ' pending' : ''}, ${this.result}, by ${this.role === 'trainee' ? `wiper-${this.verifier}` : this.role})`;
  }
}

/** A part line taken from another device (by index), or a plain part. */
function partLine(m: Model, source: number | null) {
  if (source === null) return { line: { name: 'RAM 8 GB', quantity: 1 }, source: null };
  const s = pick(m.devices, source);
  return { line: { name: 'Battery', quantity: 1, sourceAssetTag: s.tag }, source: s };
}

/** docs/domain.md §3 Repair: the source of a part is another device the workshop still holds. */
function partRefusal(d: MDevice, source: MDevice | null): { status: number; code: string } | null {
  if (source === null) return null;
  if (source.idx === d.idx) return { status: 409, code: 'repairs.source_is_repaired_device' };
  if (source.status === 'issued' || source.status === 'recycled' || source.status === 'written_off') return { status: 409, code: 'repairs.source_not_in_custody' };
  return null;
}

function harvest(m: Model, source: MDevice | null, receiving: MDevice, touched: Set<number>): void {
  if (source === null) return;
  reach(`a part harvested from a ${source.status} device`);
  event(m, source, 'device.part_harvested', source.status, { part: 'Battery', quantity: 1, receivingAssetTag: receiving.tag });
  touched.add(source.idx);
}

class OpenRepair extends Step {
  constructor(
    readonly dev: DevPick,
    readonly source: number | null,
    readonly role: Role,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => refusal(m, d, 'open_repair') === null);
    const part = partLine(m, this.source);
    const res = await send(r, as(r, this.role), 'post', `/devices/${d.tag}/repairs`, { description: 'hinge and battery', partsUsed: [part.line], minutes: 20 });
    const touched = new Set([d.idx]);
    if (part.source) touched.add(part.source.idx);
    const refused = predict(m, d, 'open_repair', this.role) ?? partRefusal(d, part.source);
    if (refused) {
      expectAnswer(res, refused, ctx);
      return touched;
    }
    expectAnswer(res, { status: 201 }, ctx);
    d.openRepair = (res.body['repair'] as Body)['id'] as number;
    event(m, d, 'device.repair_opened', 'in_repair');
    harvest(m, part.source, d, touched);
    return touched;
  }
  toString() {
    return `OpenRepair(${showPick(this.dev)}, part from ${this.source === null ? 'stock' : `dev ${this.source}`}, ${this.role})`;
  }
}

class CompleteRepair extends Step {
  constructor(
    readonly dev: DevPick,
    readonly outcome: 'fixed' | 'not_fixed' | 'parts_harvested',
    readonly source: number | null,
    readonly role: Role,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => d.status === 'in_repair');
    const part = partLine(m, this.source);
    const repairId = d.openRepair ?? d.lastRepair ?? 999_999;
    const res = await send(r, as(r, this.role), 'post', `/devices/${d.tag}/repairs/${repairId}/complete`, { outcome: this.outcome, partsUsed: [part.line], minutes: 15 });
    const touched = new Set([d.idx]);
    if (part.source) touched.add(part.source.idx);
    // The repair is looked up before the lifecycle is asked.
    let refused: { status: number; code: string } | null;
    if (!RULES.complete_repair.roles.includes(this.role)) refused = { status: 403, code: 'auth.forbidden' };
    else if (d.openRepair === null && d.lastRepair === null) refused = { status: 404, code: 'repairs.not_found' };
    else if (d.openRepair === null) refused = { status: 409, code: 'repairs.already_completed' };
    else refused = predict(m, d, 'complete_repair', this.role) ?? partRefusal(d, part.source);
    if (refused) {
      expectAnswer(res, refused, ctx);
      return touched;
    }
    expectAnswer(res, { status: 200 }, ctx);
    d.lastRepair = d.openRepair;
    d.openRepair = null;
    // docs/domain.md §2: parts_harvested → awaiting_recycling; otherwise sanitized, or received while a drive lacks a valid passing record.
    const to: Status = this.outcome === 'parts_harvested' ? 'awaiting_recycling' : sanitized(m, d) ? 'sanitized' : 'received';
    event(m, d, 'device.repair_completed', to, { outcome: this.outcome });
    harvest(m, part.source, d, touched);
    return touched;
  }
  toString() {
    return `CompleteRepair(${showPick(this.dev)}, ${this.outcome}, part from ${this.source === null ? 'stock' : `dev ${this.source}`}, ${this.role})`;
  }
}

class GradeStep extends Step {
  constructor(
    readonly dev: DevPick,
    readonly grade: Grade,
    readonly checklist: Checklist,
    readonly role: Role,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => refusal(m, d, 'grade') === null);
    const res = await send(r, as(r, this.role), 'post', `/devices/${d.tag}/grade`, { grade: this.grade, checklist: this.checklist });
    const refused = predict(m, d, 'grade', this.role);
    if (refused) {
      expectAnswer(res, refused, ctx);
      if (refused.code === 'devices.not_sanitized') expect(res.body['drives'], `${ctx}: drives at fault`).toEqual(faults(m, d));
      return new Set([d.idx]);
    }
    const against = contradictions(d.category, this.grade, this.checklist);
    if (against.length > 0) {
      expectAnswer(res, { status: 400, code: 'request.invalid' }, ctx);
      expect((res.body['errors'] as Array<{ field: string }>).map((e) => e.field).sort(), ctx).toEqual(against.map((a) => `body.checklist.${a}`).sort());
      return new Set([d.idx]);
    }
    expectAnswer(res, { status: 201 }, ctx);
    d.grade = this.grade;
    event(m, d, 'device.graded', this.grade === 'D' ? 'awaiting_recycling' : 'ready', { grade: this.grade, regrade: d.status === 'ready' });
    return new Set([d.idx]);
  }
  toString() {
    return `Grade(${showPick(this.dev)}, ${this.grade}, ${JSON.stringify(this.checklist)}, ${this.role})`;
  }
}

class Issue extends Step {
  constructor(
    readonly dev: DevPick,
    readonly participant: number,
    readonly loan: boolean,
    readonly override: boolean,
    readonly role: Role,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => refusal(m, d, 'issue') === null);
    const p = this.participant % r.participants.length;
    const res = await send(r, as(r, this.role), 'post', `/devices/${d.tag}/issue`, {
      participantCode: r.participants[p],
      kind: this.loan ? 'loan' : 'gift',
      ...(this.loan ? { dueDate: '2026-12-31' } : {}),
      agreementAccepted: true,
      ...(this.override ? { overrideReason: 'second_device_household' } : {}),
    });
    const refused = predict(m, d, 'issue', this.role) ?? (m.holdings[p]! > 0 && !this.override ? { status: 409, code: 'issuance.participant_has_device' } : null);
    if (refused) {
      expectAnswer(res, refused, ctx);
      // Invariant 1: the refusal names the drives at fault.
      if (refused.code === 'devices.not_sanitized') expect(res.body['drives'], `${ctx}: drives at fault`).toEqual(faults(m, d));
      return new Set([d.idx]);
    }
    expectAnswer(res, { status: 201 }, ctx);
    // Invariant 1: every drive had a counting passing record of this cycle whose check (if drawn) has not failed.
    for (const dr of d.drives) {
      const f = driveFold(m, d, dr);
      expect(f.state, `${ctx}: ${dr.serial} at issue`).toBe('passed');
      expect(f.verification, `${ctx}: ${dr.serial} check at issue`).not.toBe('failed');
    }
    expect((res.body['device'] as DeviceView).storage.map((s) => s.sanitizationState).filter((s) => s !== 'passed'), ctx).toEqual([]);
    m.holdings[p]! += 1;
    d.holder = p;
    d.reused = true;
    event(m, d, 'device.issued', 'issued', { participantCode: r.participants[p] });
    return new Set([d.idx]);
  }
  toString() {
    return `Issue(${showPick(this.dev)}, participant ${this.participant}, ${this.loan ? 'loan' : 'gift'}${this.override ? ', override' : ''}, ${this.role})`;
  }
}

class Return extends Step {
  constructor(
    readonly dev: DevPick,
    readonly role: Role,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => d.status === 'issued');
    const res = await send(r, as(r, this.role), 'post', `/devices/${d.tag}/return`, { condition: 'good', personalDataRemoved: true });
    const refused = predict(m, d, 'return', this.role);
    if (refused) {
      expectAnswer(res, refused, ctx);
      return new Set([d.idx]);
    }
    expectAnswer(res, { status: 200 }, ctx);
    m.holdings[d.holder!]! -= 1;
    d.holder = null;
    // docs/domain.md §3 Return: a new custody cycle; every drive must be sanitized again; the condition is unknown until graded again.
    event(m, d, 'device.returned', 'received');
    d.cycle += 1;
    d.noStorage = false;
    d.grade = null;
    d.certSeen = null;
    return new Set([d.idx]);
  }
  toString() {
    return `Return(${showPick(this.dev)}, ${this.role})`;
  }
}

class Recycle extends Step {
  constructor(
    readonly dev: DevPick,
    readonly role: Role,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => refusal(m, d, 'recycle') === null);
    const res = await send(r, as(r, this.role), 'post', `/devices/${d.tag}/recycle`, { reason: 'beyond repair' });
    const refused = predict(m, d, 'recycle', this.role);
    if (refused) {
      expectAnswer(res, refused, ctx);
      return new Set([d.idx]);
    }
    expectAnswer(res, { status: 200 }, ctx);
    event(m, d, 'device.designated_for_recycling', 'awaiting_recycling');
    return new Set([d.idx]);
  }
  toString() {
    return `Recycle(${showPick(this.dev)}, ${this.role})`;
  }
}

class WriteOff extends Step {
  constructor(
    readonly dev: DevPick,
    readonly role: Role,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => refusal(m, d, 'write_off') === null);
    const res = await send(r, as(r, this.role), 'post', `/devices/${d.tag}/write-off`, { reason: 'stolen from the bench' });
    const refused = predict(m, d, 'write_off', this.role);
    if (refused) {
      expectAnswer(res, refused, ctx);
      return new Set([d.idx]);
    }
    expectAnswer(res, { status: 200 }, ctx);
    event(m, d, 'device.written_off', 'written_off');
    return new Set([d.idx]);
  }
  toString() {
    return `WriteOff(${showPick(this.dev)}, ${this.role})`;
  }
}

class AddToShipment extends Step {
  constructor(
    readonly dev: DevPick,
    readonly fresh: boolean,
    readonly role: Role,
  ) {
    super();
  }
  async act(m: Model, r: Real, ctx: string) {
    const d = choose(m, this.dev, (d) => d.status === 'awaiting_recycling' && d.shipment === null);
    let open = m.shipments.filter((s) => s.status === 'open').at(-1);
    if (!SHIPPERS.includes(this.role)) {
      const res = await send(r, as(r, this.role), 'post', `/shipments/${open?.id ?? 1}/devices`, { assetTag: d.tag });
      expectAnswer(res, { status: 403, code: 'auth.forbidden' }, ctx);
      return new Set([d.idx]);
    }
    if (!open || this.fresh) {
      const created = await send(r, as(r, this.role), 'post', '/shipments', { recyclerId: r.recyclerId, mode: 'sealift' });
      expectAnswer(created, { status: 201 }, `${ctx}: new shipment`);
      open = { id: (created.body['shipment'] as Body)['id'] as number, status: 'open', devices: [], shippedAt: null };
      m.shipments.push(open);
      m.audit += 1;
    }
    const res = await send(r, as(r, this.role), 'post', `/shipments/${open.id}/devices`, { assetTag: d.tag });
    // Invariant 2 at the scan: awaiting recycling, and sanitized or holding no storage.
    let refused: { status: number; code: string } | null = null;
    if (d.status !== 'awaiting_recycling') refused = { status: 409, code: 'devices.invalid_transition' };
    else if (!sanitized(m, d)) refused = { status: 409, code: 'shipments.device_not_sanitized' };
    else if (d.shipment !== null) refused = { status: 409, code: 'shipments.device_already_added' };
    if (refused) {
      expectAnswer(res, refused, ctx);
      return new Set([d.idx]);
    }
    expectAnswer(res, { status: 201 }, ctx);
    d.shipment = open.id;
    open.devices.push(d.idx);
    m.audit += 1;
    return new Set([d.idx]);
  }
  toString() {
    return `AddToShipment(${showPick(this.dev)}${this.fresh ? ', new shipment' : ''}, ${this.role})`;
  }
}

class Ship extends Step {
  constructor(
    readonly which: number,
    readonly role: Role,
  ) {
    super();
  }
  override check(m: Readonly<Model>) {
    return m.shipments.some((s) => s.status === 'open');
  }
  async act(m: Model, r: Real, ctx: string) {
    const open = m.shipments.filter((x) => x.status === 'open');
    const loaded = open.filter((x) => x.devices.length > 0);
    const s = pick(this.which % 4 !== 3 && loaded.length > 0 ? loaded : open, this.which);
    const res = await send(r, as(r, this.role), 'post', `/shipments/${s.id}/ship`, {});
    const touched = new Set(s.devices);
    if (!SHIPPERS.includes(this.role)) {
      expectAnswer(res, { status: 403, code: 'auth.forbidden' }, ctx);
      return touched;
    }
    if (s.devices.length === 0) {
      expectAnswer(res, { status: 409, code: 'shipments.empty' }, ctx);
      return touched;
    }
    // Invariant 2 at the door: the first device (in scan order) that is not sanitized, or no longer awaiting recycling, stops the shipment.
    for (const idx of s.devices) {
      const d = m.devices[idx]!;
      const refused = !sanitized(m, d) ? 'shipments.device_not_sanitized' : d.status !== 'awaiting_recycling' ? 'devices.invalid_transition' : null;
      if (refused) {
        expectAnswer(res, { status: 409, code: refused }, ctx);
        return touched;
      }
    }
    expectAnswer(res, { status: 200 }, ctx);
    for (const idx of s.devices) {
      const d = m.devices[idx]!;
      expect(sanitized(m, d) || (d.drives.length === 0 && d.noStorage), `${ctx}: ${d.tag} leaves sanitized`).toBe(true);
      event(m, d, 'device.shipped', 'recycled', { shipmentId: s.id });
    }
    s.status = 'shipped';
    s.shippedAt = r.t.clock.now().toISOString();
    m.audit += 1;
    return touched;
  }
  toString() {
    return `Ship(open shipment #${this.which}${this.which % 4 !== 3 ? ' with devices' : ''}, ${this.role})`;
  }
}

const DAY = 86_400_000;
/** The date on the workshop's calendar (America/Iqaluit, the default SITE_TIMEZONE), which receipt dates are checked on (docs/domain.md §6). */
const dayOf = (iso: string, plusDays = 0) => siteDate(new Date(Date.parse(iso) + plusDays * DAY), 'America/Iqaluit');

class ConfirmShipment extends Step {
  constructor(
    readonly which: number,
    /** 0: the day before it left, 1: the day it left, 2: today, 3: tomorrow. */
    readonly date: number,
    readonly role: Role,
  ) {
    super();
  }
  override check(m: Readonly<Model>) {
    return m.shipments.length > 0;
  }
  async act(m: Model, r: Real, ctx: string) {
    const shipped = m.shipments.filter((x) => x.status === 'shipped');
    const s = pick(this.which % 4 !== 3 && shipped.length > 0 ? shipped : m.shipments, this.which);
    const now = r.t.clock.now().toISOString();
    const left = s.shippedAt ?? now;
    const receivedAt = [dayOf(left, -1), dayOf(left), dayOf(now), dayOf(now, 1)][this.date % 4]!;
    const res = await send(r, as(r, this.role), 'post', `/shipments/${s.id}/confirm`, { certificateNumber: `CERT-${s.id}`, receivedAt, receivedWeightGrams: 12_000 });
    const touched = new Set(s.devices);
    let refused: { status: number; code: string } | null = null;
    if (!SHIPPERS.includes(this.role)) refused = { status: 403, code: 'auth.forbidden' };
    else if (s.status === 'open') refused = { status: 409, code: 'shipments.not_shipped' };
    else if (s.status === 'confirmed') refused = { status: 409, code: 'shipments.frozen' };
    // docs/domain.md §6: receivedAt is not before shippedAt's day nor after today, on the workshop's calendar.
    else if (receivedAt < dayOf(left) || receivedAt > dayOf(now)) refused = { status: 400, code: 'request.invalid' };
    if (refused) {
      expectAnswer(res, refused, ctx);
      return touched;
    }
    expectAnswer(res, { status: 200 }, ctx);
    s.status = 'confirmed';
    m.audit += 1;
    return touched;
  }
  toString() {
    return `ConfirmShipment(#${this.which}${this.which % 4 !== 3 ? ' shipped' : ''}, ${['day before it left', 'day it left', 'today', 'tomorrow'][this.date % 4]}, ${this.role})`;
  }
}

class TimePasses extends Step {
  readonly role: Role = 'staff';
  constructor(readonly hours: number) {
    super();
  }
  override check() {
    return true;
  }
  async act(_m: Model, r: Real) {
    r.t.clock.advance(this.hours * 3_600_000);
    return new Set<number>();
  }
  toString() {
    return `TimePasses(${this.hours} h)`;
  }
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

const dev: fc.Arbitrary<DevPick> = fc.record({ i: fc.nat({ max: 15 }), targeted: fc.constantFrom(true, true, true, true, true, false) });
const kind = fc.constantFrom<Kind>(...KINDS);
const lifecycleRole = fc.constantFrom<Role>('trainee', 'trainee', 'trainee', 'coordinator', 'coordinator', 'admin', 'staff');
const coordinationRole = fc.constantFrom<Role>('coordinator', 'coordinator', 'coordinator', 'admin', 'admin', 'trainee');
const shipperRole = fc.constantFrom<Role>('coordinator', 'coordinator', 'staff', 'staff', 'admin', 'trainee');
const source = fc.option(fc.nat({ max: 15 }), { freq: 2 });
const checklist: fc.Arbitrary<Checklist> = fc.record(
  {
    powersOn: fc.boolean(),
    screen: fc.boolean(),
    keyboard: fc.boolean(),
    batteryHealthPercent: fc.constantFrom(45, 79, 80, 95),
  },
  { requiredKeys: [] },
);

const wipe = fc
  .record({
    dev,
    drive: fc.nat({ max: 3 }),
    method: fc.constantFrom<Method>(...METHODS),
    // Mostly a technique the table allows for the drive; otherwise any technique (often refused).
    valid: fc.constantFrom(true, true, true, true, false),
    choice: fc.nat({ max: 9 }),
    result: fc.constantFrom<'passed' | 'failed'>('passed', 'passed', 'passed', 'passed', 'failed'),
    verification: fc.constantFrom<'full' | 'sample' | 'none'>('full', 'sample', 'none'),
    technician: fc.nat({ max: 2 }),
  })
  .map((w) => new Wipe(w.dev, w.drive, w.method, w.valid, w.choice, w.result, w.verification, w.technician));

const intake = (role: fc.Arbitrary<Role>) =>
  fc
    .record({
      category: fc.constantFrom<Category>('laptop', 'laptop', 'desktop', 'tablet'),
      kinds: fc.constantFrom(0, 1, 1, 2, 2).chain((n) => fc.array(kind, { minLength: n, maxLength: n })),
      role,
    })
    .map((x) => new Intake(x.category, x.kinds, x.role));

/** Devices taken in before the random steps, so that few steps are skipped for want of a device. */
const initialIntakes = fc.array(intake(fc.constantFrom<Role>('trainee', 'coordinator')), { minLength: 1, maxLength: 2 });

const verify = (result: fc.Arbitrary<'passed' | 'failed'>, preferPending: fc.Arbitrary<boolean>) =>
  fc.record({ which: fc.nat({ max: 20 }), preferPending, result, verifier: fc.constantFrom(0, 1, 2, 0, 1, 2, 3, 4) }).map((x) => new Verify(x.which, x.preferPending, x.result, x.verifier));

/** Every action, weighted so that a run of a few dozen steps takes devices deep into the lifecycle (issued, recalled, returned, shipped). */
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: intake(lifecycleRole) },
  { weight: 2, arbitrary: fc.record({ dev, kind, duplicate: fc.boolean(), role: lifecycleRole }).map((x) => new RegisterDrive(x.dev, x.kind, x.duplicate && x.dev.i % 3 === 0, x.role)) },
  { weight: 18, arbitrary: wipe },
  { weight: 3, arbitrary: fc.record({ dev, role: lifecycleRole }).map((x) => new ConfirmNoStorage(x.dev, x.role)) },
  { weight: 4, arbitrary: verify(fc.constantFrom<'passed' | 'failed'>('passed', 'failed'), fc.constantFrom(true, true, true, false)) },
  { weight: 3, arbitrary: verify(fc.constant<'passed' | 'failed'>('failed'), fc.constant(true)) },
  { weight: 4, arbitrary: fc.record({ dev, source, role: lifecycleRole }).map((x) => new OpenRepair(x.dev, x.source, x.role)) },
  {
    weight: 5,
    arbitrary: fc
      .record({ dev, outcome: fc.constantFrom<'fixed' | 'not_fixed' | 'parts_harvested'>('fixed', 'not_fixed', 'parts_harvested'), source, role: lifecycleRole })
      .map((x) => new CompleteRepair(x.dev, x.outcome, x.source, x.role)),
  },
  { weight: 5, arbitrary: fc.record({ dev, grade: fc.constantFrom<Grade>('A', 'B', 'C', 'D'), checklist, role: lifecycleRole }).map((x) => new GradeStep(x.dev, x.grade, x.checklist, x.role)) },
  { weight: 7, arbitrary: fc.record({ dev, grade: fc.constantFrom<Grade>('A', 'B', 'C'), role: lifecycleRole }).map((x) => new GradeStep(x.dev, x.grade, { powersOn: true }, x.role)) },
  {
    weight: 10,
    arbitrary: fc
      .record({ dev, participant: fc.nat({ max: 2 }), loan: fc.boolean(), override: fc.boolean(), role: coordinationRole })
      .map((x) => new Issue(x.dev, x.participant, x.loan, x.override, x.role)),
  },
  { weight: 6, arbitrary: fc.record({ dev, role: coordinationRole }).map((x) => new Return(x.dev, x.role)) },
  { weight: 2, arbitrary: fc.record({ dev, role: coordinationRole }).map((x) => new Recycle(x.dev, x.role)) },
  { weight: 5, arbitrary: fc.record({ dev, fresh: fc.constantFrom(false, false, false, false, false, false, false, true), role: shipperRole }).map((x) => new AddToShipment(x.dev, x.fresh, x.role)) },
  { weight: 4, arbitrary: fc.record({ which: fc.nat({ max: 7 }), role: shipperRole }).map((x) => new Ship(x.which, x.role)) },
  { weight: 4, arbitrary: fc.record({ which: fc.nat({ max: 7 }), date: fc.nat({ max: 3 }), role: shipperRole }).map((x) => new ConfirmShipment(x.which, x.date, x.role)) },
  { weight: 1, arbitrary: fc.record({ dev, role: fc.constantFrom<Role>('admin', 'admin', 'coordinator') }).map((x) => new WriteOff(x.dev, x.role)) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 30 }).map((h) => new TimePasses(h)) },
);

// ---------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------

/**
 * Few but long runs: a device needs a dozen steps to be wiped, graded, issued,
 * recalled, returned and shipped, so long sequences find more than many short
 * ones for the same time (about 12 s on two idle cores).
 */
const numRuns = Number(env['LIFECYCLE_RUNS'] ?? 12);
const maxCommands = Number(env['LIFECYCLE_COMMANDS'] ?? 80);
const seed = env['LIFECYCLE_SEED'] === undefined ? Date.now() ^ (Math.random() * 0x1_0000_0000) : Number(env['LIFECYCLE_SEED']);
const path = env['LIFECYCLE_PATH'];
/** The hint fc.commands prints as replayPath="…" next to the counterexample: with it, a replay runs only the commands of the counterexample. */
const replayPath = env['LIFECYCLE_REPLAY'];
const timeoutMs = Number(env['LIFECYCLE_TIMEOUT_MS'] ?? 120_000);
/** No new run (and no more shrinking) after this: 45 s in the suite, so that a loaded machine runs fewer runs instead of timing out. */
const interruptMs = env['LIFECYCLE_TIMEOUT_MS'] === undefined ? 45_000 : timeoutMs - 30_000;

describe('the device lifecycle against a model of docs/domain.md', () => {
  it(
    'agrees with the model after every step of random sequences of every action',
    async () => {
      const started = Date.now();
      const property = fc.asyncProperty(initialIntakes, fc.commands([step], { maxCommands, size: 'max', ...(replayPath ? { replayPath } : {}) }), async (initial, cmds) => {
        const { model, real } = await setUp();
        try {
          for (const intakeStep of initial) await intakeStep.run(model, real);
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          // At the end of each run, every device once more (its history and certificate too).
          await checkAll(model, real, new Set(model.devices.map((d) => d.idx)), 'admin', 'end of run');
        } finally {
          await real.t.close();
        }
      });
      const result = await fc.check(property, {
        numRuns,
        seed,
        ...(path ? { path, endOnFailure: true } : {}),
        // On a loaded machine, stop starting runs (and stop shrinking a failure: each try replays a whole run on a
        // new app) well before the test's timeout, so that the seed and the counterexample so far are always reported.
        plugins: [fc.interruptAfterTimeLimit(interruptMs)],
      });
      if (result.failed) {
        const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
        const report = fc.defaultReportMessage(result) ?? '';
        const hint = /replayPath="([^"]*)"/.exec(report)?.[1];
        throw new Error(
          `${report}\n\nFailure: ${cause}\n\nReplay: LIFECYCLE_SEED=${result.seed} LIFECYCLE_PATH=${result.counterexamplePath ?? ''}` +
            `${hint ? ` LIFECYCLE_REPLAY='${hint}'` : ''} LIFECYCLE_RUNS=${numRuns} LIFECYCLE_COMMANDS=${maxCommands} npx vitest run test/modules/lifecycle-model.test.ts -t 'random sequences'`,
        );
      }
      if (trace || env['LIFECYCLE_COVERAGE']) {
        console.info(`lifecycle model: ${result.numRuns} of ${numRuns} runs of up to ${maxCommands} commands, seed ${seed}, ${Date.now() - started} ms`);
        console.info([...coverage].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${String(n).padStart(5)} ${k}`).join('\n'));
      }
    },
    timeoutMs,
  );
});

/**
 * Sequences the model found where the service disagreed with the rules,
 * replayed step by step through the same model and checks, so that each stays
 * a deterministic test, not only a random find. Each step must be possible in
 * the model (its check holds).
 */
async function replay(steps: readonly Step[]): Promise<void> {
  const { model, real } = await setUp();
  try {
    for (const step of steps) {
      expect(step.check(model), `${step.toString()} is possible here`).toBe(true);
      await step.run(model, real);
    }
  } finally {
    await real.t.close();
  }
}

const first: DevPick = { i: 0, targeted: true };

describe('disagreements between the service and the rules that the model found', () => {
  it('a failed check of a wipe from an earlier custody cycle sends the device back to received: the drive must be wiped again (docs/domain.md §2)', async () => {
    // The first passing logical wipe is drawn (top-up) and its check stays pending while the laptop
    // is issued, returned and wiped again; the check then fails. It found the drive as it was after
    // the second wipe too, so per docs/domain.md §2 that drive must be wiped again: the device goes back to received.
    await replay([
      new Intake('laptop', ['hdd'], 'trainee'),
      new Wipe(first, 0, 'clear', true, 0, 'passed', 'full', 0),
      new GradeStep(first, 'A', {}, 'trainee'),
      new Issue(first, 0, false, false, 'coordinator'),
      new Return(first, 'coordinator'),
      new Wipe(first, 0, 'clear', true, 0, 'passed', 'full', 0),
      new Verify(0, true, 'failed', 1),
    ]);
  });

  it('after 20 passing logical wipes at least ⌈5 % × 21⌉ = 2 are drawn (docs/domain.md §3)', async () => {
    const hdds: Kind[] = Array.from({ length: 20 }, () => 'hdd');
    await replay([new Intake('desktop', hdds, 'trainee'), ...hdds.map((_, i) => new Wipe(first, i, 'clear', true, 0, 'passed', 'full', 0))]);
  });
});
