/**
 * Lookup and scan throughput of the full service against a bare Fastify +
 * better-sqlite3 baseline measured in the same run, printed as ratios.
 *
 *   npm run bench:scan                     (defaults)
 *   npm run bench:scan -- --devices 20000 --seconds 10 --connections 10
 *
 * Targets (issue: lifecycle): lookups >= 0.4 and scans >= 0.5 of the baseline.
 * The machine is shared and noisy: compare ratios, not absolute numbers.
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

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
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
  await services.users.bootstrapAdmin(PASSWORD);
  const admin = { id: 1, username: 'admin', displayName: 'Administrator', role: 'admin' as const };
  const tags: string[] = [];
  for (let i = 0; i < N; i++) {
    const device = services.devices.intake(admin, {
      category: 'laptop',
      make: 'Lenovo',
      model: 'ThinkPad T480',
      serialNumber: `BENCH-${i}`,
      storage: [{ serialNumber: `DRIVE-${i}`, kind: 'ssd', capacityGb: 256 }],
    });
    tags.push(device.assetTag);
  }
  closeDatabase(db);
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

function start(script: string, dbPath: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'bench', script), dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, make: () => { method: 'GET' | 'POST'; path: string; body?: string }, headers: Record<string, string>): Promise<Figures> {
  const result = await autocannon({
    url,
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
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const tags = await seedApp();
seedBaseline(tags);
const app = await start('app-server.ts', appDb);
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

  // Warm up both, then measure: baseline first, the service second, for each operation.
  await load(`http://127.0.0.1:${base.port}`, () => ({ method: 'GET', path: `/devices/${pick()}` }), json);
  await load(`http://127.0.0.1:${app.port}`, () => ({ method: 'GET', path: `/api/v1/devices/${pick()}` }), auth);

  // Interleaved rounds, medians: the machine is shared, so one run of each proves little.
  const runs: Record<'lookupBase' | 'lookupApp' | 'scanBase' | 'scanApp', Figures[]> = { lookupBase: [], lookupApp: [], scanBase: [], scanApp: [] };
  for (let r = 0; r < ROUNDS; r++) {
    runs.lookupBase.push(await load(`http://127.0.0.1:${base.port}`, () => ({ method: 'GET', path: `/devices/${pick()}` }), json));
    runs.lookupApp.push(await load(`http://127.0.0.1:${app.port}`, () => ({ method: 'GET', path: `/api/v1/devices/${pick()}` }), auth));
    runs.scanBase.push(await load(`http://127.0.0.1:${base.port}`, () => ({ method: 'POST', path: '/scans', body: scanBody() }), json));
    runs.scanApp.push(await load(`http://127.0.0.1:${app.port}`, () => ({ method: 'POST', path: '/api/v1/scans', body: scanBody() }), auth));
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = (fs: Figures[]): Figures => ({
    rps: median(fs.map((f) => f.rps)),
    p50: median(fs.map((f) => f.p50)),
    p99: median(fs.map((f) => f.p99)),
    errors: fs.reduce((n, f) => n + f.errors, 0),
  });
  const lookupBase = summary(runs.lookupBase);
  const lookupApp = summary(runs.lookupApp);
  const scanBase = summary(runs.scanBase);
  const scanApp = summary(runs.scanApp);

  const row = (name: string, f: Figures) => `${name.padEnd(28)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms   errors ${f.errors}`;
  const lookupRatio = lookupApp.rps / lookupBase.rps;
  const scanRatio = scanApp.rps / scanBase.rps;
  process.stdout.write(
    [
      `devices: ${N}, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections, node ${process.version}, ${os.cpus().length} cores (medians)`,
      row('baseline GET /devices/:tag', lookupBase),
      row('service GET /devices/:tag', lookupApp),
      row('baseline POST /scans', scanBase),
      row('service POST /scans', scanApp),
      `lookup ratio ${lookupRatio.toFixed(2)} (target >= 0.40: ${lookupRatio >= 0.4 ? 'met' : 'MISSED'})`,
      `scan ratio   ${scanRatio.toFixed(2)} (target >= 0.50: ${scanRatio >= 0.5 ? 'met' : 'MISSED'})`,
      '',
    ].join('\n'),
  );
  if (lookupApp.errors + scanApp.errors > 0) process.exitCode = 1;
} finally {
  app.child.kill('SIGTERM');
  base.child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
