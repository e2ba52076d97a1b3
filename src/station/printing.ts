/** Labels, certificates and handover sheets: PDFs fetched with the session's token and opened in a new tab. */
import * as api from '../client/api.js';
import { Refused, Unreachable } from '../client/api.js';
import { t } from './i18n.js';
import { saveSettings } from './settings.js';
import { call, state } from './state.js';
import { focusScan, problemText, signal } from './ui.js';

async function labelTemplate(): Promise<string> {
  const { settings } = state;
  if (settings.labelTemplate) return settings.labelTemplate;
  const res = await call<{ templates: Array<{ id: string }> }>('GET', '/api/v1/label-templates');
  settings.labelTemplate = res.templates[0]?.id ?? '';
  saveSettings(settings);
  return settings.labelTemplate;
}

export async function print(kind: 'asset' | 'spec' | 'certificate', tag: string): Promise<void> {
  const base = `/api/v1/devices/${encodeURIComponent(tag)}`;
  if (kind === 'certificate') return openPdf(`${base}/certificate.pdf`);
  // The window opens at the click (a popup opened after an await is blocked), then gets the PDF.
  const win = window.open('', '_blank');
  try {
    const template = await labelTemplate();
    await openPdf(`${base}/label?template=${encodeURIComponent(template)}&format=pdf&kind=${kind}`, win);
  } catch (err) {
    win?.close();
    reportFailure(err);
  }
}

/** Fetches a PDF with the session's token (a plain link cannot send it) and shows it in a new tab. */
export async function openPdf(path: string, existing?: Window | null): Promise<void> {
  const win = existing === undefined ? window.open('', '_blank') : existing;
  try {
    const res = await api.send('GET', path, { token: state.session?.token ?? null, timeoutMs: 30_000 });
    const url = URL.createObjectURL(await res.blob());
    if (win) win.location.href = url;
    else window.location.assign(url);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    signal('info', t('station.print.opened'));
  } catch (err) {
    win?.close();
    reportFailure(err);
  }
  focusScan();
}

function reportFailure(err: unknown): void {
  if (err instanceof Refused) signal('refused', problemText(err.problem));
  else if (err instanceof Unreachable) signal('refused', t('station.unreachable.print'));
  else throw err;
}
