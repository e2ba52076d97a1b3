/**
 * Crash drill on PostgreSQL: two real server processes on one fresh database,
 * concurrent clients spread over both doing intakes and scans with
 * Idempotency-Keys; in each round one instance is SIGKILLed at a random
 * moment while the other keeps serving, then the killed one is restarted.
 * Then proves: every acknowledged write is in the database, the audit chain
 * verifies on both instances with the number of events the history should
 * hold, and replaying every request that was sent, with its key, to either
 * instance leaves exactly one effect each. Also races a request against its
 * replay on the other instance, and drills a graceful stop (SIGTERM with
 * requests in flight).
 *
 *   npm run drill:crash:pg                            (4 rounds, 4 clients)
 *   npm run drill:crash:pg -- --rounds 10 --clients 6 --keep
 *
 * The database is `rl_drill_crash_<pid>_<random>` on DRILL_DATABASE_URL's
 * server (default postgres://postgres@127.0.0.1:5432/postgres), dropped at the
 * end unless --keep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '4' },
    clients: { type: 'string', default: '4' },
    races: { type: 'string', default: '20' },
    seed: { type: 'string', default: String(Date.now() % 100000) },
    keep: { type: 'boolean', default: false },
    // The graceful stop with keep-alive clients: fails until the service closes connections that go idle during a stop.
  },
});
const ROUNDS = Number(values.rounds);
const CLIENTS = Math.max(2, Number(values.clients));
const RACES = Number(values.races);
let seed = Number(values.seed);
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const ROOT = path.resolve(import.meta.dirname, '..');
const PASSWORD = 'crash-drill-password';
const ADMIN_URL = process.env.DRILL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = `rl_drill_crash_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
  } catch (err) {
    const u = new URL(ADMIN_URL);
    u.password = '';
    throw new Error(`PostgreSQL does not answer at ${u.toString()} (DRILL_DATABASE_URL): ${(err as Error).message}. Start it (Debian: pg_ctlcluster 15 main start; see docs/postgresql.md).`, { cause: err });
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

interface Instance {
  name: 'A' | 'B';
  port: number;
  child: ChildProcess | null;
}

async function startServer(instance: Instance): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(instance.port), DATABASE_URL: dbUrl, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: process.env.DRILL_LOG_LEVEL ?? 'error', RATE_LIMIT_PER_MINUTE: '0' },
    stdio: ['ignore', process.env.DRILL_SERVER_OUTPUT ? 'inherit' : 'ignore', 'inherit'],
  });
  instance.child = child;
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`instance ${instance.name} exited with ${child.exitCode} while starting`);
    try {
      const r = await fetch(`http://127.0.0.1:${instance.port}/readyz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`instance ${instance.name} did not become ready in 20 s`);
}

/** Resolves with the exit code, also when the child has already exited. */
function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

interface Sent {
  key: string;
  path: string;
  body: Record<string, unknown>;
}
const sent: Sent[] = [];
const ackedIntakes = new Set<string>();
const ackedScans = new Set<string>();
const failures: string[] = [];
let seq = 0;
let token = '';

