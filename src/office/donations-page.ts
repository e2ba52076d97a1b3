/** Donations: the page's frame. */
import { h } from 'preact';
import { t } from '../client/i18n.js';

export function DonationsPage() {
  return h('section', { 'aria-labelledby': 'donations-title' }, h('div', { class: 'page-head' }, h('h1', { id: 'donations-title' }, t('office.page.donations'))));
}
