/**
 * Crash drill: the real server on a file database, concurrent clients doing
 * intakes and scans with Idempotency-Keys, SIGKILL at random moments, restart
 * on the same file. Then proves: every acknowledged write is there,
 * PRAGMA integrity_check is ok, the audit chain verifies, and replaying every
 * request that was sent, with its key, leaves exactly one effect each.
 * Also drills a graceful stop: SIGTERM with requests in flight.
 *
 *   npm run drill:crash                       (5 rounds)
 *   npm run drill:crash -- --rounds 20 --clients 6
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { closeDatabase, integrityCheck, openDatabase } from '../src/core/db.js';
import { createAuditService } from '../src/modules/audit/audit.service.js';
import { freePort } from './free-port.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '4' },
    seed: { type: 'string', default: String(Date.now() % 100000) },
  },
});
const ROUNDS = Number(values.rounds);
const CLIENTS = Number(values.clients);
let seed = Number(values.seed);
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const ROOT = path.resolve(import.meta.dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-crash-'));
const dbPath = path.join(dir, 'crash.db');
const PASSWORD = 'crash-drill-password';

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATABASE_PATH: dbPath, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not start');
}

interface Sent {
  key: string;
  path: string;
  body: Record<string, unknown>;
}
const sent: Sent[] = [];
const ackedIntakes = new Set<string>();
const ackedScans = new Set<string>();
let seq = 0;

/** Resolves with the exit code, also when the child has already exited. */
function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function post(port: number, token: string, s: Sent): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/v1${s.path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': s.key },
    body: JSON.stringify(s.body),
  });
}

async function client(port: number, token: string, stop: { now: boolean }): Promise<void> {
  while (!stop.now) {
    const n = seq++;
    const intake: Sent = { key: `intake-${n}`, path: '/devices', body: { category: 'laptop', make: 'Lenovo', model: 'T480', serialNumber: `CRASH-${n}`, storage: [{ serialNumber: `CRASH-D-${n}`, kind: 'ssd' }] } };
    sent.push(intake);
    let tag: string;
    try {
      const r = await post(port, token, intake);
      if (r.status !== 201) throw new Error(`intake ${r.status}`);
      tag = ((await r.json()) as { device: { assetTag: string } }).device.assetTag;
      ackedIntakes.add(`CRASH-${n}`);
    } catch {
      return; // the server died under us
    }
    const scan: Sent = { key: `scan-${n}`, path: '/scans', body: { code: tag, station: `drill-${n}` } };
    sent.push(scan);
    try {
      const r = await post(port, token, scan);
      if (r.status !== 200) throw new Error(`scan ${r.status}`);
      ackedScans.add(`drill-${n}`);
    } catch {
      return;
    }
  }
}

async function login(port: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  return ((await r.json()) as { token: string }).token;
}

const failures: string[] = [];
const port = await freePort();
let token = '';
for (let round = 1; round <= ROUNDS; round++) {
  const server = await startServer(port);
  token ||= await login(port);
  const stop = { now: false };
  const workers = Array.from({ length: CLIENTS }, () => client(port, token, stop));
  await new Promise((r) => setTimeout(r, 300 + random() * 1500));
  server.kill('SIGKILL');
  stop.now = true;
  await Promise.allSettled(workers);
  await exited(server);
  process.stdout.write(`round ${round}: killed after ${ackedIntakes.size} acknowledged intakes, ${ackedScans.size} scans\n`);
}

// Replay everything that was sent, with its key: each must have exactly one effect.
const server = await startServer(port);
let replayed = 0;
let unknown = 0;
for (const s of sent) {
  const r = await post(port, token, s);
  if (r.headers.get('idempotent-replayed') === 'true') replayed += 1;
  else if (r.status === 409 && ((await r.json()) as { code: string }).code === 'idempotency.outcome_unknown') unknown += 1;
  else if (r.status >= 300) failures.push(`replay of ${s.key} answered ${r.status}`);
}

// Graceful stop: SIGTERM while requests are in flight; every acknowledged one must be kept.
const inflight: Array<Promise<string | null>> = [];
for (let i = 0; i < 30; i++) {
  const n = seq++;
  const s: Sent = { key: `term-${n}`, path: '/devices', body: { category: 'tablet', make: 'Apple', model: 'iPad', serialNumber: `TERM-${n}`, storage: [] } };
  inflight.push(
    post(port, token, s)
      .then((r) => (r.status === 201 ? `TERM-${n}` : null))
      .catch(() => null),
  );
}
// Let the requests reach the server, so that some are in flight when the signal lands.
await new Promise((r) => setTimeout(r, 25));
const t0 = Date.now();
server.kill('SIGTERM');
const code = await exited(server);
const stopMs = Date.now() - t0;
const termAcked = (await Promise.all(inflight)).filter((x): x is string => x !== null);
if (code !== 0) failures.push(`graceful stop exited with ${code}`);
if (stopMs > 12_000) failures.push(`graceful stop took ${stopMs} ms`);
if (fs.existsSync(`${dbPath}-wal`) && fs.statSync(`${dbPath}-wal`).size > 0) failures.push('WAL not checkpointed on graceful stop');

// The checks, on the file itself.
const db = openDatabase({ path: dbPath });
const integrity = integrityCheck(db);
if (integrity !== 'ok') failures.push(`integrity_check: ${integrity}`);
const chain = await createAuditService({ db }).verify();
if (!chain.ok) failures.push(`audit chain broken at ${JSON.stringify(chain.brokenAt)}`);
const serials = new Set((db.$client.prepare('select serial_number as s from devices').all() as Array<{ s: string }>).map((r) => r.s));
for (const s of [...ackedIntakes, ...termAcked]) if (!serials.has(s)) failures.push(`acknowledged intake ${s} is missing`);
const intakesSent = sent.filter((s) => s.path === '/devices').length;
const devicesFromDrill = [...serials].filter((s) => s.startsWith('CRASH-')).length;
if (devicesFromDrill !== intakesSent) failures.push(`${intakesSent} intakes sent, ${devicesFromDrill} devices after replay`);
const scanCounts = db.$client.prepare("select station, count(*) as n from scans where station like 'drill-%' group by station").all() as Array<{ station: string; n: number }>;
const scansSent = sent.filter((s) => s.path === '/scans').length;
if (scanCounts.length !== scansSent) failures.push(`${scansSent} scans sent, ${scanCounts.length} recorded after replay`);
for (const c of scanCounts) if (c.n !== 1) failures.push(`scan ${c.station} recorded ${c.n} times`);
for (const s of ackedScans) if (!scanCounts.some((c) => c.station === s)) failures.push(`acknowledged scan ${s} is missing`);
await closeDatabase(db);
fs.rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  [
    `rounds ${ROUNDS}, clients ${CLIENTS}, seed ${values.seed}`,
    `sent ${sent.length} requests (${intakesSent} intakes, ${scansSent} scans); acknowledged ${ackedIntakes.size} intakes and ${ackedScans.size} scans`,
    `replay: ${replayed} answered from the stored response, ${unknown} applied-but-response-lost (409), the rest applied once now`,
    `graceful stop: exit ${code} in ${stopMs} ms, ${termAcked.length}/30 in-flight intakes acknowledged and kept`,
    `integrity ${integrity}; audit chain ${chain.ok ? `ok (${chain.events} events)` : 'BROKEN'}`,
    failures.length === 0 ? 'drill passed' : `drill FAILED:\n  ${failures.slice(0, 20).join('\n  ')}`,
    '',
  ].join('\n'),
);
process.exitCode = failures.length === 0 ? 0 : 1;
