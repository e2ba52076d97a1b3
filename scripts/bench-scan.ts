/**
 * Lookup and scan throughput of the full service against a bare Fastify +
 * better-sqlite3 baseline measured in the same run, printed as ratios.
 *
 *   npm run bench:scan                     (defaults)
 *   npm run bench:scan -- --devices 20000 --seconds 10 --connections 10
 *
 * Targets: lookups >= 0.6 of the baseline at LOG_LEVEL=warn and >= 0.5 at info
 * (request logging on); durable scans >= 0.5. Beside req/s it prints each
 * server's CPU time per request: the machine is shared and throughput swings,
 * so compare ratios and CPU time, not absolute req/s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, openDatabase } from '../src/core/db.js';
import { createServices } from '../src/container.js';
import { seedLaptops } from './bench/seed.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    // Lookups only: a quicker run while profiling.
    'lookups-only': { type: 'boolean', default: false },
  },
});
const N = Number(values.devices);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const PASSWORD = 'bench-password-123';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-bench-'));
const appDb = path.join(dir, 'app.db');
const baseDb = path.join(dir, 'baseline.db');

async function seedApp(): Promise<string[]> {
  const db = openDatabase({ path: appDb });
  // Seeding only: durability is restored before the servers start.
  db.$client.pragma('synchronous = OFF');
  const services = createServices({ db, clock: systemClock, config: loadConfig({}) });
  const tags = await seedLaptops(services, PASSWORD, N);
  await closeDatabase(db);
  return tags;
}

function seedBaseline(tags: string[]): void {
  const db = new Database(baseDb);
  db.pragma('journal_mode = WAL');
  db.exec(`create table devices (id integer primary key, asset_tag text not null unique, category text, make text, model text,
             serial_number text, status text, weight_grams integer, version integer);
           create table scans (id integer primary key, code text not null, station text, server_time text not null);`);
  const insert = db.prepare('insert into devices (asset_tag, category, make, model, serial_number, status, weight_grams, version) values (?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => tags.forEach((t, i) => insert.run(t, 'laptop', 'Lenovo', 'ThinkPad T480', `BENCH-${i}`, 'received', 2300, 1)))();
  db.close();
}

/** A server on a free port with its output sent nowhere; it reports its port and CPU time over IPC. */
function start(script: string, dbPath: string, env: Record<string, string> = {}): Promise<Server> {
  return new Promise((resolve, reject) => {
    const devNull = fs.openSync('/dev/null', 'w');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'bench', script), dbPath], {
      stdio: ['ignore', devNull, 'inherit', 'ipc'],
      env: { ...process.env, ...env },
    });
    fs.closeSync(devNull);
    const waiting: ((cpu: NodeJS.CpuUsage) => void)[] = [];
    child.on('message', (m: { port?: number; cpu?: NodeJS.CpuUsage }) => {
      if (m.port !== undefined) resolve({ child, port: m.port, cpu: () => new Promise((r) => (waiting.push(r), child.send('cpu'))) });
      if (m.cpu) waiting.shift()?.(m.cpu);
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

interface Server {
  child: ChildProcess;
  port: number;
  /** The server's own CPU time so far (user + system, µs). */
  cpu: () => Promise<NodeJS.CpuUsage>;
}

interface Figures {
  rps: number;
  /** Server CPU time (user + system) per answered request, µs. */
  cpuUs: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(server: Server, make: () => { method: 'GET' | 'POST'; path: string; body?: string }, headers: Record<string, string>): Promise<Figures> {
  const before = await server.cpu();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    requests: [
      {
        setupRequest: (req) => {
          const r = make();
          return { ...req, method: r.method, path: r.path, ...(r.body === undefined ? {} : { body: r.body }) };
        },
      },
    ],
  });
  const after = await server.cpu();
  const cpuUs = (after.user - before.user + after.system - before.system) / Math.max(1, result.requests.total);
  return { rps: result.requests.average, cpuUs, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const tags = await seedApp();
seedBaseline(tags);
// The service twice on the same file: at warn (no request logging) and at info, the production default.
const app = await start('app-server.ts', appDb, { BENCH_LOG_LEVEL: 'warn' });
const appInfo = await start('app-server.ts', appDb, { BENCH_LOG_LEVEL: 'info' });
const base = await start('baseline-server.ts', baseDb);
try {
  const login = await fetch(`http://127.0.0.1:${app.port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const json = { 'content-type': 'application/json' };
  const pick = () => tags[Math.floor(Math.random() * tags.length)]!;
  let station = 0;
  const scanBody = () => JSON.stringify({ code: pick(), station: `bench-${station++ % 4}` });
  const baseLookup = () => ({ method: 'GET' as const, path: `/devices/${pick()}` });
  const appLookup = () => ({ method: 'GET' as const, path: `/api/v1/devices/${pick()}` });
  const baseScan = () => ({ method: 'POST' as const, path: '/scans', body: scanBody() });
  const appScan = () => ({ method: 'POST' as const, path: '/api/v1/scans', body: scanBody() });

  // Warm up all three, then measure.
  await load(base, baseLookup, json);
  await load(app, appLookup, auth);
  await load(appInfo, appLookup, auth);

  // Interleaved rounds, medians: the machine is shared, so one run of each proves little.
  type Run = 'lookupBase' | 'lookupWarn' | 'lookupInfo' | 'scanBase' | 'scanWarn' | 'scanInfo';
  const runs: Record<Run, Figures[]> = { lookupBase: [], lookupWarn: [], lookupInfo: [], scanBase: [], scanWarn: [], scanInfo: [] };
  for (let r = 0; r < ROUNDS; r++) {
    runs.lookupBase.push(await load(base, baseLookup, json));
    runs.lookupWarn.push(await load(app, appLookup, auth));
    runs.lookupInfo.push(await load(appInfo, appLookup, auth));
    if (values['lookups-only']) continue;
    runs.scanBase.push(await load(base, baseScan, json));
    runs.scanWarn.push(await load(app, appScan, auth));
    runs.scanInfo.push(await load(appInfo, appScan, auth));
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = (fs: Figures[]): Figures => ({
    rps: median(fs.map((f) => f.rps)),
    cpuUs: median(fs.map((f) => f.cpuUs)),
    p50: median(fs.map((f) => f.p50)),
    p99: median(fs.map((f) => f.p99)),
    errors: fs.reduce((n, f) => n + f.errors, 0),
  });
  const none: Figures = { rps: NaN, cpuUs: NaN, p50: NaN, p99: NaN, errors: 0 };
  const s = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.length ? summary(v) : none])) as Record<Run, Figures>;

  const row = (name: string, f: Figures) =>
    `${name.padEnd(34)} ${f.rps.toFixed(0).padStart(7)} req/s  ${f.cpuUs.toFixed(0).padStart(5)} µs CPU/req   p50 ${String(f.p50).padStart(3)} ms   p99 ${String(f.p99).padStart(4)} ms   errors ${f.errors}`;
  // The ratio of throughputs, and the same ratio from server CPU time per request (steadier on a shared machine).
  const ratio = (name: string, app: Figures, bare: Figures, target: number) => {
    const r = app.rps / bare.rps;
    const c = bare.cpuUs / app.cpuUs;
    return `${name.padEnd(22)} ${r.toFixed(2)} by req/s, ${c.toFixed(2)} by CPU/req (target >= ${target.toFixed(2)}: ${r >= target ? 'met' : 'MISSED'})`;
  };
  process.stdout.write(
    [
      `devices: ${N}, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections, node ${process.version}, ${os.cpus().length} cores (medians)`,
      row('baseline GET /devices/:tag', s.lookupBase),
      row('service GET /devices/:tag (warn)', s.lookupWarn),
      row('service GET /devices/:tag (info)', s.lookupInfo),
      row('baseline POST /scans', s.scanBase),
      row('service POST /scans (warn)', s.scanWarn),
      row('service POST /scans (info)', s.scanInfo),
      ratio('lookup ratio (warn)', s.lookupWarn, s.lookupBase, 0.6),
      ratio('lookup ratio (info)', s.lookupInfo, s.lookupBase, 0.5),
      ratio('scan ratio (warn)', s.scanWarn, s.scanBase, 0.5),
      ratio('scan ratio (info)', s.scanInfo, s.scanBase, 0.5),
      '',
    ].join('\n'),
  );
  if (s.lookupWarn.errors + s.lookupInfo.errors + s.scanWarn.errors + s.scanInfo.errors > 0) process.exitCode = 1;
} finally {
  app.child.kill('SIGTERM');
  appInfo.child.kill('SIGTERM');
  base.child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
