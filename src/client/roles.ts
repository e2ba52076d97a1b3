/** Who may register a device at intake: the front ends offer the button only to these roles (the service decides). */
export const INTAKE_ROLES: ReadonlySet<string> = new Set(['trainee', 'coordinator', 'admin']);
