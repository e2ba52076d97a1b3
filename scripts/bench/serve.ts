/**
 * Starts one of the bench servers in this directory (app-server.ts,
 * baseline-server.ts) on a database file, and waits for the `PORT <n>` line
 * it prints when listening. Its standard output stays readable through
 * `child.stdout`; its errors go to this process's standard error.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

export function serveBench(script: string, dbPath: string): Promise<{ child: ChildProcessWithoutNullStreams; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, script), dbPath], { stdio: ['ignore', 'pipe', 'inherit'] }) as unknown as ChildProcessWithoutNullStreams;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const m = /PORT (\d+)/.exec(d.toString());
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}
