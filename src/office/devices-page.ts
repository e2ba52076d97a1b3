/** Devices: the page's frame. */
import { h } from 'preact';
import { t } from '../client/i18n.js';

export function DevicesPage() {
  return h('section', { 'aria-labelledby': 'devices-title' }, h('div', { class: 'page-head' }, h('h1', { id: 'devices-title' }, t('office.page.devices'))));
}
