/** The full service on a given database file, on a free port; prints `PORT <n>` when listening. */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { systemClock } from '../../src/core/clock.js';
import { openDatabase } from '../../src/core/db.js';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: app-server.ts <database>');
const db = openDatabase({ path: dbPath });
const app = await buildApp({ config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }), db, clock: systemClock, logLevel: 'warn' });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
