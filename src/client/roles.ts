import { rolesFor } from '../modules/auth/permissions.js';

/**
 * Whether a role may register a device at intake: the front ends offer the
 * button only then (the service decides). Asked of the server's permission
 * map, which has no imports and so loads in the browser as it is.
 */
export function mayIntake(role: string): boolean {
  return (rolesFor('devices:intake') as readonly string[]).includes(role);
}
