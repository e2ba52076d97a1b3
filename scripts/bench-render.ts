/**
 * Lookups while documents render: a client looks devices up in a loop, first
 * alone (the baseline, in the same run), then while a flood of 300-label
 * Avery 5160 sheets (POST /api/v1/labels with assetTags) is drawn, two per
 * user as the per-user cap allows. The server runs with its default render
 * pool and request timeout.
 *
 *   npm run bench:render                                  (30 sheets of 300 labels)
 *   npm run bench:render -- --sheets 4 --labels 300 --seconds 3
 *
 * Targets: lookup p99 under 100 ms during the flood; no render answered past
 * the request deadline (each is drawn, or cancelled and answered 503 in time).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, openDatabase } from '../src/core/db.js';
import { createServices } from '../src/container.js';
import { serveBench } from './bench/serve.js';

const { values } = parseArgs({
  options: {
    sheets: { type: 'string', default: '30' },
    labels: { type: 'string', default: '300' },
    devices: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
  },
});
const SHEETS = Number(values.sheets);
const LABELS = Number(values.labels);
const DEVICES = Math.max(Number(values.devices), LABELS);
const SECONDS = Number(values.seconds);
const PASSWORD = 'bench-password-123';
// The server below runs on the defaults: this is its deadline.
const DEADLINE_MS = loadConfig({}).requestTimeoutMs;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-bench-render-'));
const dbPath = path.join(dir, 'app.db');
const users = Math.ceil(SHEETS / 2);

// Seed: devices to look up and to print, and enough users for the flood.
const tags: string[] = [];
{
  const db = openDatabase({ path: dbPath });
  db.$client.pragma('synchronous = OFF');
  const services = createServices({ db, clock: systemClock, config: loadConfig({}) });
  await services.users.bootstrapAdmin(PASSWORD);
  const admin = { id: 1, username: 'admin', displayName: 'Administrator', role: 'admin' as const, siteId: 1 };
  for (let i = 0; i < DEVICES; i++) {
    const d = await services.devices.intake(admin, { category: 'laptop', make: 'Lenovo', model: 'ThinkPad T480', serialNumber: `BENCH-${i}`, storage: [{ serialNumber: `DRIVE-${i}`, kind: 'ssd', capacityGb: 256 }] });
    tags.push(d.assetTag);
  }
  for (let i = 0; i < users; i++) await services.users.create(admin, { username: `printer-${i}`, displayName: `Printer ${i}`, role: 'trainee', password: PASSWORD });
  await closeDatabase(db);
}

const { child, port } = await serveBench('app-server.ts', dbPath);
const base = `http://127.0.0.1:${port}/api/v1`;

async function login(username: string): Promise<string> {
  const res = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  return ((await res.json()) as { token: string }).token;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** One client looking devices up, one request after the other, until stop() says so. */
async function lookups(token: string, stop: () => boolean): Promise<{ ms: number[]; errors: number }> {
  const ms: number[] = [];
  let errors = 0;
  while (!stop()) {
    const tag = tags[Math.floor(Math.random() * tags.length)]!;
    const t0 = performance.now();
    const res = await fetch(`${base}/devices/${tag}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    ms.push(performance.now() - t0);
    if (res.status !== 200) errors += 1;
  }
  return { ms, errors };
}

try {
  const reader = await login('admin');
  const printers = await Promise.all(Array.from({ length: users }, (_, i) => login(`printer-${i}`)));
  const sheetTags = tags.slice(0, LABELS);

  // Warm the server (JIT, prepared statements, the render threads) with one small sheet.
  await fetch(`${base}/labels`, { method: 'POST', headers: { authorization: `Bearer ${printers[0]}`, 'content-type': 'application/json' }, body: JSON.stringify({ template: 'avery-5160', assetTags: sheetTags.slice(0, 3) }) });

  // 1. Lookups alone.
  const t0 = performance.now();
  const alone = await lookups(reader, () => performance.now() - t0 > SECONDS * 1000);

  // 2. Lookups during the flood: SHEETS sheets at once, two per user.
  let pending = SHEETS;
  const statuses = new Map<string, number>();
  let slowest = 0;
  const flood = Array.from({ length: SHEETS }, async (_, i) => {
    const s0 = performance.now();
    const res = await fetch(`${base}/labels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${printers[Math.floor(i / 2)]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'avery-5160', assetTags: sheetTags }),
    });
    const body = Buffer.from(await res.arrayBuffer());
    const took = performance.now() - s0;
    slowest = Math.max(slowest, took);
    const code = res.status === 201 ? '201' : `${res.status} ${(JSON.parse(body.toString('utf8')) as { code: string }).code}`;
    statuses.set(code, (statuses.get(code) ?? 0) + 1);
    pending -= 1;
  });
  const f0 = performance.now();
  const during = await lookups(reader, () => pending === 0);
  await Promise.all(flood);
  const floodMs = performance.now() - f0;

  const past = slowest > DEADLINE_MS;
  const p99 = pct(during.ms, 99);
  const line = (name: string, r: { ms: number[]; errors: number }) =>
    `${name.padEnd(30)} ${String(r.ms.length).padStart(6)} lookups  p50 ${pct(r.ms, 50).toFixed(1).padStart(6)} ms  p99 ${pct(r.ms, 99).toFixed(1).padStart(6)} ms  max ${Math.max(...r.ms).toFixed(0).padStart(5)} ms  errors ${r.errors}`;
  process.stdout.write(
    [
      `node ${process.version}, ${os.cpus().length} cores; ${SHEETS} sheets of ${LABELS} labels (avery-5160) from ${users} users; request deadline ${DEADLINE_MS} ms`,
      line('GET /devices/{tag} alone', alone),
      line('GET /devices/{tag} during flood', during),
      `flood: ${(floodMs / 1000).toFixed(1)} s; answers ${[...statuses].map(([k, v]) => `${k}: ${v}`).join(', ')}; slowest answer ${(slowest / 1000).toFixed(1)} s`,
      `lookup p99 during the flood ${p99.toFixed(1)} ms (target < 100: ${p99 < 100 ? 'met' : 'MISSED'}); past the deadline: ${past ? 'YES' : 'none'}`,
      '',
    ].join('\n'),
  );
  if (past || alone.errors + during.errors > 0 || (statuses.get('201') ?? 0) === 0) process.exitCode = 1;
} finally {
  child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
