/**
 * Lookup throughput on PostgreSQL: the full service (`tsx src/main.ts` with
 * DATABASE_URL, LOG_LEVEL=warn) against a bare Fastify + node-postgres
 * baseline (scripts/bench/baseline-pg-server.ts) on the same database,
 * measured in the same run and printed as ratios against the target 0.5.
 *
 *   npm run bench:pg                              (defaults)
 *   npm run bench:pg -- --devices 5000 --seconds 10 --rounds 5 --keep
 *
 * The database (`rl_drill_bench_<pid>_<random>` on BENCH_DATABASE_URL's server,
 * default postgres://postgres@127.0.0.1:5432/postgres) is seeded through the
 * service's own code (the first admin, then one intake per device with one
 * drive), and dropped at the end unless --keep. Beside req/s it prints each
 * server process's CPU time per request, and the CPU time of the PostgreSQL
 * backends serving it, with the transactions each request cost them (read from
 * pg_stat_database): the machine is shared and throughput swings, so compare
 * ratios and CPU time, not absolute req/s. A missed target is reported, not
 * failed; an error answer fails the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, openPostgres } from '../src/core/db.js';
import { createServices } from '../src/container.js';
import { seedLaptops } from './bench/seed.js';
import { freePort } from './free-port.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(values.devices);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const TARGET = 0.5;
const PASSWORD = 'bench-password-123';
const ROOT = path.resolve(import.meta.dirname, '..');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = `rl_drill_bench_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICK_US = 10_000;

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
  } catch (err) {
    const u = new URL(ADMIN_URL);
    u.password = '';
    throw new Error(`PostgreSQL does not answer at ${u.toString()} (BENCH_DATABASE_URL): ${(err as Error).message}. Start it (Debian: pg_ctlcluster 15 main start; see docs/postgresql.md).`, { cause: err });
  }
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

async function seed(): Promise<string[]> {
  const db = await openPostgres({ url: dbUrl, poolSize: 4 });
  try {
    const services = createServices({ db, clock: systemClock, config: loadConfig({}) });
    const tags = await seedLaptops(services, PASSWORD, N);
    return tags;
  } finally {
    await closeDatabase(db);
  }
}

interface Server {
  name: string;
  child: ChildProcess;
  port: number;
}

async function start(name: string, args: string[], port: number, env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The baseline picks its own port and says it; the service is given one.
  const said = new Promise<number>((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  const chosen = port || (await Promise.race([said, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`${name} did not start`)), 20_000))]));
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} while starting`);
    try {
      const r = await fetch(`http://127.0.0.1:${chosen}${port ? '/readyz' : '/devices/none'}`);
      if (r.ok || r.status === 404) return { name, child, port: chosen };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not become ready in 20 s`);
}

/** User + system CPU time of one process so far, µs (/proc/<pid>/stat fields 14 and 15). */
function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return 0; // exited
  }
}

const probe = new pg.Pool({ connectionString: dbUrl, max: 1 });
// An idle connection ended by the server (the drop at the end) is not the benchmark's failure.
probe.on('error', () => undefined);
/** CPU time of every backend connected to the bench database, by pid. */
async function backendCpu(): Promise<Map<number, number>> {
  const { rows } = await probe.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  return new Map(rows.map((r) => [r.pid, cpuOf(r.pid)]));
}
/** Transactions committed in the bench database (each statement outside a transaction is one). */
async function transactions(): Promise<number> {
  await probe.query('select pg_stat_clear_snapshot()');
  const { rows } = await probe.query<{ n: string }>('select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()');
  return Number(rows[0]!.n);
}

interface Figures {
  rps: number;
  /** Server process CPU time (user + system) per answered request, µs. */
  cpuUs: number;
  /** CPU time of the PostgreSQL backends serving it, per request, µs. */
  pgCpuUs: number;
  /** Transactions per request on the server (statements run outside a transaction each count one). */
  xacts: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(server: Server, pathOf: () => string, headers: Record<string, string>): Promise<Figures> {
  const before = cpuOf(server.child.pid!);
  const pgBefore = await backendCpu();
  const xBefore = await transactions();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, method: 'GET', path: pathOf() }) }],
  });
  const after = cpuOf(server.child.pid!);
  const pgAfter = await backendCpu();
  // The server's statistics reach pg_stat_database within a second of a backend going idle.
  await new Promise((r) => setTimeout(r, 1100));
  const xAfter = await transactions();
  let pgUs = 0;
  for (const [pid, us] of pgAfter) pgUs += us - (pgBefore.get(pid) ?? 0);
  const total = Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    cpuUs: (after - before) / total,
    pgCpuUs: pgUs / total,
    // Less the probe's own two reads.
    xacts: (xAfter - xBefore - 2) / total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const servers: Server[] = [];
