/**
 * The scan station: the page trainees use at the workbench with a USB barcode
 * scanner (which types the code and presses Enter). The scan field keeps the
 * focus; a scan shows the device card; the card's buttons open the forms for
 * what the user's role may do now. Requests the server does not answer are
 * kept in the outbox (IndexedDB) with their Idempotency-Key and sent again, in
 * order, when it answers (src/client/sync.ts). docs/station.md maps the modules.
 */
import { onMessages, t } from './i18n.js';
import { Store } from './idb-store.js';
import { drain, keepPageAlive, pages, refreshQueue } from './queue.js';
import { applyPageLocale, state } from './state.js';
import { keepScannerTyping, signal } from './ui.js';
import { redrawForNewText, render } from './views.js';

keepPageAlive();
// Text reviewed in the app since the page was built: the station redraws when it arrives.
onMessages(redrawForNewText);
applyPageLocale();
keepScannerTyping();
window.addEventListener('online', () => void drain());

/** The page first, the browser's storage after: a slow or blocked IndexedDB must not keep the station blank. */
async function start(): Promise<void> {
  render();
  try {
    const opened = await Store.open();
    await opened.recover((pageId) => pages.gone(pageId));
    state.store = opened;
  } catch {
    state.store = null;
    signal('refused', t('station.queue.unavailable'));
    return;
  }
  await refreshQueue();
  if (state.session) await drain();
}

void start();
