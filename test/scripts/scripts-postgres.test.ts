/**
 * The operator's scripts on PostgreSQL (DATABASE_URL), run as `npm run` runs
 * them: backup (pg_dump of the snapshot the audit chain was verified in),
 * its restore with pg_restore, audit:verify and user:create.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, bearer, createTestApp, laptop, type TestApp } from '../helpers.js';
import { createTestDatabase, DEFAULT_TEST_DATABASE_URL, type TestDatabase } from '../support/pg.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; `input` is its standard input. */
function run(command: string, args: string[], env: Record<string, string> = {}, input = ''): Promise<RunResult> {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A script as `npm run` starts it. */
const runScript = (script: string, args: string[], env: Record<string, string>, input?: string) =>
  run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', script), ...args], env, input);

interface BackupSummary {
  backup: string | null;
  engine: string;
  format: string;
  integrity: string;
  auditChain: { ok: boolean; events: number; head?: { id: number; hash: string }; reason?: string; brokenAt?: { id: number; reason: string } };
  auditHead: { eventId: number; hash: string } | null;
}

/** The same database URL with a password in it (the local server trusts TCP, so any password connects). */
function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const admin = <T>(fn: (client: pg.Client) => Promise<T>) => withClient(ADMIN_URL, fn);

/** An empty database (no migrations), as `createdb` makes one; dropped by the returned function. */
async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `rl_ops_empty_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`create database "${name}"`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined) };
}

/** The directory on PATH that holds the real `tool`. */
function realTool(tool: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, tool))) return path.join(dir, tool);
  }
  throw new Error(`${tool} is not on PATH: install postgresql-client-15`);
}

/** A directory to use as the whole PATH, holding the given executables (name -> shell script, or a symlink to a real tool). */
function binDir(parent: string, tools: Record<string, { script: string } | { link: string }>): string {
  const dir = fs.mkdtempSync(path.join(parent, 'bin-'));
  for (const [name, tool] of Object.entries(tools)) {
    const file = path.join(dir, name);
    if ('link' in tool) fs.symlinkSync(tool.link, file);
    else fs.writeFileSync(file, `#!/bin/sh\n${tool.script}\n`, { mode: 0o755 });
  }
  return dir;
}

