/**
 * 1,000 Avery 5160 labels as PDF: the service against bare bwip-js + pdfkit
 * drawing the same barcodes (Code 128 and QR, as vector rectangles) and the
 * tag in one process, measured in the same run (interleaved rounds, medians).
 *
 *   npm run bench:labels                      (1000 labels, 3 rounds)
 *   npm run bench:labels -- --labels 300 --rounds 5
 *
 * Two service figures: its renderer in this process (layout, embedded Noto
 * fonts, the same PDF the workers draw), and the whole path over HTTP,
 * POST /api/v1/labels in requests of at most 300 labels (the per-request cap)
 * through the render pool. Target: the service >= 0.5 of bare (by time).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, openDatabase } from '../src/core/db.js';
import { createServices } from '../src/container.js';
import { renderLabelsPdf } from '../src/modules/labels/label.render.js';
import { loadLabelTemplates } from '../src/modules/labels/label-templates.js';
import { MAX_LABELS } from '../src/modules/labels/labels.service.js';
import { serveBench } from './bench/serve.js';

const { values } = parseArgs({ options: { labels: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '3' } } });
const LABELS = Number(values.labels);
const ROUNDS = Number(values.rounds);
const PASSWORD = 'bench-password-123';
const template = loadLabelTemplates().get('avery-5160');
if (!template?.sheet) throw new Error('the avery-5160 template is missing');
const sheet = template.sheet;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-bench-labels-'));
const dbPath = path.join(dir, 'app.db');
const tags: string[] = [];
{
  const db = openDatabase({ path: dbPath });
  db.$client.pragma('synchronous = OFF');
  const services = createServices({ db, clock: systemClock, config: loadConfig({}) });
  await services.users.bootstrapAdmin(PASSWORD);
  const admin = { id: 1, username: 'admin', displayName: 'Administrator', role: 'admin' as const, siteId: 1 };
  for (let i = 0; i < LABELS; i++) {
    tags.push((await services.devices.intake(admin, { category: 'laptop', make: 'Lenovo', model: 'ThinkPad T480', serialNumber: `BENCH-${i}`, storage: [] })).assetTag);
  }
  await closeDatabase(db);
}

/** Bare: one pdfkit document, bwip-js patterns drawn as rectangles, the tag in Helvetica. */
function bare(): Promise<Buffer> {
  const PT = 72 / 25.4;
  const doc = new PDFDocument({ size: [sheet.widthMm * PT, sheet.heightMm * PT], margin: 0, autoFirstPage: true });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const perSheet = sheet.columns * sheet.rows;
  tags.forEach((tag, i) => {
    if (i > 0 && i % perSheet === 0) doc.addPage({ size: [sheet.widthMm * PT, sheet.heightMm * PT], margin: 0 });
    const slot = i % perSheet;
    const ox = (sheet.leftMarginMm + (slot % sheet.columns) * sheet.columnPitchMm) * PT;
    const oy = (sheet.topMarginMm + Math.floor(slot / sheet.columns) * sheet.rowPitchMm) * PT;
    const bars = (bwipjs.raw({ bcid: 'code128', text: tag }) as unknown as { sbs: number[] }[])[0]!.sbs;
    let x = ox + 4;
    bars.forEach((w, j) => {
      if (j % 2 === 0) doc.rect(x, oy + 14, w * 0.6, 20);
      x += w * 0.6;
    });
    doc.fill('black');
    const qr = (bwipjs.raw({ bcid: 'qrcode', text: tag, eclevel: 'M', mask: 1 } as Parameters<typeof bwipjs.raw>[0]) as unknown as { pixs: number[]; pixx: number }[])[0]!;
    for (let r = 0; r < qr.pixx; r++) {
      for (let c = 0; c < qr.pixx; c++) {
        if (!qr.pixs[r * qr.pixx + c]) continue;
        let run = 1;
        while (c + run < qr.pixx && qr.pixs[r * qr.pixx + c + run]) run++;
        doc.rect(ox + 140 + c * 1.2, oy + 4 + r * 1.2, run * 1.2, 1.2);
        c += run - 1;
      }
    }
    doc.fill('black');
    doc.font('Helvetica-Bold').fontSize(9).text(tag, ox + 4, oy + 4, { lineBreak: false });
  });
  doc.end();
  return done;
}

/** The service's renderer, in this process, on the same tags with the lines an asset label carries. */
function serviceInProcess(): Promise<Buffer> {
  return renderLabelsPdf(template!, tags.map((tag) => ({ tag, lines: ['Laptop', 'Lenovo ThinkPad T480', 'Iqaluit'] })), { createdAt: new Date(), title: 'bench' });
}

const { child, port } = await serveBench('app-server.ts', dbPath);
const base = `http://127.0.0.1:${port}/api/v1`;

/** The whole service: the labels in requests of at most MAX_LABELS, one after the other. */
async function serviceHttp(token: string): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < tags.length; i += MAX_LABELS) {
    const res = await fetch(`${base}/labels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'avery-5160', assetTags: tags.slice(i, i + MAX_LABELS) }),
    });
    if (res.status !== 201) throw new Error(`POST /labels answered ${res.status}: ${await res.text()}`);
    bytes += (await res.arrayBuffer()).byteLength;
  }
  return bytes;
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; out: T }> {
  const t0 = performance.now();
  const out = await f();
  return { ms: performance.now() - t0, out };
}

try {
  const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  const { token } = (await login.json()) as { token: string };
  // Warm up all three (JIT, fonts, the render threads).
  await bare();
  await serviceInProcess();
  await serviceHttp(token);
  const ms = { bare: [] as number[], inProcess: [] as number[], http: [] as number[] };
  let sizes = { bare: 0, inProcess: 0, http: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const b = await timed(bare);
    const p = await timed(serviceInProcess);
    const h = await timed(() => serviceHttp(token));
    ms.bare.push(b.ms);
    ms.inProcess.push(p.ms);
    ms.http.push(h.ms);
    sizes = { bare: b.out.length, inProcess: p.out.length, http: h.out };
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const row = (name: string, xs: number[], bytes: number) => `${name.padEnd(44)} ${median(xs).toFixed(0).padStart(6)} ms   ${(bytes / 1024).toFixed(0).padStart(6)} KiB   (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  const ratio = (name: string, xs: number[]) => {
    const r = median(ms.bare) / median(xs);
    return `${name.padEnd(44)} ${r.toFixed(2)} of bare (target >= 0.50: ${r >= 0.5 ? 'met' : 'MISSED'})`;
  };
  process.stdout.write(
    [
      `${LABELS} Avery 5160 labels, ${ROUNDS} interleaved rounds (medians), node ${process.version}, ${os.cpus().length} cores`,
      row('bare bwip-js + pdfkit (one process)', ms.bare, sizes.bare),
      row('service renderer (this process)', ms.inProcess, sizes.inProcess),
      row(`service POST /labels (${Math.ceil(LABELS / MAX_LABELS)} requests, render pool)`, ms.http, sizes.http),
      ratio('service renderer', ms.inProcess),
      ratio('service over HTTP', ms.http),
      '',
    ].join('\n'),
  );
} finally {
  child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
