/** The language choice, kept for the station too (src/client/locale-choice.ts). */
import { h } from 'preact';
import { languageName, pickerLocales, t, type Locale } from '../client/i18n.js';
import { chooseLocale, locale } from './state.js';

export function LanguagePicker(p: { id: string }) {
  return h(
    'select',
    {
      id: p.id,
      name: 'locale',
      'aria-label': t('station.settings.language'),
      value: locale.value,
      onChange: (e: Event) => chooseLocale((e.currentTarget as HTMLSelectElement).value as Locale),
    },
    pickerLocales().map((l) => h('option', { key: l, value: l }, languageName(l))),
  );
}
