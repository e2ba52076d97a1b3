/**
 * The baseline: bare Fastify and better-sqlite3 with the same durability
 * settings and no auth, validation, idempotency or history. One prepared
 * select for a lookup, one durable insert for a scan, one prepared select
 * for a page of the filtered list (the rows alone, as JSON).
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { serveCpuUsage } from './cpu.js';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: baseline-server.ts <database>');
const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
const byTag = db.prepare('select * from devices where asset_tag = ?');
// Prepared on first use: the lookup benches give this server a bare schema without the list's columns.
let page: Database.Statement | undefined;
const insertScan = db.prepare('insert into scans (code, station, server_time) values (?, ?, ?) returning id');

const app = Fastify({ logger: false });
app.get<{ Params: { tag: string } }>('/devices/:tag', async (request, reply) => {
  const row = byTag.get(request.params.tag);
  if (!row) return reply.code(404).send({ error: 'not found' });
  return { device: row };
});
app.get<{ Querystring: { status: string; grade: string; limit: string } }>('/devices', async (request) => ({
  items: (page ??= db.prepare('select * from devices where status = ? and grade = ? order by id limit ?')).all(request.query.status, request.query.grade, Number(request.query.limit)),
}));
app.post<{ Body: { code: string; station?: string } }>('/scans', async (request) => {
  const row = insertScan.get(request.body.code, request.body.station ?? null, new Date().toISOString()) as { id: number };
  return { scanId: row.id, device: byTag.get(request.body.code) ?? null };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`PORT ${port}\n`);
serveCpuUsage(port);
