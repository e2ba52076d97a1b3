/**
 * The office: the pages coordinators, office staff and administrators use
 * every day, in Preact with signals. State in ./state.ts; DOM-free logic
 * (session, pages per role, the Today figures) in src/client, shared with the
 * station and tested in Node. docs/office.md gives the tour.
 */
import { h, render } from 'preact';
import { App } from './app.js';
import { applyLocale, locale, route } from './state.js';

applyLocale(locale.value);
window.addEventListener('hashchange', () => {
  route.value = location.hash;
});
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(h(App, null), root);
}
