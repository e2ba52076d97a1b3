import { Worker } from 'node:worker_threads';
import type { DiversionReport } from './reports.schemas.js';

interface Pending {
  resolve: (r: DiversionReport) => void;
  reject: (e: Error) => void;
}

/** One long-lived worker for report aggregates; started on first use, restarted if it dies. */
export function createReportWorker(dbPath: string) {
  let worker: Worker | null = null;
  let next = 1;
  const pending = new Map<number, Pending>();

  function ensure(): Worker {
    if (worker) return worker;
    // The worker inherits the process's loader flags (tsx), so it can load the TypeScript entry.
    const w = new Worker(new URL('./report-worker.mjs', import.meta.url), { workerData: { dbPath } });
    w.unref();
    w.on('message', (m: { id: number; report?: DiversionReport; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.report!);
    });
    const fail = (err: Error) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      worker = null;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`report worker exited with ${code}`)));
    worker = w;
    return w;
  }

  return {
    diversion(from: string, to: string, suppressBelow: number, site: { id: number | null; code: string; name: string }): Promise<DiversionReport> {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ensure().postMessage({ id, from, to, suppressBelow, site });
      });
    },
    async close(): Promise<void> {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