describe('operator scripts on PostgreSQL', () => {
  let dir: string;
  let live: TestDatabase;
  let t: TestApp;
  let token: string;
  /** The devices taken in before any backup. */
  const before: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-pg-scripts-'));
    live = await createTestDatabase('rl_ops');
    t = await createTestApp({ postgresUrl: live.url });
    token = await t.token('trainee');
    for (let i = 0; i < 3; i++) {
      const res = await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop());
      expect(res.status).toBe(201);
      before.push(res.body.device.assetTag as string);
    }
  });
  afterAll(async () => {
    await t?.close();
    await live?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({ DATABASE_URL: live.url, AUDIT_ANCHORS_PATH: path.join(dir, 'anchors.log'), ...extra });

  it('backs up while writers run; the dump holds exactly the verified chain, and restored with pg_restore the service answers it', { timeout: 120_000 }, async () => {
    const target = path.join(dir, 'round-trip', 'backup.dump');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const res = await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop());
        expect(res.status).toBe(201);
        written += 1;
      }
    })();
    const result = await runScript('backup.ts', [target], env()).finally(() => (writing = false));
    await writer;

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim()) as BackupSummary;
    expect(summary).toMatchObject({ backup: target, engine: 'postgresql', format: 'pg_dump custom', integrity: 'pg_restore --list ok', auditChain: { ok: true } });
    const head = summary.auditChain.head!;
    expect(summary.auditHead).toEqual({ eventId: head.id, hash: head.hash });
    expect(fs.readdirSync(path.dirname(target))).toEqual(['backup.dump']);
    expect(fs.readFileSync(path.join(dir, 'anchors.log'), 'utf8')).toContain(` ${head.id}:${head.hash}\n`);
    // Writes went on after the snapshot, so a dump that read the live tables instead would hold more events.
    expect(written).toBeGreaterThan(0);
    const liveVerify = await t.http.get('/api/v1/audit/verify').set(bearer(await t.token('admin')));
    expect(liveVerify.body.events).toBeGreaterThan(head.id);

    // Restore as docs/operations.md says: a new database, pg_restore --no-owner, then audit:verify.
    const restored = await emptyDatabase();
    try {
      const restore = await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${restored.url}`, target]);
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);

      const verify = await runScript('audit-verify.ts', ['--anchor', `${head.id}:${head.hash}`], { DATABASE_URL: restored.url });
      expect(verify.stderr).toBe('');
      expect(verify.code).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, anchors: 1, events: head.id, head });

      const app = await createTestApp({ postgresUrl: restored.url });
      try {
        const adminToken = await app.login('admin', ADMIN_PASSWORD);
        const chain = await app.http.get('/api/v1/audit/verify').set(bearer(adminToken));
        expect(chain.status).toBe(200);
        expect(chain.body).toMatchObject({ ok: true, events: head.id, head });
        for (const tag of before) expect((await app.http.get(`/api/v1/devices/${tag}`).set(bearer(adminToken))).status, tag).toBe(200);
        // Every device in the dump has its intake event: no half-written intake.
        const devices = await app.http.get('/api/v1/devices?limit=500').set(bearer(adminToken));
        const tags = (devices.body.items as Array<{ assetTag: string }>).map((d) => d.assetTag);
        expect(tags.length).toBeGreaterThanOrEqual(before.length);
        expect(tags.length).toBeLessThanOrEqual(before.length + written);
        for (const tag of tags) {
          const history = await app.http.get(`/api/v1/devices/${tag}/history`).set(bearer(adminToken));
          expect(history.body.events.map((e: { action: string }) => e.action)).toEqual(['device.intake']);
        }
      } finally {
        await app.close();
      }
    } finally {
      await restored.drop();
    }
  });

  it('refuses a target that exists and leaves it as it was', { timeout: 60_000 }, async () => {
    const out = fs.mkdtempSync(path.join(dir, 'exists-'));
    const target = path.join(out, 'exists.dump');
    fs.writeFileSync(target, 'precious');
    const anchors = path.join(out, 'anchors.log');
    const result = await runScript('backup.ts', [target], env({ AUDIT_ANCHORS_PATH: anchors }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Backup target already exists: ${target}`);
    expect(fs.readFileSync(target, 'utf8')).toBe('precious');
    expect(fs.readdirSync(out)).toEqual(['exists.dump']);
    expect(fs.existsSync(anchors)).toBe(false);
  });

  it("removes a killed run's temporary for the same target, and keeps a running one's", { timeout: 60_000 }, async () => {
    const out = fs.mkdtempSync(path.join(dir, 'stale-'));
    // A process that has exited: its pid names no running backup.
    const dead = spawnSync('true').pid;
    fs.writeFileSync(path.join(out, `.next.dump.partial-${dead}`), 'half a dump');
    // This test's own process stands for a backup still running.
    fs.writeFileSync(path.join(out, `.next.dump.partial-${process.pid}`), 'being written');
    const result = await runScript('backup.ts', [path.join(out, 'next.dump')], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([`.next.dump.partial-${process.pid}`, 'next.dump']);
    const listed = await run('pg_restore', ['--list', path.join(out, 'next.dump')]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/TABLE DATA public audit_events /);
  });

  it('without pg_dump on PATH says that backups on PostgreSQL are pg_dump\'s and how to install it, and writes nothing', { timeout: 60_000 }, async () => {
    const empty = binDir(dir, {});
    const target = path.join(dir, 'no-pg-dump', 'never.dump');
    const result = await runScript('backup.ts', [target], env({ PATH: empty }));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("Backups on PostgreSQL are pg_dump's, and pg_dump was not found on PATH.");
    expect(result.stderr).toContain('apt-get install postgresql-client-15');
    expect(result.stderr).toContain(`Nothing was written to ${target}.`);
    expect(fs.existsSync(path.dirname(target))).toBe(false);
  });

  it('refuses a pg_dump older than the server, naming both versions, and writes nothing', { timeout: 60_000 }, async () => {
    const old = binDir(dir, { pg_dump: { script: 'echo "pg_dump (PostgreSQL) 14.10"' }, pg_restore: { link: realTool('pg_restore') } });
    const target = path.join(dir, 'old-pg-dump', 'never.dump');
    const result = await runScript('backup.ts', [target], env({ PATH: old }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pg_dump 14\.10 is older than the server \(PostgreSQL 15\.\d+/);
    expect(result.stderr).toContain('apt-get install postgresql-client-15');
    expect(fs.existsSync(path.dirname(target))).toBe(false);
  });

  describe('publishes nothing when the dump fails or its archive does not check', () => {
    /** A pg_dump that answers --version as 15, and otherwise writes `content` to its --file and exits with `code`. */
    const fakeDump = (content: string, code: number) => `case "$1" in --version) echo "pg_dump (PostgreSQL) 15.0"; exit 0;; esac
for a in "$@"; do case "$a" in --file=*) f="\${a#--file=}";; esac; done
printf '%s' '${content}' > "$f"
echo "pg_dump: error: a failure for the test" >&2
exit ${code}`;

    async function refusedWith(name: string, pgDump: { script: string }): Promise<RunResult & { out: string }> {
      const bin = binDir(dir, { pg_dump: pgDump, pg_restore: { link: realTool('pg_restore') } });
      const out = path.join(dir, name);
      const anchors = path.join(dir, `${name}-anchors.log`);
      const result = await runScript('backup.ts', [path.join(out, 'never.dump')], env({ PATH: bin, AUDIT_ANCHORS_PATH: anchors }));
      expect(result.code).toBe(2);
      expect(fs.readdirSync(out)).toEqual([]);
      expect(fs.existsSync(anchors)).toBe(false);
      return { ...result, out };
    }

    it('pg_dump exits non-zero', { timeout: 60_000 }, async () => {
      const result = await refusedWith('dump-fails', { script: fakeDump('half', 1) });
      expect(result.stderr).toContain('Backup failed, nothing was written to');
      expect(result.stderr).toContain('pg_dump failed (exit 1): pg_dump: error: a failure for the test');
      expect(JSON.parse(result.stdout)).toMatchObject({ backup: null, auditChain: { ok: true } });
    });

    it('pg_restore cannot read the archive', { timeout: 60_000 }, async () => {
      const result = await refusedWith('not-an-archive', { script: fakeDump('not an archive', 0) });
      expect(result.stderr).toContain('did not verify');
      expect(JSON.parse(result.stdout)).toMatchObject({ backup: null, auditChain: { ok: true }, integrity: expect.stringMatching(/^pg_restore --list failed \(exit 1\): /) });
    });

    it('the archive holds no history rows', { timeout: 60_000 }, async () => {
      const result = await refusedWith('no-history', { script: `exec '${realTool('pg_dump')}' "$@" --exclude-table-data=audit_events` });
      expect(result.stderr).toContain('did not verify');
      expect(JSON.parse(result.stdout)).toMatchObject({ backup: null, integrity: 'pg_restore --list: the archive holds no data for audit_events' });
    });
  });

  it('gives pg_dump the password in its environment, never on its command line', { timeout: 60_000 }, async () => {
    const log = path.join(dir, 'pg_dump-calls.log');
    const password = 'not-on-the-command-line';
    const bin = binDir(dir, {
      pg_dump: { script: `printf '%s\\n' "PGPASSWORD=\${PGPASSWORD-}" "$@" "--" >> '${log}'\nexec '${realTool('pg_dump')}' "$@"` },
      pg_restore: { link: realTool('pg_restore') },
    });
    const target = path.join(dir, 'password', 'backup.dump');
    const result = await runScript('backup.ts', [target], env({ PATH: bin, DATABASE_URL: withPassword(live.url, password) }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(fs.existsSync(target)).toBe(true);
    const calls = fs
      .readFileSync(log, 'utf8')
      .split('--\n')
      .filter((c) => c !== '')
      .map((c) => c.trimEnd().split('\n'));
    const dump = calls.find((c) => c.includes('--format=custom'));
    expect(dump).toBeDefined();
    expect(dump![0]).toBe(`PGPASSWORD=${password}`);
    expect(dump).toContain(`--dbname=${live.url}`);
    expect(dump!.slice(1).join(' ')).not.toContain(password);
    expect(result.stdout).not.toContain(password);
  });

  it('audit:verify reads the chain, prints the database without its password, and fails on a wrong anchor', { timeout: 60_000 }, async () => {
    const ok = await runScript('audit-verify.ts', [], env({ DATABASE_URL: withPassword(live.url, 'hidden-password') }));
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout) as { database: string; ok: boolean; head: { id: number; hash: string } };
    expect(result.database).toBe(withPassword(live.url, '***'));
    expect(result.ok).toBe(true);

    const wrong = `${result.head.id}:${'0'.repeat(64)}`;
    const refused = await runScript('audit-verify.ts', ['--anchor', wrong], env());
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, reason: 'anchor_mismatch', brokenAt: { id: result.head.id } });
  });

  it('audit:verify does not migrate or write to the database it checks', { timeout: 60_000 }, async () => {
    const empty = await emptyDatabase();
    try {
      const result = await runScript('audit-verify.ts', [], { DATABASE_URL: empty.url });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Cannot verify the audit chain of ${empty.url}`);
      expect(result.stderr).toContain('relation "audit_events" does not exist');
      const tables = await withClient(empty.url, async (c) => (await c.query<{ table_name: string }>("select table_schema, table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')")).rows);
      expect(tables).toEqual([]);
    } finally {
      await empty.drop();
    }
  });

  it('user:create creates a user who then logs in, and refuses a taken username', { timeout: 60_000 }, async () => {
    const args = ['--username', 'anna', '--role', 'coordinator', '--display-name', 'Anna K.', '--password-stdin'];
    const created = await runScript('create-user.ts', args, env({ DATABASE_URL: withPassword(live.url, 'hidden-password') }), 'a-password-from-stdin\n');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created coordinator "anna"`);
    expect(created.stdout).toContain(`in ${withPassword(live.url, '***')}`);
    expect(created.stdout).not.toContain('hidden-password');
    const anna = await t.login('anna', 'a-password-from-stdin');
    const me = await t.http.get('/api/v1/me').set(bearer(anna));
    expect(me.body.user).toMatchObject({ username: 'anna', role: 'coordinator', displayName: 'Anna K.' });

    const again = await runScript('create-user.ts', args, env(), 'another-password-123\n');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('The username "anna" is taken.');
    // The first password still logs in: the refused run changed nothing.
    await t.login('anna', 'a-password-from-stdin');
  });
});

