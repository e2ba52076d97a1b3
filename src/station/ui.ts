/** What every view shares: the page's regions, the feedback line, and the scan field that keeps the focus. */
import type { Problem } from '../client/api.js';
import { h, replaceChildren } from './dom.js';
import { playTone, type FeedbackKind } from './feedback.js';
import { chooseLocale, LOCALES, t, tOr, type Locale } from './i18n.js';
import { saveSettings } from './settings.js';
import { state } from './state.js';

/** The elements the current view drew that later updates write into (null while not on screen). */
export const regions: { root: HTMLElement; feedback: HTMLElement | null; queueBadge: HTMLElement | null; queuePanel: HTMLElement | null; main: HTMLElement | null } = {
  root: document.getElementById('app')!,
  feedback: null,
  queueBadge: null,
  queuePanel: null,
  main: null,
};

let feedbackCount = 0;

export function signal(kind: FeedbackKind, message: string, detail?: string): void {
  if (state.settings.sound) playTone(kind);
  document.body.dataset['feedback'] = kind;
  const el = regions.feedback;
  if (!el) return;
  el.className = `feedback feedback-${kind}`;
  el.dataset['kind'] = kind;
  // Counts signals, so that one can tell a new "success" from the previous one.
  el.dataset['seq'] = String(++feedbackCount);
  replaceChildren(el, h('strong', { text: t(`station.feedback.${kind}`) }), h('span', { text: ` ${message}` }), detail ? h('div', { class: 'detail', text: detail }) : null);
}

export function problemText(p: Problem): string {
  const fields = (p.errors ?? []).filter((e) => !p.detail.includes(e.message)).map((e) => `${e.field.replace(/^body\./, '')}: ${e.message}`);
  return [p.detail, ...fields].join(' · ');
}

// ---- focus: the scan field keeps it -----------------------------------------

export function scanInput(): HTMLInputElement | null {
  return document.getElementById('scan') as HTMLInputElement | null;
}

export function focusScan(): void {
  if (state.formOpen || state.dialogOpen) return;
  const input = scanInput();
  if (input && document.activeElement !== input) input.focus();
  input?.select();
}

/** A scanner types wherever the focus is: with no form open, that is the scan field. */
export function keepScannerTyping(): void {
  document.addEventListener(
    'keydown',
    (event) => {
      const input = scanInput();
      if (!input || state.formOpen || state.dialogOpen || document.activeElement === input) return;
      if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) input.focus();
    },
    true,
  );
}

export function languagePicker(onChange: () => void): HTMLSelectElement {
  const { settings } = state;
  return h(
    'select',
    {
      attrs: { name: 'locale', 'aria-label': t('station.settings.language') },
      on: {
        change: (e) => {
          settings.locale = (e.target as HTMLSelectElement).value as Locale;
          saveSettings(settings);
          chooseLocale(settings.locale);
          onChange();
        },
      },
    },
    LOCALES.map((l) => h('option', { attrs: { value: l, selected: l === settings.locale }, text: tOr(`language.${l}`, l) })),
  );
}
