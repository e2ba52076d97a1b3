/**
 * A workshop's load on a large database: scan stations scanning, a lookup
 * screen, a coordinator issuing laptops and a report export running, all at
 * once; then lookups and durable scans alone against a bare Fastify +
 * better-sqlite3 baseline on the same data, measured in the same run.
 *
 *   npm run bench:load                                   (100,000 devices; the fill takes minutes)
 *   npm run bench:load -- --db /tmp/bench.db --seconds 20
 *
 * Targets: no errors; lookups >= 0.6 of the baseline at LOG_LEVEL=warn (the
 * level the service runs at here; the >= 0.5 at info is measured by
 * bench:scan) and durable scans >= 0.5.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { closeDatabase, openDatabase } from '../src/core/db.js';
import { fillDemo } from './demo-data.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '100000' },
    db: { type: 'string' },
    seconds: { type: 'string', default: '15' },
    stations: { type: 'string', default: '4' },
  },
});
const SECONDS = Number(values.seconds);
const STATIONS = Number(values.stations);
const PASSWORD = 'bench-admin-password';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-bench-load-'));
const dbPath = values.db ?? path.join(dir, 'demo.db');

if (!fs.existsSync(dbPath)) {
  const db = openDatabase({ path: dbPath });
  db.$client.pragma('synchronous = OFF');
  await fillDemo(db, loadConfig({}), { devices: Number(values.devices), seed: 1, year: 2026, adminPassword: PASSWORD });
  db.$client.pragma('synchronous = FULL');
  await closeDatabase(db);
}

// The baseline's own database: the same devices, and a bare scans table.
const baseDb = path.join(dir, 'baseline.db');
{
  const b = new Database(baseDb);
  b.pragma('journal_mode = WAL');
  b.exec(`attach database '${dbPath.replace(/'/g, "''")}' as app;
    create table devices as select id, asset_tag, category, make, model, serial_number, status, weight_grams, version from app.devices;
    create unique index devices_tag on devices(asset_tag);
    create table scans (id integer primary key, code text not null, station text, server_time text not null);
    detach database app;`);
  b.close();
}
const src = new Database(dbPath, { readonly: true });
const tags = (src.prepare('select asset_tag as t from devices').all() as Array<{ t: string }>).map((r) => r.t);
const ready = (src.prepare("select asset_tag as t from devices where status = 'ready' and category = 'laptop'").all() as Array<{ t: string }>).map((r) => r.t);
const participant = (src.prepare('select code from participants where personal_data_erased_at is null order by id limit 1').get() as { code: string }).code;
src.close();

function start(script: string, db: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'bench', script), db], { stdio: ['ignore', 'pipe', 'inherit'] });
    let logged = 0;
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      const m = /PORT (\d+)/.exec(text);
      if (m) resolve({ child, port: Number(m[1]) });
      // Server errors are part of the result: show the first few.
      for (const line of text.split('\n')) if (line.includes('"level":50') && logged++ < 3) process.stderr.write(`  server: ${line.slice(0, 900)}\n`);
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

interface Figures {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}
type Req = { method: 'GET' | 'POST'; path: string; body?: string };
function run(port: number, connections: number, headers: Record<string, string>, make: () => Req, seconds = SECONDS): Promise<Figures> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    headers,
    timeout: 30,
    requests: [{ setupRequest: (req) => ({ ...req, ...make() }) }],
  }).then((r) => {
    const odd = Object.entries(r.statusCodeStats as Record<string, { count: number }>).filter(([code]) => !code.startsWith('2'));
    if (odd.length > 0 || r.errors > 0 || r.timeouts > 0) process.stderr.write(`  (${make().path}: status ${JSON.stringify(Object.fromEntries(odd.map(([c, v]) => [c, v.count])))}, socket errors ${r.errors}, timeouts ${r.timeouts})\n`);
    return { requests: r.requests.total, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
  });
}

const pick = () => tags[Math.floor(Math.random() * tags.length)]!;
const app = await start('app-server.ts', dbPath);
const base = await start('baseline-server.ts', baseDb);
try {
  const login = await fetch(`http://127.0.0.1:${app.port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let scanNo = 0;
  let issueNo = 0;

  // 1. The mixed workshop load, all at once.
  const [scans, lookups, issues, reports] = await Promise.all([
    run(app.port, STATIONS, auth, () => ({ method: 'POST', path: '/api/v1/scans', body: JSON.stringify({ code: pick(), station: `station-${scanNo++ % STATIONS}` }) })),
    run(app.port, 2, auth, () => ({ method: 'GET', path: `/api/v1/devices/${pick()}` })),
    // One coordinator issuing ready laptops to one participant (with an override reason); when they run out the
    // requests become 409s, so the pool bounds the run.
    run(app.port, 1, auth, () => {
      const tag = ready[issueNo++ % Math.max(1, ready.length)] ?? pick();
      return { method: 'POST', path: `/api/v1/devices/${tag}/issue`, body: JSON.stringify({ participantCode: participant, kind: 'gift', agreementAccepted: true, overrideReason: 'other' }) };
    }),
    run(app.port, 1, auth, () => ({ method: 'GET', path: '/api/v1/reports/diversion?from=2026-01-01&to=2026-12-31&format=csv' })),
  ]);
  const issueErrors = Math.max(0, issues.errors - Math.max(0, issues.requests - ready.length));

  // 2. Lookups and durable scans alone, service against baseline, interleaved.
  const json = { 'content-type': 'application/json' };
  const lookupBase = await run(base.port, 8, json, () => ({ method: 'GET', path: `/devices/${pick()}` }), 5);
  const lookupApp = await run(app.port, 8, auth, () => ({ method: 'GET', path: `/api/v1/devices/${pick()}` }), 5);
  const scanBase = await run(base.port, 8, json, () => ({ method: 'POST', path: '/scans', body: JSON.stringify({ code: pick(), station: 'b' }) }), 5);
  const scanApp = await run(app.port, 8, auth, () => ({ method: 'POST', path: '/api/v1/scans', body: JSON.stringify({ code: pick(), station: `s-${scanNo++ % 8}` }) }), 5);

  const ratio = (name: string, app: Figures, bare: Figures, target: number) => {
    const r = app.rps / bare.rps;
    return `${name} ${r.toFixed(2)} by req/s (target >= ${target.toFixed(2)}: ${r >= target ? 'met' : 'MISSED'})`;
  };
  const row = (name: string, f: Figures) =>
    `${name.padEnd(34)} ${String(f.requests).padStart(7)} req  ${f.rps.toFixed(0).padStart(6)}/s  p50 ${String(f.p50).padStart(4)} ms  p99 ${String(f.p99).padStart(5)} ms  errors ${f.errors}`;
  process.stdout.write(
    [
      `devices: ${tags.length}; ${SECONDS} s mixed load; node ${process.version}, ${os.cpus().length} cores`,
      'mixed workshop load (all at once):',
      row(`  POST /scans (${STATIONS} stations)`, scans),
      row('  GET /devices/{tag}', lookups),
      row('  POST /devices/{tag}/issue', { ...issues, errors: issueErrors }),
      row('  GET /reports/diversion?format=csv', reports),
      'alone, against the baseline:',
      row('  baseline GET /devices/:tag', lookupBase),
      row('  service  GET /devices/:tag', lookupApp),
      row('  baseline POST /scans', scanBase),
      row('  service  POST /scans', scanApp),
      ratio('lookup ratio (warn)', lookupApp, lookupBase, 0.6),
      ratio('scan ratio (warn)', scanApp, scanBase, 0.5),
      `p99 scan latency under the mixed load: ${scans.p99} ms`,
      '',
    ].join('\n'),
  );
  if (scans.errors + lookups.errors + reports.errors + issueErrors + lookupApp.errors + scanApp.errors > 0) process.exitCode = 1;
} finally {
  app.child.kill('SIGTERM');
  base.child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
