/**
 * Writes the OpenAPI document the service generates from its zod schemas to
 * test/fixtures/openapi.json, the committed contract. A test fails when the
 * routes and the committed document differ: run this, review the diff, commit.
 *
 *   npm run openapi:write
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, openDatabase } from '../src/core/db.js';

export const OPENAPI_FILE = path.resolve(import.meta.dirname, '../test/fixtures/openapi.json');

const db = openDatabase({ path: ':memory:' });
const app = await buildApp({ config: loadConfig({}), db, clock: systemClock, logLevel: 'silent' });
fs.writeFileSync(OPENAPI_FILE, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await closeDatabase(db);
process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}\n`);
