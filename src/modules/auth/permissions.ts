/**
 * Who may do what (docs/domain.md §4): the one list of roles and the one map from a
 * permission to the roles that hold it. Routes declare a permission
 * (`config: { access: { permission } }`), the lifecycle table names one per
 * action, and the few rules that depend on the caller inside a route or a
 * service ask `can`. Nothing else names a set of roles.
 *
 * Pure data with no imports, so the browser station can load it as it is.
 */

export const ROLES = ['trainee', 'coordinator', 'staff', 'admin', 'translator', 'program'] as const;
export type Role = (typeof ROLES)[number];

// The recurring role sets, named once. A permission says which one it uses.
/** Every role: one's own account and session. */
const EVERYONE = ROLES;
/** Everyone who works in the workshop: every role but `translator`, who reviews the program's texts and nothing else. */
const WORKSHOP = ['trainee', 'coordinator', 'staff', 'admin'] as const;
/** The bench: everyone who works on devices (staff do no lifecycle actions). */
const BENCH = ['trainee', 'coordinator', 'admin'] as const;
/** The office: everyone but trainees. */
const OFFICE = ['coordinator', 'staff', 'admin'] as const;
/** Those who work with participants. */
const COORDINATION = ['coordinator', 'admin'] as const;
const ADMIN = ['admin'] as const;
/** Who reads the workshop's records: the workshop, and the program's officers, who read every site and change nothing. */
const READERS = [...WORKSHOP, 'program'] as const;
/** Who reads the office's records: the office and the program's officers. */
const OFFICE_READERS = [...OFFICE, 'program'] as const;
/** Who sees and reports on every site of the program (docs/domain.md §8); every other role sees its own site only. */
const EVERY_SITE = ['admin', 'program'] as const;
/** Who reads, writes and reviews translations in the app. */
const TRANSLATION = ['admin', 'translator'] as const;

/**
 * Permission (`resource:action`) → roles, one entry per capability. The order
 * of a list is the order the OpenAPI description prints ("Roles: …").
 */
export const PERMISSIONS = {
  // One's own account and session.
  'account:read': EVERYONE,
  'account:sign-out': EVERYONE,
  'account:change-password': EVERYONE,
  /** One's own settings kept with the account (the language the front ends use). */
  'account:update': EVERYONE,
  'users:manage': ADMIN,

  /** The program's sites (docs/domain.md §8). */
  'sites:read': READERS,
  'sites:manage': ADMIN,

  'asset-tags:reserve': BENCH,
  'donations:record': WORKSHOP,
  'donations:read': READERS,

  'devices:read': READERS,
  /** Who held a device (participant code, community) in its history. */
  'devices:read-holders': COORDINATION,
  /** The CSV export of GET /devices, with every free-text field. */
  'devices:export': OFFICE_READERS,
  'devices:intake': BENCH,
  'devices:update': BENCH,
  'devices:register-storage': BENCH,
  /** Wipe records and "this device holds no storage". */
  'devices:sanitize': BENCH,
  /** Open and complete a repair. */
  'devices:repair': BENCH,
  'devices:grade': BENCH,
  'devices:issue': COORDINATION,
  'devices:return': COORDINATION,
  'devices:recycle': COORDINATION,
  'devices:write-off': ADMIN,
  /** Send devices to another site, receive them there, call them back (docs/domain.md §8). */
  'devices:transfer': COORDINATION,
  'transfers:read': READERS,

  // Staff came to the verification queue after the bench: they read it last.
  'verifications:read': [...BENCH, 'staff', 'program'],
  'verifications:record': BENCH,

  'scans:record': WORKSHOP,
  'scans:read': READERS,

  /** Import a wipe tool's own report (nwipe log or PDF, Workbench snapshot) as sanitization records. */
  'wipe-reports:import': BENCH,
  'wipe-reports:read': READERS,

  'label-templates:read': READERS,
  'labels:print': BENCH,
  'certificates:read': READERS,

  'communities:read': OFFICE_READERS,
  'communities:create': ADMIN,
  'participants:read': OFFICE_READERS,
  /** Names, contacts and notes; every read is logged. */
  'participants:read-personal': COORDINATION,
  'participants:register': COORDINATION,
  /** Everything held about one participant, with the access log. */
  'participants:export': COORDINATION,
  'participants:erase': COORDINATION,

  'issuances:read': OFFICE_READERS,
  'issuances:handover': COORDINATION,

  'recyclers:read': OFFICE_READERS,
  'recyclers:create': OFFICE,
  'shipments:read': OFFICE_READERS,
  /** Open a shipment and add devices or bulk lines to it. */
  'shipments:prepare': OFFICE,
  'shipments:ship': OFFICE,
  'shipments:confirm': OFFICE,
  /** A confirmed shipment is the record funders' reports rest on: only an admin corrects it. */
  'shipments:amend': ADMIN,

  'reports:read': OFFICE_READERS,
  'audit:verify': ADMIN,

  /** The texts of the front ends and documents in French and Inuktitut (docs/translation.md). */
  'translations:read': TRANSLATION,
  'translations:write': TRANSLATION,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isPermission(name: string): name is Permission {
  return Object.hasOwn(PERMISSIONS, name);
}

/** The roles holding a permission, in the map's order. */
export function rolesFor(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission];
}

export function can(role: Role, permission: Permission): boolean {
  return rolesFor(permission).includes(role);
}

/** Whether a role sees every site's records (admin, program) or its own site's only (docs/domain.md §8). */
export function seesEverySite(role: Role): boolean {
  return (EVERY_SITE as readonly Role[]).includes(role);
}
