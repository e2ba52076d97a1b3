import { tOr } from '../client/i18n.js';
import { ROLES } from '../modules/auth/permissions.js';

/** The roles an account may have, from the permission map, named in the chosen language. */
export function roleOptions(): Array<{ value: string; label: string }> {
  return ROLES.map((r) => ({ value: r, label: tOr(`station.role.${r}`, r) }));
}
