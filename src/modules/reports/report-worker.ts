/** The report worker: its own read-only connection, one aggregate at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnlyDatabase } from '../../core/db.js';
import { computeDiversion, type ReportSite } from './reports.service.js';

const db = openReadOnlyDatabase((workerData as { dbPath: string }).dbPath);
parentPort!.on('message', (m: { id: number; from: string; to: string; suppressBelow: number; site: ReportSite }) => {
  computeDiversion(db, m.from, m.to, m.suppressBelow, m.site).then(
    (report) => parentPort!.postMessage({ id: m.id, report }),
    (err: unknown) => parentPort!.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
