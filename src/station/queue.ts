/**
 * The station's side of the outbox: the sync protocol (src/client/sync.ts)
 * wired to this page's IndexedDB, session and clock, and the queue badge and
 * panel drawn from the outbox.
 */
import { newKey } from '../client/api.js';
import type { OutboxEntry } from '../client/outbox-store.js';
import { createPages, PAGE_BEAT_MS } from '../client/pages.js';
import { createSync } from '../client/sync.js';
import { refreshDevice } from './device-reads.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';
import { nav } from './nav.js';
import { call, state, type Session } from './state.js';
import { focusScan, problemText, regions, signal } from './ui.js';

/** This page among the station's tabs (see src/client/pages.ts). */
export const pages = createPages({ storage: () => localStorage, now: () => Date.now(), pageId: newKey(), prefix: 'refurb-ledger.station.page.' });

/** Says this page is alive every 2 s, and forgets it when the page goes. */
export function keepPageAlive(): void {
  pages.beat();
  window.setInterval(() => pages.beat(), PAGE_BEAT_MS);
  window.addEventListener('pagehide', () => pages.leave());
}

export const sync = createSync<Session>({
  store: () => state.store,
  send: (as, request) => call(request.method, request.path, { body: request.body, idempotencyKey: request.idempotencyKey, as }),
  clock: {
    now: () => Date.now(),
    every: (ms, fn) => {
      const timer = window.setInterval(fn, ms);
      return () => window.clearInterval(timer);
    },
  },
  session: () => state.session,
  pageId: pages.pageId,
  pageGone: (pageId) => pages.gone(pageId),
  events: {
    changed: () => refreshQueue(),
    notKept: (what) => signal('refused', t('station.queue.notKept', { what }), t('station.queue.unavailable')),
    sessionEnded: (as, lost) => nav.sessionEnded(as, lost),
    refused: (entry, p) => signal('refused', t('station.queue.refused', { what: entry.what }), problemText(p)),
    drained: async (touched, as) => {
      // The card shown is brought up to date with what was sent about its device.
      const tag = state.shown?.device.assetTag;
      const viewFree = () => !state.formOpen && !state.dialogOpen && state.session === as;
      if (tag && touched.has(tag) && viewFree()) {
        await refreshDevice(tag);
        if (viewFree() && state.shown?.device.assetTag === tag) nav.showMain();
      }
    },
    sent: (count) => {
      if (document.body.dataset['feedback'] !== 'refused') signal('success', t('station.queue.sent', { count }));
    },
  },
});

/** Sends this user's waiting requests, oldest first. */
export const drain = (): Promise<void> => sync.drain();

/** The badge and the panel, from the outbox; and the retry timer, while anything of this user waits. */
export async function refreshQueue(): Promise<void> {
  const { queueBadge, queuePanel } = regions;
  if (!state.store || !queueBadge || !queuePanel) return;
  // Requests on their way right now are not shown: only what waits, and what was refused.
  const entries = (await sync.entries()).filter((e) => e.state !== 'sending');
  const waiting = entries.filter((e) => e.state === 'waiting');
  const refused = entries.filter((e) => e.state === 'refused');
  queueBadge.hidden = entries.length === 0;
  queueBadge.dataset['count'] = String(waiting.length);
  queueBadge.textContent = refused.length > 0 ? t('station.queue.badgeRefused', { count: waiting.length, refused: refused.length }) : t('station.queue.badge', { count: waiting.length });
  queueBadge.classList.toggle('has-refused', refused.length > 0);
  if (refused.length > 0) queuePanel.classList.add('open');
  if (entries.length === 0) queuePanel.classList.remove('open');
  const me = state.session?.user.username;
  replaceChildren(
    queuePanel,
    h('h2', { text: t('station.queue.title') }),
    entries.length === 0 ? h('p', { class: 'hint', text: t('station.queue.empty') }) : null,
    h(
      'ol',
      {},
      entries.map((e) =>
        h(
          'li',
          { class: `queued queued-${e.state}`, attrs: { 'data-state': e.state } },
          h('div', { text: e.what }),
          h('small', { text: new Date(e.queuedAt).toLocaleTimeString() }),
          e.username !== me ? h('small', { class: 'warning', text: ` ${t('station.queue.otherUser', { user: e.username })}` }) : null,
          e.problem ? h('div', { class: 'reason', text: problemText(e.problem) }) : null,
          e.state === 'refused'
            ? h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'dismiss' }, text: t('station.queue.dismiss'), on: { click: () => void dismiss(e) } })
            : null,
        ),
      ),
    ),
  );
  // While anything waits, keep trying; the browser's online event tries at once.
  await sync.keepTrying(me);
}

async function dismiss(entry: OutboxEntry): Promise<void> {
  await state.store?.remove(entry.seq!);
  await refreshQueue();
  focusScan();
}