describe('backup of a PostgreSQL database whose chain was tampered with', () => {
  let dir: string;
  let db: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-pg-tamper-'));
    db = await createTestDatabase('rl_ops');
    t = await createTestApp({ postgresUrl: db.url });
    const token = await t.token('trainee');
    for (let i = 0; i < 2; i++) expect((await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop())).status).toBe(201);
    // As the superuser, past the append-only trigger: the change a backup must not carry away as good.
    await withClient(db.url, async (client) => {
      await client.query('begin');
      await client.query('alter table audit_events disable trigger audit_events_no_update');
      const updated = await client.query(`update audit_events set details = '{"forged":true}' where id = 2`);
      expect(updated.rowCount).toBe(1);
      await client.query('alter table audit_events enable trigger audit_events_no_update');
      await client.query('commit');
    });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses: nothing at the target, no anchor, exit 2, and the summary names the broken event', { timeout: 60_000 }, async () => {
    const out = path.join(dir, 'out');
    const anchors = path.join(dir, 'anchors.log');
    const result = await runScript('backup.ts', [path.join(out, 'refused.dump')], { DATABASE_URL: db.url, AUDIT_ANCHORS_PATH: anchors });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did not verify');
    const summary = JSON.parse(result.stdout.trim()) as BackupSummary;
    expect(summary).toMatchObject({ backup: null, engine: 'postgresql', auditChain: { ok: false, reason: 'hash_mismatch', brokenAt: { id: 2 } } });
    expect(fs.readdirSync(out)).toEqual([]);
    expect(fs.existsSync(anchors)).toBe(false);

    const verify = await runScript('audit-verify.ts', [], { DATABASE_URL: db.url });
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, reason: 'hash_mismatch' });
  });
});