let failed = false;
await admin(`create database "${DB_NAME}"`);
try {
  const t0 = Date.now();
  // Migrates the new database too (openPostgres applies migrations/pg).
  const tags = await seed();
  const seededS = (Date.now() - t0) / 1000;
  process.stdout.write(`seeded ${N} devices in ${seededS.toFixed(1)} s\n`);
  const base = await start('baseline', [path.join(ROOT, 'scripts/bench/baseline-pg-server.ts'), dbUrl], 0, {});
  servers.push(base);
  const appPort = await freePort();
  const app = await start('service', [path.join(ROOT, 'src/main.ts')], appPort, { PORT: String(appPort), DATABASE_URL: dbUrl, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0' });
  servers.push(app);
  const login = await fetch(`http://127.0.0.1:${app.port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  if (!login.ok) throw new Error(`login answered ${login.status}`);
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const pick = () => tags[Math.floor(Math.random() * tags.length)]!;
  const baseLookup = () => `/devices/${pick()}`;
  const appLookup = () => `/api/v1/devices/${pick()}`;

  // Both answer the same device, and answers of similar size.
  const tag = tags[0]!;
  const baseBody = await (await fetch(`http://127.0.0.1:${base.port}/devices/${tag}`)).text();
  const appAnswer = await fetch(`http://127.0.0.1:${app.port}/api/v1/devices/${tag}`, { headers: auth });
  const appBody = await appAnswer.text();
  if (!appAnswer.ok || !appBody.includes('DRIVE-0') || !baseBody.includes('DRIVE-0')) throw new Error(`lookups disagree: ${baseBody.slice(0, 200)} / ${appBody.slice(0, 200)}`);

  // Warm up both, then interleaved rounds, medians: the machine is shared, so one run of each proves little.
  await load(base, baseLookup, {});
  await load(app, appLookup, auth);
  const runs: Record<'base' | 'app', Figures[]> = { base: [], app: [] };
  for (let r = 0; r < ROUNDS; r++) {
    runs.base.push(await load(base, baseLookup, {}));
    runs.app.push(await load(app, appLookup, auth));
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = (fs: Figures[]): Figures => ({
    rps: median(fs.map((f) => f.rps)),
    cpuUs: median(fs.map((f) => f.cpuUs)),
    pgCpuUs: median(fs.map((f) => f.pgCpuUs)),
    xacts: median(fs.map((f) => f.xacts)),
    p50: median(fs.map((f) => f.p50)),
    p99: median(fs.map((f) => f.p99)),
    errors: fs.reduce((n, f) => n + f.errors, 0),
  });
  const b = summary(runs.base);
  const a = summary(runs.app);
  const row = (name: string, f: Figures) =>
    `${name.padEnd(34)} ${f.rps.toFixed(0).padStart(6)} req/s  ${f.cpuUs.toFixed(0).padStart(5)} µs CPU/req  PostgreSQL ${f.pgCpuUs.toFixed(0).padStart(4)} µs CPU/req, ${f.xacts.toFixed(1)} xacts/req   p50 ${String(f.p50).padStart(3)} ms   p99 ${String(f.p99).padStart(4)} ms   errors ${f.errors}`;
  const byRps = a.rps / b.rps;
  const byCpu = b.cpuUs / a.cpuUs;
  const byAllCpu = (b.cpuUs + b.pgCpuUs) / (a.cpuUs + a.pgCpuUs);
  process.stdout.write(
    [
      `PostgreSQL lookups: ${N} devices seeded through the service in ${seededS.toFixed(0)} s; ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections, node ${process.version}, ${os.cpus().length} cores (medians)`,
      `answer sizes: baseline ${Buffer.byteLength(baseBody)} bytes, service ${Buffer.byteLength(appBody)} bytes`,
      row('baseline GET /devices/:tag', b),
      row('service GET /devices/:tag (warn)', a),
      `lookup ratio (warn)   ${byRps.toFixed(2)} by req/s, ${byCpu.toFixed(2)} by server CPU/req, ${byAllCpu.toFixed(2)} by server + PostgreSQL CPU/req (target >= ${TARGET.toFixed(2)} by req/s: ${byRps >= TARGET ? 'met' : 'MISSED'})`,
      '',
    ].join('\n'),
  );
  if (a.errors + b.errors > 0) {
    process.stderr.write(`bench:pg FAILED: ${a.errors} error answers from the service, ${b.errors} from the baseline\n`);
    failed = true;
  }
} catch (err) {
  process.stderr.write(`bench:pg FAILED: ${err instanceof Error ? err.stack : String(err)}\n`);
  failed = true;
} finally {
  for (const s of servers) s.child.kill('SIGTERM');
  await Promise.all(servers.map((s) => (s.child.exitCode === null && s.child.signalCode === null ? new Promise((r) => s.child.once('exit', r)) : Promise.resolve())));
  await probe.end();
  if (!values.keep) await admin(`drop database if exists "${DB_NAME}" with (force)`);
}
process.exitCode = failed ? 1 : 0;
