import { z } from 'zod';
import { ROLES } from '../auth/permissions.js';
import { LANGUAGES } from './users.table.js';
import { MAX_ID } from '../../core/pagination.js';
import { SiteCode } from '../sites/sites.schemas.js';

export const Username = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, dot, underscore and hyphen, starting with a letter or digit');

/** docs/domain.md §7: at least 12 characters. The upper bound keeps scrypt's input sane. */
export const Password = z.string().min(12, 'must be at least 12 characters').max(256);

export const RoleSchema = z.enum(ROLES);

/** The user's own language for the front ends (docs/translation.md); null when none is chosen. */
export const LanguageSchema = z.enum(LANGUAGES).nullable();

export const User = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  disabled: z.boolean(),
  language: LanguageSchema,
  /** The code of the user's site (GET /sites). */
  site: z.string(),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;

export const CreateUserBody = z.strictObject({
  username: Username,
  displayName: z.string().trim().min(1).max(120),
  role: RoleSchema,
  password: Password,
  language: LanguageSchema.optional(),
  /** A site code; omitted: the first site. Trainees, coordinators and staff see and act on this site only. */
  site: SiteCode.optional(),
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z
  .strictObject({
    displayName: z.string().trim().min(1).max(120).optional(),
    role: RoleSchema.optional(),
    disabled: z.boolean().optional(),
    language: LanguageSchema.optional(),
    /** Moves the user to another site; their sessions end. */
    site: SiteCode.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

/** What a user may change on their own record. */
export const UpdateMeBody = z.strictObject({ language: LanguageSchema });
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const SetPasswordBody = z.strictObject({ password: Password });
export const ChangeOwnPasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: Password });

export const UserIdParams = z.strictObject({ id: z.coerce.number().int().positive().max(MAX_ID) });

export const UserEnvelope = z.object({ user: User });
export const UserList = z.object({ items: z.array(User), nextCursor: z.string().nullable() });
export const ListUsersQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

export const LoginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const LoginResponse = z.object({ token: z.string(), expiresAt: z.string(), user: User });
