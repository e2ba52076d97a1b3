/**
 * Backups of a PostgreSQL database are pg_dump's (docs/operations.md). One
 * REPEATABLE READ, read-only transaction on the live database exports its
 * snapshot, verifies the audit chain in it, and holds it open while pg_dump
 * reads that same snapshot (`--snapshot`): the archive holds exactly the
 * chain that verified, however many writers run meanwhile. pg_restore then
 * reads the archive's table of contents before it is published.
 */
import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { closeDatabase, openPostgres, readTransaction, selectRow } from '../../src/core/db.js';
import { publishVerifiedFile } from '../../src/core/published-file.js';
import { createAuditService } from '../../src/modules/audit/audit.service.js';
import { lastEventOf, SnapshotRejected, type Summary } from './summary.js';

/** pg_dump or pg_restore is missing, or too old for the server: nothing was written. */
export class PgDumpUnavailable extends Error {
  constructor(reason: string, serverMajor: number) {
    super(
      `Backups on PostgreSQL are pg_dump's, and ${reason} Install the PostgreSQL client tools of the server's major version or newer ` +
        `(Debian: apt-get install postgresql-client-${serverMajor}) and run the backup again.`,
    );
  }
}

interface ClientVersion {
  major: number;
  /** As the tool prints it, e.g. 15.20. */
  version: string;
}

/**
 * Writes a verified pg_dump archive of the database at `url` to `target`
 * (published-file.ts: whole or absent). `out.summary` is filled in as soon as
 * the chain has been checked, so that a refused run still says why.
 */
export async function backupPostgres(url: string, target: string, out: { summary?: Summary }): Promise<void> {
  // Read-only sessions and no migrations: a backup changes nothing on the database.
  const db = await openPostgres({ url, poolSize: 2, readOnly: true });
  try {
    const server = (await selectRow<{ num: number; version: string }>(db, sql`select current_setting('server_version_num')::int as num, current_setting('server_version') as version`))!;
    const serverMajor = Math.floor(server.num / 10_000);
    const dump = await clientVersion('pg_dump', serverMajor);
    await clientVersion('pg_restore', serverMajor);
    // pg_dump reads servers of its own major version and older only (it aborts on a newer one).
    if (dump.major < serverMajor) throw new PgDumpUnavailable(`pg_dump ${dump.version} is older than the server (PostgreSQL ${server.version}), so it cannot dump it.`, serverMajor);
    const connection = libpqConnection(url);

    await publishVerifiedFile(target, async (partial) => {
      await readTransaction(db, async () => {
        // The first statement of the transaction: its snapshot is the one exported.
        const snapshot = (await selectRow<{ id: string }>(db, sql`select pg_export_snapshot() as id`))!.id;
        // verify() joins this transaction (readTransaction inside one runs in it), so it reads the exported snapshot.
        const auditChain = await createAuditService({ db }).verify();
        out.summary = { backup: target, engine: 'postgresql', format: 'pg_dump custom', integrity: 'not checked', auditChain, auditHead: await lastEventOf(db) };
        if (!auditChain.ok) throw new SnapshotRejected();
        // The snapshot can be imported only while this transaction is open: pg_dump runs inside it.
        const dumped = await run('pg_dump', ['--format=custom', '--no-password', `--snapshot=${snapshot}`, `--file=${partial}`, `--dbname=${connection.dbname}`], connection.env);
        if (dumped.code !== 0) throw new Error(`pg_dump failed (${dumped.exit}): ${dumped.stderr.trim()}`);
      });
      const summary = out.summary!;
      summary.integrity = await checkArchive(partial);
      if (summary.integrity !== ARCHIVE_OK) throw new SnapshotRejected();
    });
  } finally {
    await closeDatabase(db);
  }
}

const ARCHIVE_OK = 'pg_restore --list ok';

/** pg_restore reads the archive's table of contents, and it holds the history's rows. */
async function checkArchive(file: string): Promise<string> {
  const listed = await run('pg_restore', ['--list', file], {});
  if (listed.code !== 0) return `pg_restore --list failed (${listed.exit}): ${listed.stderr.trim()}`;
  // e.g. "3393; 0 16412 TABLE DATA public audit_events postgres"
  if (!/^\d+; \d+ \d+ TABLE DATA public audit_events /m.test(listed.stdout)) return 'pg_restore --list: the archive holds no data for audit_events';
  return ARCHIVE_OK;
}

/**
 * The URL for libpq's --dbname, without its password (a command line is
 * visible to every user of the machine): the password goes to the child's
 * environment as PGPASSWORD instead.
 */
function libpqConnection(url: string): { dbname: string; env: Record<string, string> } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : (u.searchParams.get('password') ?? '');
  u.password = '';
  u.searchParams.delete('password');
  return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}

async function clientVersion(tool: 'pg_dump' | 'pg_restore', serverMajor: number): Promise<ClientVersion> {
  let answer: RunResult;
  try {
    answer = await run(tool, ['--version'], {});
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new PgDumpUnavailable(`${tool} was not found on PATH.`, serverMajor);
    throw err;
  }
  const m = /\(PostgreSQL\)\s+((\d+)(?:\.\d+)*)/.exec(answer.stdout);
  // Debian's wrapper answers an error when no client version is installed.
  if (answer.code !== 0 || !m) throw new PgDumpUnavailable(`${tool} --version did not name a PostgreSQL version: ${(answer.stderr || answer.stdout).trim()}.`, serverMajor);
  return { major: Number(m[2]), version: m[1]! };
}

interface RunResult {
  code: number | null;
  /** How it ended, for messages: `exit 1`, or the signal. */
  exit: string;
  stdout: string;
  stderr: string;
}

/** Runs a tool found on PATH with `env` added to this process's environment; rejects only when it cannot be started. */
function run(command: string, args: readonly string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, exit: signal ?? `exit ${code}`, stdout, stderr }));
  });
}
