/**
 * The process: reads the environment, opens the database, creates the first
 * admin on an empty database, listens, and shuts down cleanly on signals.
 */
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { systemClock } from './core/clock.js';
import { closeDatabase, openDatabase, openPostgres, type Db } from './core/db.js';
import { LabelTemplateError } from './modules/labels/label-templates.js';

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

// PostgreSQL when DATABASE_URL is set (docs/postgresql.md), else the SQLite file.
let db: Db;
try {
  db = config.databaseUrl ? await openPostgres({ url: config.databaseUrl, poolSize: config.databasePoolSize }) : openDatabase({ path: config.databasePath });
} catch (err) {
  process.stderr.write(`Cannot open the database: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
let app: Awaited<ReturnType<typeof buildApp>>;
try {
  app = await buildApp({ config, db, clock: systemClock });
} catch (err) {
  // A bad label template (or another start-up check) names its file and field.
  if (err instanceof LabelTemplateError) {
    process.stderr.write(`${err.message}\n`);
    await closeDatabase(db);
    process.exit(1);
  }
  throw err;
}

const bootstrap = await app.services.users.bootstrapAdmin(config.adminPassword);
if (bootstrap.generatedPassword) {
  // Printed once, on the console only (never into the JSON log).
  process.stdout.write(
    `\nCreated the first user "admin" with the generated password:\n\n    ${bootstrap.generatedPassword}\n\nLog in and change it (POST /api/v1/me/password). It will not be shown again.\n\n`,
  );
} else if (bootstrap.created) {
  app.log.info('created the first user "admin" with ADMIN_PASSWORD');
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  // Bounded: a request that hangs cannot keep the process (and the database) open.
  const timer = setTimeout(() => {
    app.log.error('shutdown took too long; closing the database and exiting');
    void closeDatabase(db).finally(() => process.exit(1));
  }, 10_000);
  timer.unref();
  // Closing the server closes the keep-alive connections idle at that moment;
  // one busy then goes idle once its answer is sent and would stay open (and
  // keep the process waiting) until the client hangs up: close those as they go idle.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  sweep.unref();
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
    await closeDatabase(db);
    clearTimeout(timer);
  }
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ host: config.host, port: config.port });
