/**
 * The handover form of an issuance, for the participant to sign. A plain link
 * cannot send the session's bearer token, so the PDF is fetched with it and
 * handed to the browser through a blob URL (as download.ts saves reports and
 * the station opens its PDFs, src/station/printing.ts).
 */
import * as api from '../client/api.js';
import { session } from './state.js';

const pathOf = (id: number) => `/api/v1/issuances/${id}/handover.pdf`;

async function blobUrl(id: number): Promise<{ url: string; name: string }> {
  const res = await api.send('GET', pathOf(id), { token: session.value?.token ?? null, timeoutMs: 30_000 });
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `handover-${id}.pdf`;
  const url = URL.createObjectURL(await res.blob());
  // Revoked later, not at once: the browser reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { url, name };
}

/** Saves the form as a file (right after the issue: a tab opened then, after the request, would be blocked as a popup); resolves to its name. */
export async function saveHandover(id: number): Promise<string> {
  const { url, name } = await blobUrl(id);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  return name;
}

/** Opens the form in a new tab, from a click: the tab is opened at once, before the fetch, so that it is not blocked. */
export async function openHandover(id: number): Promise<void> {
  const win = window.open('', '_blank');
  try {
    const { url } = await blobUrl(id);
    if (win) win.location.href = url;
    else window.location.assign(url);
  } catch (err) {
    win?.close();
    throw err;
  }
}
