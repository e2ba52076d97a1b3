import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integrityCheck, openReadOnlyDatabase } from '../../src/core/db.js';
import { createAuditService } from '../../src/modules/audit/audit.service.js';
import { ADMIN_PASSWORD, bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface ScriptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a script as `npm run` would; `done` settles when it has exited and its output is read. */
function startScript(script: string, args: string[], env: Record<string, string>, input?: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', script), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });
  const done = new Promise<ScriptResult>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A script killed on purpose closes its stdin under us: that is not a test failure.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

const runScript = (script: string, args: string[], env: Record<string, string>, input?: string) => startScript(script, args, env, input).done;

describe('backup and restore drill', () => {
  let dir: string;
  let t: TestApp;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-backup-'));
    t = await createTestApp({ dbPath: path.join(dir, 'live.db') });
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('snapshots a database while writers run; the copy verifies and the service starts on it', async () => {
    const token = await t.token('trainee');
    const target = path.join(dir, 'snap', 'backup.db');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const res = await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop());
        expect(res.status).toBe(201);
        written += 1;
      }
    })();
    // Let some writes land first, so the snapshot has something to be consistent about.
    while (written < 20) await new Promise((r) => setTimeout(r, 5));
    const result = await runScript('backup.ts', [target], { DATABASE_PATH: path.join(dir, 'live.db') });
    writing = false;
    await writer;

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim()) as {
      backup: string;
      integrity: string;
      auditChain: { ok: boolean; events: number };
      auditHead: { eventId: number; hash: string };
    };
    expect(summary.backup).toBe(target);
    expect(summary.integrity).toBe('ok');
    expect(summary.auditChain.ok).toBe(true);
    // The chain's ids run 1..n without gaps, so the head is event n.
    expect(summary.auditHead).toEqual({ eventId: summary.auditChain.events, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(fs.readdirSync(path.dirname(target))).toEqual(['backup.db']);

    // Restore: the service starts on the copy, the chain verifies there, and the copy holds a prefix of the writes.
    const restored = await createTestApp({ dbPath: target });
    try {
      expect(integrityCheck(restored.db)).toBe('ok');
      expect((await createAuditService({ db: restored.db }).verify()).ok).toBe(true);
      const admin = await restored.login('admin', ADMIN_PASSWORD);
      const res = await restored.http.get('/api/v1/devices?limit=500').set(bearer(admin));
      expect(res.status).toBe(200);
      const copied = res.body.items.length as number;
      expect(copied).toBeGreaterThanOrEqual(20);
      expect(copied).toBeLessThanOrEqual(written);
      const verify = await restored.http.get('/api/v1/audit/verify').set(bearer(admin));
      expect(verify.body.ok).toBe(true);
      // Every device in the copy has its intake event: no half-written intake.
      for (const d of res.body.items as Array<{ assetTag: string }>) {
        const h = await restored.http.get(`/api/v1/devices/${d.assetTag}/history`).set(bearer(admin));
        expect(h.body.events.map((e: { action: string }) => e.action)).toEqual(['device.intake']);
      }
    } finally {
      await restored.close();
    }
  });

  it('refuses to overwrite an existing file', async () => {
    const target = path.join(dir, 'exists.db');
    fs.writeFileSync(target, 'precious');
    const result = await runScript('backup.ts', [target], { DATABASE_PATH: path.join(dir, 'live.db') });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('already exists');
    expect(fs.readFileSync(target, 'utf8')).toBe('precious');
  });

  it('writes nothing at the target when the copy does not verify', async () => {
    // A forged event at the end of the chain (inserting is all the append-only triggers allow).
    t.db.$client
      .prepare("insert into audit_events (entity_type, entity_id, action, at, details, prev_hash, hash) values ('device', '1', 'device.noted', ?, '{}', ?, ?)")
      .run(t.clock.now().toISOString(), 'f'.repeat(64), 'e'.repeat(64));
    const out = path.join(dir, 'out');
    const result = await runScript('backup.ts', [path.join(out, 'refused.db')], { DATABASE_PATH: path.join(dir, 'live.db') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did not verify');
    const summary = JSON.parse(result.stdout.trim()) as { backup: string | null; auditChain: { ok: boolean } };
    expect(summary.backup).toBeNull();
    expect(summary.auditChain.ok).toBe(false);
    // Neither the target nor the temporary copy nor its journal is left behind.
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('leaves nothing or a complete, verified backup when killed at any moment, and a rerun to the same target then succeeds', { timeout: 90_000 }, async () => {
    // Enough data that the copy and its checks take a few hundred ms: a few
    // devices through the API (events on the chain), then scans inserted directly.
    const token = await t.token('trainee');
    for (let i = 0; i < 5; i++) expect((await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop())).status).toBe(201);
    const SCANS = 25_000;
    t.db.$client
      .prepare(
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
         insert into scans (code, server_time, user_id, duplicate)
         select hex(randomblob(200)) || '-' || i, ?, (select id from users where username = 'admin'), 0 from n`,
      )
      .run(SCANS, t.clock.now().toISOString());
    t.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const events = (await createAuditService({ db: t.db }).verify()).events;
    const env = { DATABASE_PATH: path.join(dir, 'live.db') };
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);

    /** A file at a backup path is a whole, verified copy of the live data. */
    async function expectCompleteBackup(name: string): Promise<void> {
      const copy = openReadOnlyDatabase(path.join(out, name));
      try {
        expect(integrityCheck(copy), name).toBe('ok');
        expect(await createAuditService({ db: copy }).verify(), name).toMatchObject({ ok: true, events });
        expect(copy.$client.prepare('select count(*) as n from scans').get(), name).toEqual({ n: SCANS });
      } catch (err) {
        // A half-written file may not even open (a hot journal beside it): say which file.
        throw new Error(`${name} is not a complete backup`, { cause: err });
      } finally {
        copy.$client.close();
      }
    }

    /**
     * Backs up to out/<name>, SIGKILLing the run `killAfterMs` after its
     * temporary copy appears (not at all when undefined): timed from there, the
     * kills land in the copy, the checks, the fsync and the rename, not in
     * Node's start-up, where the outcome is trivially "nothing".
     */
    async function backup(name: string, killAfterMs?: number) {
      const watcher = fs.watch(out);
      const run = startScript('backup.ts', [path.join(out, name)], env);
      let startedAt: number | undefined;
      let timer: NodeJS.Timeout | undefined;
      watcher.on('change', (_event, file) => {
        if (startedAt !== undefined || file !== `.${name}.partial-${run.child.pid}`) return;
        startedAt = performance.now();
        if (killAfterMs !== undefined) timer = setTimeout(() => run.child.kill('SIGKILL'), killAfterMs);
      });
      const result = await run.done;
      const workMs = startedAt === undefined ? undefined : performance.now() - startedAt;
      clearTimeout(timer);
      watcher.close();
      return { ...result, workMs };
    }

    const baseline = await backup('baseline.db');
    expect(baseline.code, baseline.stderr).toBe(0);
    await expectCompleteBackup('baseline.db');
    const workMs = baseline.workMs;
    if (workMs === undefined) throw new Error('the temporary copy was never seen');

    const outcomes: string[] = [];
    let name = 'kill-0.db';
    let leftNothing: string | undefined;
    for (let i = 7; i >= 0; i--) {
      // One delay in each eighth of the measured work (and a little past its end),
      // latest first: the last try, inside VACUUM INTO, leaves the target empty
      // for the rerun below.
      const delay = (workMs * 1.1 * (i + Math.random())) / 8;
      const r = await backup(name, delay);
      const exists = fs.existsSync(path.join(out, name));
      outcomes.push(`${Math.round(delay)} ms: ${r.signal ?? `exit ${r.code}`}, ${exists ? 'complete' : 'nothing'}`);
      if (r.signal !== 'SIGKILL') expect(r.code, `${outcomes.join('; ')}\n${r.stderr}`).toBe(0);
      if (exists) {
        await expectCompleteBackup(name);
        name = `kill-${8 - i}.db`;
        leftNothing = undefined;
      } else {
        // The next try reruns to this same target, over this run's leftovers.
        leftNothing = name;
      }
    }
    expect(leftNothing, outcomes.join('; ')).toBeDefined();

    const rerun = await backup(leftNothing!);
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout.trim())).toMatchObject({ backup: path.join(out, leftNothing!), integrity: 'ok', auditChain: { ok: true, events } });
    await expectCompleteBackup(leftNothing!);
    // The killed runs' temporaries for that target are gone; none of them ever looked like a backup.
    expect(fs.readdirSync(out).filter((f) => f.startsWith(`.${leftNothing!}.`)), outcomes.join('; ')).toEqual([]);
    for (const f of fs.readdirSync(out).filter((f) => !f.startsWith('.'))) await expectCompleteBackup(f);
  });
});

describe('user:create script', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-user-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a user whose password comes from stdin, who can then log in', async () => {
    const dbPath = path.join(dir, 'db.sqlite');
    const result = await runScript('create-user.ts', ['--username', 'anna', '--role', 'coordinator', '--display-name', 'Anna K.', '--password-stdin'], { DATABASE_PATH: dbPath }, 'a-password-from-stdin\n');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created coordinator "anna"');
    const t = await createTestApp({ dbPath });
    try {
      const token = await t.login('anna', 'a-password-from-stdin');
      const me = await t.http.get('/api/v1/me').set(bearer(token));
      expect(me.body.user).toMatchObject({ username: 'anna', role: 'coordinator', displayName: 'Anna K.' });
    } finally {
      await t.close();
    }
  });

  it('refuses a bad role naming the option, and writes nothing', async () => {
    const dbPath = path.join(dir, 'db.sqlite');
    const result = await runScript('create-user.ts', ['--username', 'bob', '--role', 'wizard'], { DATABASE_PATH: dbPath });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--role');
    expect(fs.existsSync(dbPath)).toBe(false);
  });

  it('refuses a short password', async () => {
    const dbPath = path.join(dir, 'db.sqlite');
    const result = await runScript('create-user.ts', ['--username', 'carl', '--role', 'staff', '--password-stdin'], { DATABASE_PATH: dbPath }, 'short\n');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('password');
    expect(result.stderr).toContain('12');
    expect(fs.existsSync(dbPath)).toBe(false);
  });
});

describe('npm start', () => {
  it('stops with a message naming the variable when the configuration is invalid', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'abc', DATABASE_PATH: path.join(os.tmpdir(), `never-${process.pid}.db`) },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PORT');
  });
});
