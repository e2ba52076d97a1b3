import { z } from 'zod';
import { DRAW_REASONS, RESULTS, SANITIZATION_METHODS, SANITIZATION_TECHNIQUES, VERIFICATION_KINDS, VERIFICATION_STATUSES } from './sanitization.table.js';
import { Device, SerialNumber } from '../devices/devices.schemas.js';
import { MAX_ID } from '../../core/pagination.js';

export const DEFAULT_STANDARD = 'NIST SP 800-88 Rev. 2';

const Timestamp = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time' });

export const SanitizationRecordBody = z.strictObject({
  storageSerial: SerialNumber,
  method: z.enum(SANITIZATION_METHODS),
  technique: z.enum(SANITIZATION_TECHNIQUES, {
    error: `one of ${SANITIZATION_TECHNIQUES.join(', ')}`,
  }),
  tool: z.string().trim().min(1).max(200),
  toolVersion: z.string().trim().min(1).max(100).optional(),
  verification: z.enum(VERIFICATION_KINDS),
  result: z.enum(RESULTS),
  standard: z.string().trim().min(1).max(100).optional(),
  startedAt: Timestamp.optional(),
  completedAt: Timestamp.optional(),
  reportSha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
    .transform((s) => s.toLowerCase())
    .optional(),
  notes: z.string().max(2000).optional(),
});
export type SanitizationRecordBody = z.infer<typeof SanitizationRecordBody>;

export const NoStorageBody = z.strictObject({ noStorage: z.literal(true), notes: z.string().max(2000).optional() });

export const SanitizeBody = z.union([NoStorageBody, SanitizationRecordBody]);
export type SanitizeBody = z.infer<typeof SanitizeBody>;

export const SanitizationRecord = z.object({
  id: z.number().int(),
  assetTag: z.string(),
  storageSerial: z.string(),
  custodyCycle: z.number().int(),
  standard: z.string(),
  method: z.enum(SANITIZATION_METHODS),
  technique: z.enum(SANITIZATION_TECHNIQUES),
  tool: z.string(),
  toolVersion: z.string().nullable(),
  verification: z.enum(VERIFICATION_KINDS),
  result: z.enum(RESULTS),
  startedAt: z.string().nullable(),
  completedAt: z.string(),
  reportSha256: z.string().nullable(),
  notes: z.string().nullable(),
  technician: z.object({ id: z.number().int(), username: z.string() }),
  createdAt: z.string(),
  /** Set when the record was drawn into the second-person verification sample. */
  verificationId: z.number().int().nullable(),
});
export type SanitizationRecord = z.infer<typeof SanitizationRecord>;

export const SanitizeResponse = z.object({ sanitization: SanitizationRecord.nullable(), device: Device });

export const Verification = z.object({
  id: z.number().int(),
  status: z.enum(VERIFICATION_STATUSES),
  drawnAt: z.string(),
  verifier: z.object({ id: z.number().int(), username: z.string() }).nullable(),
  verifiedAt: z.string().nullable(),
  notes: z.string().nullable(),
  /** Why the record was drawn; null for records drawn before reasons were kept. */
  reason: z.enum(DRAW_REASONS).nullable(),
  record: SanitizationRecord,
});
export type Verification = z.infer<typeof Verification>;

export const ListVerificationsQuery = z.strictObject({
  status: z.enum(VERIFICATION_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export const VerificationList = z.object({ items: z.array(Verification), nextCursor: z.string().nullable() });
export const VerifyBody = z.strictObject({ result: z.enum(RESULTS), notes: z.string().max(2000).optional() });
export const VerificationParams = z.strictObject({ id: z.coerce.number().int().positive().max(MAX_ID) });
export const VerificationEnvelope = z.object({ verification: Verification });
