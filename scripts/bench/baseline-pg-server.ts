/**
 * The PostgreSQL baseline: bare Fastify and a node-postgres pool, no auth,
 * validation, idempotency or history. A lookup is one prepared statement:
 * the device by asset tag with its drives. Prints `PORT <n>` when listening.
 *
 *   tsx scripts/bench/baseline-pg-server.ts <database url>
 */
import Fastify from 'fastify';
import pg from 'pg';

const url = process.argv[2];
if (!url) throw new Error('usage: baseline-pg-server.ts <database url>');
// The service's pool size (DATABASE_POOL_SIZE default).
const pool = new pg.Pool({ connectionString: url, max: 10 });
const byTag = {
  name: 'device-by-tag',
  text: `select d.*, coalesce((select json_agg(s order by s.id) from storage_drives s where s.device_id = d.id), '[]') as drives
           from devices d where d.asset_tag = $1`,
};

const app = Fastify({ logger: false });
app.get<{ Params: { tag: string } }>('/devices/:tag', async (request, reply) => {
  const { rows } = await pool.query<Record<string, unknown>>({ ...byTag, values: [request.params.tag] });
  if (rows.length === 0) return reply.code(404).send({ error: 'not found' });
  return { device: rows[0] };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`PORT ${port}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => pool.end()).then(() => process.exit(0));
});
