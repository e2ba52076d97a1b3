/**
 * Copies a whole site's database from SQLite to PostgreSQL, or back into a new
 * SQLite file, with every id, the audit chain byte for byte and the
 * AUTOINCREMENT high-water marks; then verifies the copy row by row
 * (docs/postgresql.md, "Moving a site's data"). Stop the service first.
 *
 *   npm run db:copy -- --from ./data/refurb.db --to postgres://refurb@127.0.0.1/refurb_ledger
 *   npm run db:copy -- --from postgres://refurb@127.0.0.1/refurb_ledger --to ./data/back.db
 *   npm run db:copy -- --verify-only --from ./data/refurb.db --to postgres://…   (compare, write nothing)
 *   add --json for one JSON summary on stdout
 *
 * Exit status: 0 copied (or compared) and verified; 1 refused, failed or did
 * not verify, with the target left as it was; 2 a usage error.
 */
import { parseArgs } from 'node:util';
import { copyDatabase, CopyRefused, verifyCopy } from './db-copy/copy.js';
import { shownUrl } from './db-copy/postgres.js';

const USAGE = 'usage: npm run db:copy -- --from <SQLite file | postgres://…> --to <postgres://… | new SQLite file> [--json] [--verify-only]';

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: { from?: string; to?: string; json?: boolean; 'verify-only'?: boolean; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
      'verify-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  usage(err instanceof Error ? err.message : String(err));
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const { from, to } = values;
if (!from || !to) usage('Both --from and --to are needed.');
const json = values.json === true;
const say = (line: string) => {
  if (!json) process.stdout.write(`${line}\n`);
};
const shown = (s: string) => (/^postgres(ql)?:\/\//i.test(s) ? shownUrl(s) : s);

try {
  if (values['verify-only']) {
    const result = await verifyCopy(from, to);
    if (json) process.stdout.write(`${JSON.stringify({ from: shown(from), to: shown(to), ...result })}\n`);
    for (const t of result.tables) say(`${t.table.padEnd(28)} ${String(t.rows).padStart(9)}  ${t.digest.slice(0, 16)}`);
    if (!result.ok) {
      process.stderr.write(`not verified: ${result.difference}\n`);
      process.exit(1);
    }
    say(`verified: ${result.tables.length} tables, ${result.rows} rows equal in ${shown(from)} and ${shown(to)}`);
  } else {
    say(`copying ${shown(from)} -> ${shown(to)}`);
    const summary = await copyDatabase({ from, to, onTable: ({ table, rows }) => say(`${table.padEnd(28)} ${String(rows).padStart(9)}`) });
    if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    if (summary.seedsReplaced.length > 0) say(`seeded rows replaced by the source's: ${summary.seedsReplaced.join(', ')}`);
    say(`verified: ${summary.tables.length} tables, ${summary.rows} rows, high-water marks equal (${summary.seconds} s)`);
  }
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(err instanceof CopyRefused ? `refused: ${message}\n` : `copy failed, the target was left as it was: ${message}\n`);
  process.exit(1);
}