async function post(instance: Instance, s: Sent): Promise<Response> {
  return fetch(`http://127.0.0.1:${instance.port}/api/v1${s.path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': s.key },
    body: JSON.stringify(s.body),
  });
}

const intakeOf = (n: number, prefix = 'CRASH'): Sent => ({
  key: `intake-${n}`,
  path: '/devices',
  body: { category: 'laptop', make: 'Lenovo', model: 'T480', serialNumber: `${prefix}-${n}`, storage: [{ serialNumber: `${prefix}-D-${n}`, kind: 'ssd' }] },
});

/**
 * One client on one instance until told to stop or its instance dies (a
 * connection error). An HTTP answer that is not the expected 2xx came from a
 * live server and is a violation.
 */
async function client(instance: Instance, stop: { now: boolean }, afterKill: { acks: number; killed: boolean }): Promise<void> {
  while (!stop.now) {
    const n = seq++;
    const intake = intakeOf(n);
    sent.push(intake);
    let r: Response;
    try {
      r = await post(instance, intake);
    } catch {
      return; // the instance died under us
    }
    if (r.status !== 201) {
      failures.push(`instance ${instance.name} answered ${r.status} to ${intake.key}: ${await r.text()}`);
      return;
    }
    const tag = ((await r.json()) as { device: { assetTag: string } }).device.assetTag;
    ackedIntakes.add(`CRASH-${n}`);
    if (afterKill.killed) afterKill.acks += 1;
    const scan: Sent = { key: `scan-${n}`, path: '/scans', body: { code: tag, station: `drill-${n}` } };
    sent.push(scan);
    try {
      r = await post(instance, scan);
    } catch {
      return;
    }
    if (r.status !== 200) {
      failures.push(`instance ${instance.name} answered ${r.status} to ${scan.key}: ${await r.text()}`);
      return;
    }
    ackedScans.add(`drill-${n}`);
    if (afterKill.killed) afterKill.acks += 1;
  }
}

async function verifyOn(instance: Instance): Promise<{ ok: boolean; events: number; brokenAt?: unknown }> {
  const r = await fetch(`http://127.0.0.1:${instance.port}/api/v1/audit/verify`, { headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`GET /audit/verify on ${instance.name} answered ${r.status}: ${await r.text()}`);
  return (await r.json()) as { ok: boolean; events: number };
}

const t0 = Date.now();
await admin((c) => c.query(`create database "${DB_NAME}"`));
const A: Instance = { name: 'A', port: await freePort(), child: null };
const B: Instance = { name: 'B', port: await freePort(), child: null };
const instances = [A, B];
const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
// An idle connection ended by the server (the drop below, a restart) is not the drill's failure.
pool.on('error', () => undefined);
let passed = false;
try {
  // A first: it migrates and creates the admin; B then starts on the migrated database (two started
  // at once on an empty database both create the admin, and one exits with users.username_taken).
  await startServer(A);
  await startServer(B);
  const login = await fetch(`http://127.0.0.1:${A.port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  token = ((await login.json()) as { token: string }).token;

  // Calibration, on B: how many history events one intake and one scan write.
  const events0 = (await verifyOn(B)).events;
  const cal = intakeOf(0, 'CAL');
  cal.key = 'calibrate-intake';
  const calR = await post(B, cal);
  if (calR.status !== 201) throw new Error(`calibration intake answered ${calR.status}`);
  const calTag = ((await calR.json()) as { device: { assetTag: string } }).device.assetTag;
  const events1 = (await verifyOn(B)).events;
  const calScan = await post(B, { key: 'calibrate-scan', path: '/scans', body: { code: calTag, station: 'calibrate' } });
  if (calScan.status !== 200) throw new Error(`calibration scan answered ${calScan.status}`);
  const events2 = (await verifyOn(B)).events;
  const perIntake = events1 - events0;
  const perScan = events2 - events1;

  let survivorAcks = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const stop = { now: false };
    const afterKill = { acks: 0, killed: false };
    const workers = Array.from({ length: CLIENTS }, (_, i) => client(instances[i % 2]!, stop, afterKill));
    await new Promise((r) => setTimeout(r, 300 + random() * 1200));
    const victim = random() < 0.5 ? A : B;
    const survivor = victim === A ? B : A;
    afterKill.killed = true;
    victim.child!.kill('SIGKILL');
    // The survivor keeps serving its clients (and must not stall on the dead one's locks).
    await new Promise((r) => setTimeout(r, 800));
    stop.now = true;
    await Promise.allSettled(workers);
    await exited(victim.child!);
    if (afterKill.acks === 0) failures.push(`round ${round}: instance ${survivor.name} acknowledged nothing in the 800 ms after ${victim.name} was killed`);
    survivorAcks += afterKill.acks;
    process.stdout.write(`round ${round}: killed ${victim.name}; ${survivor.name} acknowledged ${afterKill.acks} writes after the kill; ${ackedIntakes.size} intakes, ${ackedScans.size} scans acknowledged so far\n`);
    await startServer(victim);
  }

  // Replay everything that was sent, with its key, to either instance: each must have exactly one effect.
  let replayed = 0;
  let unknown = 0;
  let applied = 0;
  for (const s of sent) {
    const r = await post(random() < 0.5 ? A : B, s);
    if (r.headers.get('idempotent-replayed') === 'true') replayed += 1;
    else if (r.status === 409 && ((await r.json()) as { code: string }).code === 'idempotency.outcome_unknown') unknown += 1;
    else if (r.status >= 300) failures.push(`replay of ${s.key} answered ${r.status}`);
    else applied += 1;
  }

  // A request and its replay sent at once, one to each instance: the in-flight guard is per process,
  // so the database (the advisory lock, the key's primary key, the serial's uniqueness) must decide.
  const raceAnswers = new Map<string, number>();
  const raceSerials: string[] = [];
  for (let i = 0; i < RACES; i++) {
    const n = seq++;
    const s = intakeOf(n, 'RACE');
    s.key = `race-${n}`;
    raceSerials.push(`RACE-${n}`);
    const answers = await Promise.all(
      [A, B].map(async (inst) => {
        const r = await post(inst, s);
        const body = (await r.json()) as { code?: string };
        return r.headers.get('idempotent-replayed') === 'true' ? `${r.status} replayed` : r.status >= 300 ? `${r.status} ${body.code ?? ''}` : `${r.status}`;
      }),
    );
    for (const a of answers) raceAnswers.set(a, (raceAnswers.get(a) ?? 0) + 1);
    if (!answers.some((a) => a === '201')) failures.push(`race ${s.key}: no first answer among ${answers.join(', ')}`);
    if (answers.some((a) => a.startsWith('5'))) failures.push(`race ${s.key}: answered ${answers.join(', ')}`);
  }

  // Graceful stop of A: SIGTERM while requests are in flight on keep-alive connections; every
  // acknowledged one must be kept, and the stop must not wait for the clients to hang up
  // (a connection that goes idle after the stop began is closed by the service).
  const inflight: Array<Promise<string | null>> = [];
  const termAnswers = new Map<string, number>();
  const noteTerm = (a: string) => termAnswers.set(a, (termAnswers.get(a) ?? 0) + 1);
  for (let i = 0; i < 30; i++) {
    const n = seq++;
    const s: Sent = { key: `term-${n}`, path: '/devices', body: { category: 'tablet', make: 'Apple', model: 'iPad', serialNumber: `TERM-${n}`, storage: [] } };
    inflight.push(
      post(A, s)
        .then((r) => (noteTerm(String(r.status)), r.status === 201 ? `TERM-${n}` : null))
        .catch((err: Error) => (noteTerm((err.cause as Error | undefined)?.message ?? err.message), null)),
    );
  }
  await new Promise((r) => setTimeout(r, 25));
  const tStop = Date.now();
  A.child!.kill('SIGTERM');
  const code = await exited(A.child!);
  const stopMs = Date.now() - tStop;
  const termAcked = (await Promise.all(inflight)).filter((x): x is string => x !== null);
  if (code !== 0) failures.push(`graceful stop of A exited with ${code}`);
  if (stopMs > 12_000) failures.push(`graceful stop of A took ${stopMs} ms`);
  await startServer(A);

  // The checks, on the database itself and through both instances.
  const serials = new Set((await pool.query<{ s: string }>('select serial_number as s from devices')).rows.map((r) => r.s));
  for (const s of [...ackedIntakes, ...termAcked]) if (!serials.has(s)) failures.push(`acknowledged intake ${s} is missing`);
  const intakesSent = sent.filter((s) => s.path === '/devices').length;
  const devicesFromDrill = [...serials].filter((s) => s.startsWith('CRASH-')).length;
  if (devicesFromDrill !== intakesSent) failures.push(`${intakesSent} intakes sent, ${devicesFromDrill} devices after replay`);
  const raceDevices = [...serials].filter((s) => s.startsWith('RACE-')).length;
  if (raceDevices !== RACES) failures.push(`${RACES} raced intakes, ${raceDevices} devices`);
  const termDevices = [...serials].filter((s) => s.startsWith('TERM-')).length;
  if (termDevices < termAcked.length) failures.push(`${termAcked.length} in-flight intakes acknowledged, ${termDevices} kept`);
  const scanCounts = (await pool.query<{ station: string; n: number }>("select station, count(*)::int as n from scans where station like 'drill-%' group by station")).rows;
  const scansSent = sent.filter((s) => s.path === '/scans').length;
  if (scanCounts.length !== scansSent) failures.push(`${scansSent} scans sent, ${scanCounts.length} recorded after replay`);
  for (const c of scanCounts) if (c.n !== 1) failures.push(`scan ${c.station} recorded ${c.n} times`);
  for (const s of ackedScans) if (!scanCounts.some((c) => c.station === s)) failures.push(`acknowledged scan ${s} is missing`);
  const intakeKeys = (await pool.query<{ n: number }>("select count(*)::int as n from idempotency_keys where route = 'POST /api/v1/devices' and key like 'intake-%'")).rows[0]!.n;
  if (intakeKeys !== intakesSent) failures.push(`${intakesSent} intake keys sent, ${intakeKeys} stored`);

  const chainA = await verifyOn(A);
  const chainB = await verifyOn(B);
  const stored = (await pool.query<{ n: number }>('select count(*)::int as n from audit_events')).rows[0]!.n;
  const expected = events2 + perIntake * (devicesFromDrill + raceDevices + termDevices) + perScan * scanCounts.length;
  for (const [name, chain] of [['A', chainA], ['B', chainB]] as const) {
    if (!chain.ok) failures.push(`audit chain on ${name} broken at ${JSON.stringify(chain.brokenAt)}`);
    if (chain.events !== stored) failures.push(`audit verify on ${name} counted ${chain.events} events, the table holds ${stored}`);
  }
  if (stored !== expected) failures.push(`the history holds ${stored} events, expected ${expected} (${perIntake} per intake, ${perScan} per scan)`);

  process.stdout.write(
    [
      `rounds ${ROUNDS}, clients ${CLIENTS} over 2 instances, seed ${values.seed}, database ${DB_NAME}${values.keep ? ' (kept)' : ''}`,
      `sent ${sent.length} requests (${intakesSent} intakes, ${scansSent} scans); acknowledged ${ackedIntakes.size} intakes and ${ackedScans.size} scans, ${survivorAcks} of those by the survivor after a kill`,
      `replay to either instance: ${replayed} answered from the stored response, ${unknown} applied-but-response-lost (409), ${applied} applied once now`,
      `race of a request and its replay on the other instance (${RACES} pairs): ${[...raceAnswers].map(([a, n]) => `${n}× ${a}`).join(', ')}; ${raceDevices} devices`,
      `graceful stop of A: exit ${code} in ${stopMs} ms, ${termAcked.length}/30 in-flight intakes acknowledged and kept (answers: ${[...termAnswers].map(([a, n]) => `${n}× ${a}`).join(', ')})`,
      `audit chain: A ${chainA.ok ? 'ok' : 'BROKEN'} (${chainA.events} events), B ${chainB.ok ? 'ok' : 'BROKEN'} (${chainB.events} events); expected ${expected} (${perIntake} per intake, ${perScan} per scan)`,
      `${((Date.now() - t0) / 1000).toFixed(1)} s`,
      failures.length === 0 ? 'drill passed' : `drill FAILED:\n  ${failures.slice(0, 20).join('\n  ')}`,
      '',
    ].join('\n'),
  );
  passed = failures.length === 0;
} catch (err) {
  process.stderr.write(`drill FAILED: ${err instanceof Error ? err.stack : String(err)}\n`);
} finally {
  for (const i of instances) if (i.child && i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
  await Promise.all(instances.flatMap((i) => (i.child ? [exited(i.child)] : [])));
  await pool.end();
  if (!values.keep) {
    // end() resolves before the pool's sockets close: wait for the database's backends to go,
    // so that the forced drop does not kill a connection this process is still closing.
    await admin(async (c) => {
      for (let waited = 0; waited < 5000; waited += 50) {
        const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [DB_NAME]);
        if (rows[0]!.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await c.query(`drop database if exists "${DB_NAME}" with (force)`);
    });
  }
}
process.exitCode = passed ? 0 : 1;
