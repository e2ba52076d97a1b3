/** Shared start-up for the command-line scripts: configuration and the database, as the server opens them. */
import { ConfigError, loadConfig, type Config } from '../src/config.js';

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

export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
