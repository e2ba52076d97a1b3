import { languageName, LOCALES, t, tOr } from '../client/i18n.js';
import { ROLES } from '../modules/auth/permissions.js';

/** The roles an account may have, from the permission map, named in the chosen language. */
export function roleOptions(): Array<{ value: string; label: string }> {
  return ROLES.map((r) => ({ value: r, label: tOr(`station.role.${r}`, r) }));
}

/** The languages an account may keep as its own, named in the chosen language; '' is none chosen. */
export function languageOptions(): Array<{ value: string; label: string }> {
  return [{ value: '', label: t('office.users.languageNone') }, ...LOCALES.map((l) => ({ value: l, label: languageName(l) }))];
}
