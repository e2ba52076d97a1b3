import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('the server log on standard output', () => {
  it('is written asynchronously, yet a crash right after a burst still flushes every request line, redacted', () => {
    const count = 200;
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support/log-crash-app.ts'), String(count)], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    // The uncaught exception ends the process with an error after the burst was answered.
    expect(r.stderr).toContain(`answered ${count} 401`);
    expect(r.stderr).toContain('crash after the burst');
    expect(r.status).not.toBe(0);
    const lines = r.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { msg?: string; requestId?: string; statusCode?: number });
    // One line per request, written when it completes.
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(count);
    expect(completed.every((l) => l.statusCode === 401)).toBe(true);
    expect(new Set(completed.map((l) => l.requestId)).size).toBe(count);
    expect(r.stdout).not.toContain('secret-token-that-must-not-be-logged');
  });
});
