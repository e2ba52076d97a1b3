/**
 * Saving and opening files the API serves (reports, CSV, certificates,
 * labels, manifests, handover forms): a plain link cannot send the session's
 * bearer token, so the file is fetched with it and handed to the browser as a
 * blob URL (as the station opens its PDFs, src/station/printing.ts).
 */
import * as api from '../client/api.js';
import type { Period } from '../client/periods.js';
import { downloadName, reportPath, type Download } from '../client/reports.js';
import { locale, session } from './state.js';

/** Fetches `path` (under /api/v1) with the session's token: a blob URL of its bytes and the file name the service gives, else `fallbackName`. Throws the refusal. */
export async function fetchFile(path: string, fallbackName: string, timeoutMs = 60_000): Promise<{ url: string; name: string }> {
  const res = await api.send('GET', `/api/v1${path}`, { token: session.value?.token ?? null, timeoutMs });
  const name = api.fileNameOf(res.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(await res.blob());
  // Revoked later, not at once: the browser reads the blob after the click returns, or a tab opens it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { url, name };
}

/** Hands a blob URL to the browser as a file saved under `name`. */
export function saveUrl(url: string, name: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

/** Fetches any file the API serves and saves it; `name` overrides the service's file name. Resolves to the name saved under. */
export async function saveApiFile(path: string, fallbackName: string, name?: string): Promise<string> {
  const file = await fetchFile(path, fallbackName);
  const saved = name ?? file.name;
  saveUrl(file.url, saved);
  return saved;
}

/** Fetches a report of the period in the page's language and saves it; resolves to the file name, or throws the refusal. */
export function saveReport(d: Download, period: Period, site?: string): Promise<string> {
  return saveApiFile(reportPath(d, period, locale.value, site), downloadName(d, period, null));
}
