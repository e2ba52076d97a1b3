/**
 * Creates a user on the configured database (the service may be running):
 * the SQLite file, or the PostgreSQL database of DATABASE_URL, opened (and
 * migrated) as the service opens it.
 *
 *   npm run user:create -- --username anna --role coordinator --display-name "Anna K."
 *
 * The password is read from the first line of standard input when it is not
 * a terminal (`--password-stdin`), else generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, openDatabase, openPostgres, type Db } from '../src/core/db.js';
import { AppError } from '../src/core/errors.js';
import { createServices } from '../src/container.js';
import { CreateUserBody } from '../src/modules/users/users.schemas.js';
import { configOrExit, fail, reasonOf, shownDatabase } from './cli.js';

const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    role: { type: 'string' },
    'display-name': { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
  },
});

async function readStdinLine(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) data += String(chunk);
  return data.split(/\r?\n/)[0] ?? '';
}

const config = configOrExit();
const generated = values['password-stdin'] ? undefined : randomBytes(15).toString('base64url');
const password = generated ?? (await readStdinLine());
const parsed = CreateUserBody.safeParse({
  username: values.username,
  role: values.role,
  displayName: values['display-name'] ?? values.username,
  password,
});
if (!parsed.success) {
  fail(
    `Cannot create the user:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.') === 'password' ? 'password' : `--${String(i.path[0]).replace('displayName', 'display-name')}`}: ${i.message}`).join('\n')}`,
  );
}

let db: Db;
try {
  db = config.databaseUrl ? await openPostgres({ url: config.databaseUrl, poolSize: 2 }) : openDatabase({ path: config.databasePath });
} catch (err) {
  fail(`Cannot open ${shownDatabase(config)}: ${reasonOf(err)}`);
}
try {
  const services = createServices({ db, clock: systemClock, config });
  const user = await services.users.create(null, parsed.data);
  process.stdout.write(`Created ${user.role} "${user.username}" (id ${user.id}) in ${shownDatabase(config)}\n`);
  if (generated) process.stdout.write(`Password (shown once): ${generated}\n`);
} catch (err) {
  if (err instanceof AppError) fail(err.message);
  throw err;
} finally {
  await closeDatabase(db);
}
