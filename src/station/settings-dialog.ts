/** The station's settings (its name, language, label template, sound), kept in this browser. */
import { h, replaceChildren } from './dom.js';
import { t, tOr } from './i18n.js';
import { nav } from './nav.js';
import { saveSettings } from './settings.js';
import { applyPageLocale, call, state } from './state.js';
import { languagePicker, regions } from './ui.js';

export async function openSettings(): Promise<void> {
  const { settings } = state;
  state.dialogOpen = true;
  let templates: Array<{ id: string; name: string }> = [];
  try {
    templates = (await call<{ templates: typeof templates }>('GET', '/api/v1/label-templates')).templates;
  } catch {
    // Offline: keep the template chosen before.
  }
  const close = () => {
    state.dialogOpen = false;
    nav.render();
  };
  const form = h(
    'form',
    { class: 'settings', attrs: { 'data-testid': 'settings-form' } },
    h('h2', { text: t('station.settings.title') }),
    h('label', { text: t('station.settings.station') }, h('input', { attrs: { name: 'station', value: settings.station, required: true, maxlength: 100 } })),
    h('label', { text: t('station.settings.language') }, languagePicker(() => undefined)),
    h(
      'label',
      { text: t('station.settings.labelTemplate') },
      h(
        'select',
        { attrs: { name: 'labelTemplate' } },
        templates.length === 0 ? h('option', { attrs: { value: settings.labelTemplate }, text: settings.labelTemplate || '—' }) : null,
        templates.map((tpl) => h('option', { attrs: { value: tpl.id, selected: tpl.id === settings.labelTemplate }, text: tOr(`label.template.${tpl.id}`, tpl.name) })),
      ),
    ),
    h('label', { class: 'check' }, h('input', { attrs: { type: 'checkbox', name: 'sound', checked: settings.sound } }), h('span', { text: t('station.settings.sound') })),
    h('p', { class: 'hint', text: t('station.settings.defaultsHint') }),
    h(
      'div',
      { class: 'form-buttons' },
      h('button', { class: 'primary', attrs: { type: 'submit' }, text: t('station.form.save') }),
      h('button', {
        class: 'secondary',
        attrs: { type: 'button', 'data-testid': 'cancel' },
        text: t('station.form.cancel'),
        on: {
          click: () => {
            applyPageLocale();
            close();
          },
        },
      }),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const get = (n: string) => form.elements.namedItem(n) as HTMLInputElement;
    settings.station = get('station').value.trim() || settings.station;
    settings.labelTemplate = get('labelTemplate').value;
    settings.sound = get('sound').checked;
    saveSettings(settings);
    close();
  });
  if (regions.main) replaceChildren(regions.main, form);
  // Not a text field: a scan made while settings are open must not end up in the station's name.
  (form.elements.namedItem('labelTemplate') as HTMLSelectElement).focus();
}
