/**
 * Where a lookup's CPU time goes: the full service under a lookup load
 * (`GET /devices/{tag}`), profiled with `node --cpu-prof`, and the profile's
 * self time summed by function and by where the code lives.
 *
 *   npx tsx scripts/bench-profile.ts                              (warn, 10 s)
 *   npx tsx scripts/bench-profile.ts --level info --seconds 20 --top 40
 *
 * `--out <dir>` keeps the .cpuprofile there, for Chrome DevTools. `--postgres` profiles the
 * service on PostgreSQL instead: a throwaway database on BENCH_DATABASE_URL's server (default
 * postgres://postgres@127.0.0.1:5432/postgres), dropped at the end.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, openDatabase, openPostgres } from '../src/core/db.js';
import { createServices } from '../src/container.js';
import { seedLaptops } from './bench/seed.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    level: { type: 'string', default: 'warn' },
    top: { type: 'string', default: '30' },
    out: { type: 'string' },
    postgres: { type: 'boolean', default: false },
  },
});
const PASSWORD = 'bench-password-123';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-profile-'));
const profDir = values.out ?? dir;
const dbPath = path.join(dir, 'app.db');

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pgName = `rl_profile_${process.pid}`;
const pgUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${pgName}` }).toString();
async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}
if (values.postgres) await admin(`create database "${pgName}"`);
const db = values.postgres ? await openPostgres({ url: pgUrl, poolSize: 4 }) : openDatabase({ path: dbPath });
if (!values.postgres) db.$client.pragma('synchronous = OFF');
const services = createServices({ db, clock: systemClock, config: loadConfig({}) });
const tags = await seedLaptops(services, PASSWORD, Number(values.devices));
await closeDatabase(db);

const devNull = fs.openSync('/dev/null', 'w');
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, '--import', 'tsx', path.join(import.meta.dirname, 'bench', 'app-server.ts'), values.postgres ? pgUrl : dbPath], {
  stdio: ['ignore', devNull, 'inherit', 'ipc'],
  env: { ...process.env, BENCH_LOG_LEVEL: values.level },
});
fs.closeSync(devNull);
const port = await new Promise<number>((resolve) => child.on('message', (m: { port?: number }) => m.port !== undefined && resolve(m.port)));
const exited = new Promise((resolve) => child.on('exit', resolve));

const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'admin', password: PASSWORD }),
});
const { token } = (await login.json()) as { token: string };
// Samples are counted only while the load runs: V8 stamps them with the monotonic clock that hrtime reads, in µs.
const loadFrom = Number(process.hrtime.bigint() / 1000n);
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections: Number(values.connections),
  duration: Number(values.seconds),
  headers: { authorization: `Bearer ${token}` },
  requests: [{ setupRequest: (req) => ({ ...req, method: 'GET', path: `/api/v1/devices/${tags[Math.floor(Math.random() * tags.length)]!}` }) }],
});
const loadTo = Number(process.hrtime.bigint() / 1000n);
child.kill('SIGTERM');
await exited;
if (values.postgres) await admin(`drop database "${pgName}" with (force)`);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
// The main thread's profile (thread 0) of this server (its pid); the loader's and workers' threads write their own.
const file = path.join(profDir, fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(child.pid) && f.split('.')[4] === '0')!);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (at >= loadFrom && at <= loadTo) self.set(id, (self.get(id) ?? 0) + delta);
});
const requests = result.requests.total;
const where = (url: string) => {
  if (!url) return '(native / V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node core';
  const s = /\/src\/(.*)$/.exec(url);
  return s ? `src/${s[1]}` : url;
};
const fns = new Map<string, number>();
const places = new Map<string, number>();
let total = 0;
let idle = 0;
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const name = n.callFrame.functionName || '(anonymous)';
  if (name === '(idle)') {
    idle += us;
    continue;
  }
  total += us;
  const key = `${name}  ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const place = where(n.callFrame.url);
  places.set(place, (places.get(place) ?? 0) + us);
}
const line = (k: string, us: number) => `${(us / requests).toFixed(2).padStart(7)} µs/req  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`;
const top = Number(values.top);
process.stdout.write(
  [
    `${requests} lookups on ${values.postgres ? 'PostgreSQL' : 'SQLite'} at ${values.level}, ${result.requests.average.toFixed(0)} req/s; main thread busy ${(total / requests).toFixed(1)} µs, idle ${(idle / requests).toFixed(1)} µs per lookup (samples taken while the load ran)`,
    values.out ? `profile: ${file}` : 'profile: not kept (--out <dir> keeps it)',
    '',
    'self time by place:',
    ...[...places].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => line(k, v)),
    '',
    'self time by function:',
    ...[...fns].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => line(k, v)),
    '',
  ].join('\n'),
);
if (!values.out) fs.rmSync(dir, { recursive: true, force: true });
