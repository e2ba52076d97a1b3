/**
 * The diversion report and the CSV export on a large demo database.
 *
 *   npm run bench:report                            (100,000 devices; the fill takes minutes)
 *   npm run bench:report -- --devices 20000 --db /tmp/bench.db   (keeps the database for the next run)
 *
 * Prints the report's time against the same totals as one raw SQL aggregate
 * measured in the same run (target: within 2×), and the server's peak
 * memory while it streams the full device CSV (target: under 200 MB).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { closeDatabase, openDatabase } from '../src/core/db.js';
import { computeDiversion } from '../src/modules/reports/reports.service.js';
import { fillDemo } from './demo-data.js';
import { serveBench } from './bench/serve.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '100000' },
    db: { type: 'string' },
    runs: { type: 'string', default: '5' },
  },
});
const N = Number(values.devices);
const RUNS = Number(values.runs);
const YEAR = 2026;
const dbPath = values.db ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-bench-report-')), 'demo.db');
const PASSWORD = 'bench-admin-password';

if (!fs.existsSync(dbPath)) {
  const t0 = Date.now();
  const db = openDatabase({ path: dbPath });
  db.$client.pragma('synchronous = OFF');
  await fillDemo(db, loadConfig({}), { devices: N, seed: 1, year: YEAR, adminPassword: PASSWORD });
  db.$client.pragma('synchronous = FULL');
  await closeDatabase(db);
  process.stdout.write(`filled ${N} devices in ${Math.round((Date.now() - t0) / 1000)} s\n`);
}

const from = `${YEAR}-01-01`;
const to = `${YEAR}-12-31`;
const db = openDatabase({ path: dbPath });
/** The median time of f over RUNS runs after one to warm up, each awaited to its end (the report's queries are awaited one after another). */
const time = async (f: () => unknown) => {
  await f(); // warm
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await f();
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
};
// The report's own code (the server runs the same function on its report worker).
const report = await computeDiversion(db, from, to, 5);
const reportMs = await time(() => computeDiversion(db, from, to, 5));

// The same aggregates the report needs, as hand-written SQL on the bare driver:
// the floor that any report code could reach on this database.
const raw = new Database(dbPath, { readonly: true });
const start = `${from}T00:00:00.000Z`;
const end = `${YEAR + 1}-01-01T00:00:00.000Z`;
const rawQueries = [
  `select category, substr(created_at, 1, 7) m, count(*) u, sum(weight_grams) g, sum(case when weight_source = 'measured' then weight_grams else 0 end) mg
     from devices where created_at >= @s and created_at < @e group by 1, 2`,
  `select d.category, substr(f.first_at, 1, 7), count(*), sum(d.weight_grams), sum(case when d.weight_source = 'measured' then d.weight_grams else 0 end)
     from (select device_id, min(issued_at) first_at from issuances where issued_at >= @s and issued_at < @e group by device_id) f join devices d on d.id = f.device_id group by 1, 2`,
  `select c.name, count(*), sum(d.weight_grams) from (select device_id, min(id) first_id from issuances where issued_at >= @s and issued_at < @e group by device_id) f
     join issuances i on i.id = f.first_id join participants p on p.id = i.participant_id join communities c on c.id = p.community_id join devices d on d.id = f.device_id group by 1`,
  `select d.category, substr(s.shipped_at, 1, 7), s.status = 'confirmed', count(*), sum(d.weight_grams) from shipment_devices sd join shipments s on s.id = sd.shipment_id
     join devices d on d.id = sd.device_id where s.shipped_at >= @s and s.shipped_at < @e group by 1, 2, 3
   union all
   select b.category, substr(s.shipped_at, 1, 7), s.status = 'confirmed', coalesce(sum(b.units), 0), sum(b.weight_grams) from shipment_bulk_lines b
     join shipments s on s.id = b.shipment_id where s.shipped_at >= @s and s.shipped_at < @e group by 1, 2, 3`,
].map((q) => raw.prepare(q));
const runRaw = () => rawQueries.map((q) => q.all({ s: start, e: end }));
const rawMs = await time(runRaw);
const totalsRow = raw
  .prepare(
    `select (select count(*) || ':' || coalesce(sum(weight_grams), 0) from devices where created_at >= @s and created_at < @e) as received,
            (select count(*) || ':' || coalesce(sum(weight_grams), 0) from devices where id in (select device_id from issuances where issued_at >= @s and issued_at < @e)) as reused`,
  )
  .get({ s: start, e: end }) as { received: string; reused: string };
const agree =
  totalsRow.received === `${report.totals.received.units}:${report.totals.received.grams}` &&
  totalsRow.reused === `${report.totals.reused.units}:${report.totals.reused.grams}`;
raw.close();
const deviceCount = (db.$client.prepare('select count(*) as n from devices').get() as { n: number }).n;
await closeDatabase(db);

// The CSV export through the real server, with its peak resident memory (VmHWM) read from /proc.
const { child, port } = await serveBench('app-server.ts', dbPath);
const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
const { token } = (await login.json()) as { token: string };
const before = rss();
let peak = before;
const sampler = setInterval(() => {
  peak = Math.max(peak, rss());
}, 20);
const t0 = Date.now();
const res = await fetch(`http://127.0.0.1:${port}/api/v1/devices?format=csv`, { headers: { authorization: `Bearer ${token}` } });
let bytes = 0;
let rows = 0;
for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
  bytes += chunk.length;
  for (const b of chunk) if (b === 10) rows += 1;
}
const exportMs = Date.now() - t0;
clearInterval(sampler);
peak = Math.max(peak, rss());
child.kill('SIGTERM');

const ratio = reportMs / rawMs;
process.stdout.write(
  [
    `devices: ${deviceCount}, node ${process.version}, ${os.cpus().length} cores`,
    `diversion report (service)   ${reportMs.toFixed(1)} ms (median of ${RUNS})`,
    `same aggregates, raw SQL     ${rawMs.toFixed(1)} ms; received and reused totals agree: ${agree ? 'yes' : 'NO'}`,
    `report / raw                 ${ratio.toFixed(2)}× (target <= 2: ${ratio <= 2 ? 'met' : 'MISSED'})`,
    `CSV export                   ${rows - 1} rows, ${(bytes / 1e6).toFixed(1)} MB in ${(exportMs / 1000).toFixed(1)} s`,
    `server RSS during the export ${peak.toFixed(0)} MB at peak (${before.toFixed(0)} MB just before; target < 200: ${peak < 200 ? 'met' : 'MISSED'})`,
    '',
  ].join('\n'),
);
if (!agree || rows - 1 !== deviceCount) process.exitCode = 1;
