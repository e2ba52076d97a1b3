/**
 * The app with its default log destination (standard output, asynchronous) at
 * info: answers many requests in one burst, then crashes on an uncaught
 * exception before the event loop turns. test/core/log-destination.test.ts
 * reads what reached standard output.
 */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fixedClock } from '../../src/core/clock.js';
import { openDatabase } from '../../src/core/db.js';

const app = await buildApp({ config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }), db: openDatabase({ path: ':memory:' }), clock: fixedClock('2026-03-02T15:00:00.000Z'), logLevel: 'info', scryptN: 1024 });
const count = Number(process.argv[2] ?? '200');
const answers = await Promise.all(
  Array.from({ length: count }, (_, i) => app.inject({ method: 'GET', url: `/api/v1/devices/T${i}`, headers: { authorization: 'Bearer secret-token-that-must-not-be-logged-0123' } })),
);
process.stderr.write(`answered ${answers.length} ${answers[0]!.statusCode}\n`);
throw new Error('crash after the burst');
