/** The frame every office page sits in: sign-in when no one is signed in, else the top bar, the role's navigation and the page. */
import { h, type ComponentType } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t, tOr } from '../client/i18n.js';
import { pageFromHash, pagesFor, type OfficePageId } from '../client/office-pages.js';
import { logout } from '../client/session.js';
import { SignIn } from './sign-in.js';
import { LanguagePicker } from './language-picker.js';
import { loadSites, locale, messagesVersion, notice, ownSiteName, route, session, signOutHere } from './state.js';
import { ReportsPage } from './reports-page.js';
import { TodayPage } from './today-page.js';
import { ParticipantsPage } from './participants-page.js';
import { Message } from './ui.js';
import { UsersPage } from './users-page.js';
import { DevicesPage } from './devices-page.js';
import { LoansPage } from './loans-page.js';
import { DonationsPage } from './donations-page.js';
import { RecyclingPage } from './recycling-page.js';
import { TranslationsPage } from './translations-page.js';
import { TransfersPage } from './transfers-page.js';

const PAGES: Record<OfficePageId, ComponentType> = {
  today: TodayPage,
  devices: DevicesPage,
  loans: LoansPage,
  participants: ParticipantsPage,
  donations: DonationsPage,
  transfers: TransfersPage,
  recycling: RecyclingPage,
  reports: ReportsPage,
  users: UsersPage,
  translations: TranslationsPage,
};

/**
 * After a move to another page (not on the first drawing, nor when only the
 * query changes, as filters do), focus goes to the new page's heading unless
 * the page focused one of its fields, so a
 * keyboard or screen-reader user starts there; the tab's title names the page.
 */
function usePageFocus(page: OfficePageId | null, path: string): void {
  const shown = useRef<string | null>(null);
  const title = `${page ? t(`office.page.${page}`) : t('office.title')} · ${ownSiteName()}`;
  useEffect(() => {
    document.title = title;
  }, [title]);
  useEffect(() => {
    const before = shown.current;
    shown.current = path;
    if (before === null || before === path) return;
    // A page that put the focus in a field of its own (the shipment's scan field) keeps it there.
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.closest('main') && active.matches('input, select, textarea')) return;
    const heading = document.querySelector<HTMLElement>('main h1');
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [page, path]);
}

export function App() {
  // Read here so that a change of language, or newer reviewed text from the server, redraws every page.
  void locale.value;
  void messagesVersion.value;
  const s = session.value;
  const current = s ? pageFromHash(route.value, s.user.role) : null;
  usePageFocus(current, route.value.split('?')[0] ?? '');
  const token = s?.token;
  useEffect(() => {
    if (token) void loadSites();
  }, [token]);
  if (!s) return h(SignIn, null);
  const pages = pagesFor(s.user.role);
  const signOut = () => {
    signOutHere();
    void logout(s);
  };
  return h(
    'div',
    { class: 'office' },
    h(
      'header',
      { class: 'topbar' },
      h('span', { class: 'site', 'data-testid': 'office-site', 'data-site': s.user.site }, h('strong', null, ownSiteName()), ' · ', t('office.title')),
      h(
        'nav',
        { 'aria-label': t('office.nav.label') },
        h(
          'ul',
          { class: 'nav' },
          pages.map((p) =>
            h('li', { key: p.id }, h('a', { href: `#/${p.id}`, 'aria-current': p.id === current ? 'page' : undefined }, t(`office.page.${p.id}`))),
          ),
        ),
      ),
      h('span', { class: 'user' }, s.user.displayName, h('span', { class: 'role' }, tOr(`station.role.${s.user.role}`, s.user.role))),
      h(LanguagePicker, { id: 'office-locale' }),
      h('button', { type: 'button', class: 'secondary', onClick: signOut }, t('office.signOut')),
    ),
    h(
      'main',
      { id: 'main', class: 'page' },
      h(Message, { kind: 'info', text: notice.value }),
      current
        ? h(PAGES[current], null)
        : h('section', { class: 'panel' }, h('h1', null, t('office.noPages.title')), h('p', null, t('office.noPages')), h('p', null, h('a', { href: '/' }, t('office.toStation')))),
    ),
  );
}
