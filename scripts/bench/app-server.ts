/**
 * The full service on a given database (a SQLite file, or a postgres:// URL), on a free port;
 * prints `PORT <n>` when listening.
 * BENCH_LOG_LEVEL sets the log level (default warn). Started with an IPC channel, it also
 * sends `{ port }` there and answers each `'cpu'` message with its `process.cpuUsage()`.
 */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { systemClock } from '../../src/core/clock.js';
import { openDatabase, openPostgres } from '../../src/core/db.js';
import { serveCpuUsage } from './cpu.js';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: app-server.ts <database>');
const db = /^postgres(ql)?:\/\//.test(dbPath) ? await openPostgres({ url: dbPath }) : openDatabase({ path: dbPath });
const app = await buildApp({ config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }), db, clock: systemClock, logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn' });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`PORT ${port}\n`);
serveCpuUsage(port);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
