/**
 * Prints the route × role matrix of docs/api.md from the routes themselves;
 * paste it between the route-matrix markers there.
 *   npm run -s routes:matrix
 */
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, openDatabase } from '../src/core/db.js';
import { routeMatrixMarkdown } from '../src/modules/auth/route-matrix.js';

const db = openDatabase({ path: ':memory:' });
const app = await buildApp({ config: loadConfig({}), db, clock: systemClock, logLevel: 'silent' });
process.stdout.write(routeMatrixMarkdown(app.routeTable));
await app.close();
await closeDatabase(db);
