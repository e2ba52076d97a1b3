/**
 * Saving a document the service renders (a donation's certificate, a
 * shipment's manifest): fetched with the session's bearer token, which a
 * plain link cannot send, and handed to the browser as a blob URL on a link
 * with `download`, as download.ts does for reports.
 */
import * as api from '../client/api.js';
import { fileNameOf } from '../client/donations.js';
import { session } from './state.js';

/** Fetches `path` (under /api/v1) and saves it; resolves to the file name, or throws the refusal. */
export async function saveFile(path: string, fallbackName: string): Promise<string> {
  const res = await api.send('GET', `/api/v1${path}`, { token: session.value?.token ?? null, timeoutMs: 60_000 });
  const name = fileNameOf(res.headers.get('content-disposition'), fallbackName);
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
