/** Recycling: the page's frame. */
import { h } from 'preact';
import { t } from '../client/i18n.js';

export function RecyclingPage() {
  return h('section', { 'aria-labelledby': 'recycling-title' }, h('div', { class: 'page-head' }, h('h1', { id: 'recycling-title' }, t('office.page.recycling'))));
}
