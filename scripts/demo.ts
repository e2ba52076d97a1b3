/**
 * Fills a database with a realistic year of workshop activity, so a newcomer
 * sees real reports at once.
 *
 *   npm run demo                                  -> ./data/demo.db, 400 devices
 *   npm run demo -- --devices 5000 --db /tmp/big.db --seed 7
 *
 * Then: DATABASE_PATH=./data/demo.db npm start, and log in as admin with
 * ADMIN_PASSWORD (default demo-admin-password) or as annie / maina / office
 * with "<username>-demo-password".
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { closeDatabase, openDatabase } from '../src/core/db.js';
import { fillDemo } from './demo-data.js';
import { fail } from './cli.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '400' },
    db: { type: 'string', default: './data/demo.db' },
    seed: { type: 'string', default: '42' },
    year: { type: 'string', default: String(new Date().getUTCFullYear()) },
    force: { type: 'boolean', default: false },
  },
});
const devices = Number(values.devices);
if (!Number.isInteger(devices) || devices < 10 || devices > 1_000_000) fail('--devices must be a whole number from 10 to 1000000');
if (fs.existsSync(values.db)) {
  if (!values.force) fail(`${values.db} exists; pass --force to replace it`);
  for (const f of [values.db, `${values.db}-wal`, `${values.db}-shm`]) fs.rmSync(f, { force: true });
}
const config = loadConfig({ ...process.env, DATABASE_PATH: values.db });
const db = openDatabase({ path: values.db });
// Filling only: one fsync per transaction would make a large demo take many minutes.
db.$client.pragma('synchronous = OFF');
const started = Date.now();
const result = await fillDemo(db, config, { devices, seed: Number(values.seed), year: Number(values.year), adminPassword: config.adminPassword ?? 'demo-admin-password' });
db.$client.pragma('synchronous = FULL');
await closeDatabase(db);
process.stdout.write(`${JSON.stringify({ database: values.db, ...result, seconds: Math.round((Date.now() - started) / 100) / 10 })}\n`);
