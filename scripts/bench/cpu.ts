/**
 * The servers' side of CPU time per request: over the IPC channel the bench
 * opened, `{ port }` once, then `process.cpuUsage()` (µs of user and system
 * time) for each `'cpu'` message. The bench divides the difference by the
 * requests answered in between.
 */
export function serveCpuUsage(port: number): void {
  if (!process.send) return;
  process.send({ port });
  process.on('message', (m) => {
    if (m === 'cpu') process.send!({ cpu: process.cpuUsage() });
  });
  // The channel must not keep the process alive on its own.
  process.channel?.unref();
}
