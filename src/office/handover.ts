/**
 * The handover form of an issuance, for the participant to sign. A plain link
 * cannot send the session's bearer token, so the PDF is fetched with it and
 * handed to the browser through a blob URL (download.ts).
 */
import { fetchFile, saveUrl } from './download.js';

const blobUrl = (id: number) => fetchFile(`/issuances/${id}/handover.pdf`, `handover-${id}.pdf`, 30_000);

/** Saves the form as a file (right after the issue: a tab opened then, after the request, would be blocked as a popup); resolves to its name. */
export async function saveHandover(id: number): Promise<string> {
  const { url, name } = await blobUrl(id);
  saveUrl(url, name);
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
