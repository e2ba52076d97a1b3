/**
 * Saving a report: a plain link cannot send the session's bearer token, so
 * the file is fetched with it and handed to the browser as a blob URL on a
 * link with `download` (as the station opens its PDFs, src/station/printing.ts).
 */
import * as api from '../client/api.js';
import type { Period } from '../client/periods.js';
import { downloadName, reportPath, type Download } from '../client/reports.js';
import { locale, session } from './state.js';

/** Fetches the report and saves it; resolves to the file name, or throws the refusal. */
export async function saveReport(d: Download, period: Period): Promise<string> {
  const res = await api.send('GET', `/api/v1${reportPath(d, period, locale.value)}`, { token: session.value?.token ?? null, timeoutMs: 60_000 });
  const name = downloadName(d, period, res.headers.get('content-disposition'));
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: the browser reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** Fetches any file the API serves (a CSV, a certificate, a label) with the session's token and saves it; `name` overrides the service's file name. Resolves to the name saved under. */
export async function saveApiFile(path: string, fallbackName: string, name?: string): Promise<string> {
  const res = await api.send('GET', `/api/v1${path}`, { token: session.value?.token ?? null, timeoutMs: 60_000 });
  const given = /filename="?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const saved = name ?? given ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = saved;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return saved;
}
