import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FLUSH_EVERY_MS, serverLogStream } from '../../src/core/logger.js';

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

  /**
   * The server log stream on a file of its own, with every write SonicBoom makes counted (it writes through the fs
   * module's write); closed and removed afterwards.
   */
  async function onLogFile(run: (log: { stream: NodeJS.WritableStream; file: string; writes: ReturnType<typeof vi.spyOn> }) => Promise<void>): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-log-'));
    const file = path.join(dir, 'server.log');
    const fd = fs.openSync(file, 'a');
    const writes = vi.spyOn(fs, 'write');
    const stream = serverLogStream('info', fd)!;
    try {
      await run({ stream, file, writes });
    } finally {
      writes.mockRestore();
      const closed = new Promise((r) => stream.once('close', r));
      stream.end();
      await closed;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('writes a lone line within the flush interval, and writes nothing while idle', () =>
    onLogFile(async ({ stream, file, writes }) => {
      stream.write('{"msg":"one"}\n');
      // A line far under the 4 KiB batch still reaches the file, within the interval.
      await vi.waitFor(() => expect(fs.readFileSync(file, 'utf8')).toBe('{"msg":"one"}\n'), { timeout: 5000, interval: 20 });
      await new Promise((r) => setTimeout(r, FLUSH_EVERY_MS + 50));
      writes.mockClear();
      // Idle for four intervals: no write at all, not even of an empty buffer.
      await new Promise((r) => setTimeout(r, 4 * FLUSH_EVERY_MS + 100));
      expect(writes).not.toHaveBeenCalled();
      stream.write('{"msg":"two"}\n');
      await vi.waitFor(() => expect(fs.readFileSync(file, 'utf8')).toBe('{"msg":"one"}\n{"msg":"two"}\n'), { timeout: 5000, interval: 20 });
    }));

  it('gathers lines and writes them about 4 KiB at a time, all of them, in order', () =>
    onLogFile(async ({ stream, file, writes }) => {
      const line = (i: number) => `${JSON.stringify({ msg: 'line', i, pad: 'x'.repeat(280) })}\n`;
      for (let i = 0; i < 13; i++) stream.write(line(i));
      // 13 lines of about 300 bytes: under the batch, nothing written yet.
      expect(writes).not.toHaveBeenCalled();
      stream.write(line(13));
      // The fourteenth crosses 4 KiB: one write of all fourteen.
      expect(writes).toHaveBeenCalledTimes(1);
      for (let i = 14; i < 20; i++) stream.write(line(i));
      const expected = Array.from({ length: 20 }, (_, i) => line(i)).join('');
      await vi.waitFor(() => expect(fs.readFileSync(file, 'utf8')).toBe(expected), { timeout: 5000, interval: 20 });
    }));
});
