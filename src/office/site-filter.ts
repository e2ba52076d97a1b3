/** The site a list shows, for the roles that see every site (admins, program officers): every site, or one. */
import { h } from 'preact';
import { t } from '../client/i18n.js';
import { sites } from './state.js';
import { SelectField } from './ui.js';

export function SiteFilter(p: { form: string; value: string; onChange: (code: string) => void }) {
  return h(SelectField, {
    form: p.form,
    name: 'site',
    label: t('office.site.filter'),
    value: p.value,
    onChange: p.onChange,
    options: [{ value: '', label: t('office.site.all') }, ...(sites.value ?? []).map((s) => ({ value: s.code, label: s.name }))],
  });
}
