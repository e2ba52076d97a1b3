/** Loans: the page's frame. */
import { h } from 'preact';
import { t } from '../client/i18n.js';

export function LoansPage() {
  return h('section', { 'aria-labelledby': 'loans-title' }, h('div', { class: 'page-head' }, h('h1', { id: 'loans-title' }, t('office.page.loans'))));
}
