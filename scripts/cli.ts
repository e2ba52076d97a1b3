/** Shared start-up for the command-line scripts: configuration and the database, as the server opens them. */
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { shownUrl } from './db-copy/postgres.js';

export function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** The configured database as messages and summaries name it: the SQLite file, or the PostgreSQL URL with its password as `***`. */
export function shownDatabase(config: Config): string {
  return config.databaseUrl ? shownUrl(config.databaseUrl) : config.databasePath;
}

/** An error for a message: a failed query is named by the database's own error, not drizzle's "Failed query: <sql>" wrapper. */
export function reasonOf(err: unknown): string {
  const e = err instanceof DrizzleQueryError && err.cause instanceof Error ? err.cause : err;
  return e instanceof Error ? e.message : String(e);
}

export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
