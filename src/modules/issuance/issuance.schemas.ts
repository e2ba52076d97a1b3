import { z } from 'zod';
import { Device } from '../devices/devices.schemas.js';
import { IsoDate } from '../donations/donations.schemas.js';
import { Language } from '../participants/participants.schemas.js';
import { DOCUMENT_LOCALES } from '../../core/i18n.js';
import { ISSUANCE_KINDS, OVERRIDE_REASONS, RETURN_CONDITIONS } from './issuance.table.js';
import { MAX_ID } from '../../core/pagination.js';

export const IssueBody = z
  .strictObject({
    participantCode: z.string().trim().min(1).max(20),
    kind: z.enum(ISSUANCE_KINDS),
    dueDate: IsoDate.optional(),
    accessories: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
    agreementAccepted: z.literal(true, { error: 'the participant must accept the agreement (agreementAccepted: true)' }),
    agreementLanguage: Language.optional(),
    /** Why a participant who already holds a device gets another: a code, kept with the issuance and in the history. */
    overrideReason: z.enum(OVERRIDE_REASONS).optional(),
    /** Any words about it are personal data: kept with the participant's name and contact (read logged, erasable), never in the history. */
    overrideNote: z.string().trim().min(1).max(500).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'loan' && b.dueDate === undefined) ctx.addIssue({ code: 'custom', path: ['dueDate'], message: 'a loan needs a due date' });
    if (b.kind === 'gift' && b.dueDate !== undefined) ctx.addIssue({ code: 'custom', path: ['dueDate'], message: 'a gift has no due date' });
    if (b.overrideNote !== undefined && b.overrideReason === undefined) ctx.addIssue({ code: 'custom', path: ['overrideReason'], message: 'a note explains an override: give its reason code too' });
  });
export type IssueBody = z.infer<typeof IssueBody>;

export const ReturnBody = z.strictObject({
  condition: z.enum(RETURN_CONDITIONS).optional(),
  personalDataRemoved: z.boolean().optional(),
  notes: z.string().max(2000).optional(),
}).nullish();
export type ReturnBody = NonNullable<z.infer<typeof ReturnBody>>;

export const Issuance = z.object({
  id: z.number().int(),
  assetTag: z.string(),
  /** The device's make and model, so that a list of loans says what is out without a read per device. */
  make: z.string(),
  model: z.string(),
  participantCode: z.string(),
  community: z.object({ name: z.string(), syllabics: z.string().nullable() }),
  kind: z.enum(ISSUANCE_KINDS),
  dueDate: z.string().nullable(),
  accessories: z.array(z.string()),
  agreementAccepted: z.boolean(),
  agreementLanguage: z.string(),
  overrideReason: z.enum(OVERRIDE_REASONS).nullable(),
  issuedBy: z.number().int(),
  issuedAt: z.string(),
  returnedAt: z.string().nullable(),
  returnCondition: z.enum(RETURN_CONDITIONS).nullable(),
  personalDataRemoved: z.boolean().nullable(),
  /** Days past the due date for an open loan, else 0. */
  daysOverdue: z.number().int(),
});
export type Issuance = z.infer<typeof Issuance>;

export const IssueResponse = z.object({ issuance: Issuance, device: Device });
/** The handover form's language: the agreement language unless another is asked for (`en-XA` checks the form, docs/translation.md). */
export const HandoverQuery = z.strictObject({ lang: z.enum(DOCUMENT_LOCALES).optional() });

export const IssuanceParams = z.strictObject({ id: z.coerce.number().int().positive().max(MAX_ID) });
export const ListIssuancesQuery = z.strictObject({
  status: z.enum(['active', 'returned', 'loan-overdue']).optional(),
  /** One participant's issuances, by code (exact, any case). */
  participant: z.string().trim().toUpperCase().min(1).max(20).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export const IssuanceList = z.object({ items: z.array(Issuance), nextCursor: z.string().nullable() });
