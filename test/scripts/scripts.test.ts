import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integrityCheck } from '../../src/core/db.js';
import { createAuditService } from '../../src/modules/audit/audit.service.js';
import { ADMIN_PASSWORD, bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function runScript(script: string, args: string[], env: Record<string, string>, input?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', script), ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

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
    const summary = JSON.parse(result.stdout.trim()) as { integrity: string; auditChain: { ok: boolean; events: number } };
    expect(summary.integrity).toBe('ok');
    expect(summary.auditChain.ok).toBe(true);

    // Restore: the service starts on the copy, the chain verifies there, and the copy holds a prefix of the writes.
    const restored = await createTestApp({ dbPath: target });
    try {
      expect(integrityCheck(restored.db)).toBe('ok');
      expect(createAuditService({ db: restored.db }).verify().ok).toBe(true);
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
