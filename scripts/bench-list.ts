/**
 * The filtered device list on a large demo database: GET /api/v1/devices?status=ready&grade=A&limit=100
 * through the whole service against the same page as raw SQL on the bare
 * driver (better-sqlite3, one prepared select), in interleaved rounds.
 *
 *   npm run bench:list                                  (100,000 devices; the fill takes minutes)
 *   npm run bench:list -- --devices 20000 --db /tmp/bench.db   (keeps the database for the next run)
 *
 * Target: the service within 2x of raw SQL. Both read the same rows; the
 * service also reads the drives and their sanitization state of the page and
 * answers JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, openDatabase } from '../src/core/db.js';
import { createServices } from '../src/container.js';
import { fillDemo } from './demo-data.js';
import { serveBench } from './bench/serve.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '100000' },
    db: { type: 'string' },
    requests: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '5' },
  },
});
const N = Number(values.devices);
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const PASSWORD = 'bench-password-123';
const QUERY = 'status=ready&grade=A&limit=100';

const dbPath = values.db ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-bench-list-')), 'demo.db');
if (!fs.existsSync(dbPath)) {
  const t0 = Date.now();
  const db = openDatabase({ path: dbPath });
  // Filling only: durability is restored before the server starts.
  db.$client.pragma('synchronous = OFF');
  await fillDemo(db, loadConfig({}), { devices: N, seed: 1, year: new Date().getFullYear(), adminPassword: PASSWORD });
  db.$client.pragma('synchronous = FULL');
  await closeDatabase(db);
  process.stdout.write(`filled ${N} devices in ${Math.round((Date.now() - t0) / 1000)} s\n`);
}
// Migrations (an index added since the fill) are applied by opening the file once.
await closeDatabase(openDatabase({ path: dbPath }));

const raw = new Database(dbPath, { readonly: true });
// The service's own read of the page in this process: the query, the drives and their states, the answer's objects.
const inProcessDb = openDatabase({ path: dbPath });
const services = createServices({ db: inProcessDb, clock: systemClock, config: loadConfig({}) });
const listQuery = { status: 'ready', grade: 'A', limit: 100 } as Parameters<typeof services.devices.list>[0];
const page = raw.prepare(`select * from devices where status = 'ready' and grade = 'A' order by id limit 101`);
const plan = raw.prepare(`explain query plan select * from devices where status = 'ready' and grade = 'A' order by id limit 101`).all() as { detail: string }[];

const { child, port } = await serveBench('app-server.ts', dbPath);
// The same page through bare Fastify and better-sqlite3 (one prepared select, the rows as JSON): what HTTP itself costs.
const { child: bareChild, port: barePort } = await serveBench('baseline-server.ts', dbPath);

try {
  const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  const { token } = (await login.json()) as { token: string };
  const url = `http://127.0.0.1:${port}/api/v1/devices?${QUERY}`;
  let items = 0;
  const service = async () => {
    for (let i = 0; i < REQUESTS; i++) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`GET /devices answered ${res.status}`);
      items = ((await res.json()) as { items: unknown[] }).items.length;
    }
  };
  const bareUrl = `http://127.0.0.1:${barePort}/devices?status=ready&grade=A&limit=101`;
  const bareHttp = async () => {
    for (let i = 0; i < REQUESTS; i++) {
      const res = await fetch(bareUrl);
      if (((await res.json()) as { items: unknown[] }).items.length !== 101) throw new Error('the bare server answered another page');
    }
  };
  const bare = () => {
    for (let i = 0; i < REQUESTS; i++) page.all();
  };
  const inProcess = async () => {
    for (let i = 0; i < REQUESTS; i++) await services.devices.list(listQuery, { id: 1, username: 'admin', displayName: 'Administrator', role: 'admin', siteId: 1 });
  };
  const perCall = async (f: () => unknown) => {
    const t0 = performance.now();
    await f();
    return ((performance.now() - t0) / REQUESTS) * 1000;
  };
  await service();
  await bareHttp();
  bare();
  await inProcess();
  const us = { bare: [] as number[], service: [] as number[], inProcess: [] as number[], bareHttp: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    us.bare.push(await perCall(bare));
    us.inProcess.push(await perCall(inProcess));
    us.service.push(await perCall(service));
    us.bareHttp.push(await perCall(bareHttp));
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratio = median(us.service) / median(us.bare);
  const inProcessRatio = median(us.inProcess) / median(us.bare);
  const deviceCount = (raw.prepare('select count(*) as n from devices').get() as { n: number }).n;
  process.stdout.write(
    [
      `${deviceCount} devices; ${items} on the page; ${ROUNDS} interleaved rounds of ${REQUESTS} calls (medians), node ${process.version}, ${os.cpus().length} cores`,
      `plan: ${plan.map((p) => p.detail).join('; ')}`,
      `raw SQL (better-sqlite3)             ${median(us.bare).toFixed(0).padStart(6)} µs per page`,
      `service devices.list (in process)   ${median(us.inProcess).toFixed(0).padStart(6)} µs per page`,
      `service GET /devices?${QUERY}  ${median(us.service).toFixed(0).padStart(6)} µs per page (HTTP, one client, JSON parsed)`,
      `bare Fastify + better-sqlite3, same page ${median(us.bareHttp).toFixed(0).padStart(6)} µs per page (HTTP, the rows alone as JSON)`,
      `over HTTP / bare over HTTP ${(median(us.service) / median(us.bareHttp)).toFixed(2)}`,
      `in process / raw ${inProcessRatio.toFixed(2)}; over HTTP / raw ${ratio.toFixed(2)} (target <= 2.00: ${ratio <= 2 ? 'met' : 'MISSED'})`,
      '',
    ].join('\n'),
  );
} finally {
  child.kill('SIGTERM');
  bareChild.kill('SIGTERM');
  raw.close();
  await services.reports.close();
  await services.renderPool.close();
  await closeDatabase(inProcessDb);
  if (!values.db) fs.rmSync(path.dirname(dbPath), { recursive: true, force: true });
}
