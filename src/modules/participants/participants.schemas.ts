import { z } from 'zod';
import { IsoDate } from '../donations/donations.schemas.js';

/** Languages a consent or agreement may be given in (ISO 639: Inuktitut, Inuinnaqtun, English, French). */
export const LANGUAGES = ['iu', 'ikt', 'en', 'fr'] as const;
export const Language = z.enum(LANGUAGES);

export const Community = z.object({ id: z.number().int(), name: z.string(), syllabics: z.string().nullable(), altName: z.string().nullable() });
export const CommunityList = z.object({ items: z.array(Community) });
export const CreateCommunityBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  syllabics: z.string().trim().min(1).max(100).optional(),
  altName: z.string().trim().min(1).max(100).optional(),
});

export const CreateParticipantBody = z.strictObject({
  /** A community of the list, by name, other name or syllabics. */
  community: z.string().trim().min(1).max(100),
  program: z.string().trim().min(1).max(200).optional(),
  cohort: z.string().trim().min(1).max(100).optional(),
  displayName: z.string().trim().min(1).max(200).optional(),
  contact: z.string().trim().min(1).max(300).optional(),
  consent: z.strictObject({
    given: z.literal(true, { error: 'registration needs the participant’s consent (given: true)' }),
    language: Language,
    date: IsoDate.optional(),
  }),
});
export type CreateParticipantBody = z.infer<typeof CreateParticipantBody>;

export const ParticipantParams = z.strictObject({ code: z.string().trim().min(1).max(20) });
export const PurposeQuery = z.strictObject({ purpose: z.string().trim().min(1).max(200).optional() });

export const Participant = z.object({
  code: z.string(),
  community: z.object({ name: z.string(), syllabics: z.string().nullable() }),
  program: z.string().nullable(),
  cohort: z.string().nullable(),
  consent: z.object({ given: z.boolean(), language: z.string(), date: z.string() }),
  personalDataErased: z.boolean(),
  /** Only for coordinators and admins; each read is logged. */
  personalData: z
    .object({
      displayName: z.string().nullable(),
      contact: z.string().nullable(),
      /** Notes typed about the participant (why a second device was issued): personal data, erased with the rest. */
      notes: z.array(z.object({ issuanceId: z.number().int().nullable(), note: z.string(), at: z.string(), by: z.string() })),
    })
    .nullable()
    .optional(),
  createdAt: z.string(),
});
export type Participant = z.infer<typeof Participant>;
export const ParticipantEnvelope = z.object({ participant: Participant });

export const ListParticipantsQuery = z.strictObject({
  community: z.string().trim().min(1).max(100).optional(),
  /** Codes starting with this (a whole code finds that one participant); any case. */
  code: z
    .string()
    .trim()
    .toUpperCase()
    .min(1)
    .max(20)
    .regex(/^[A-Z0-9-]+$/, 'letters, digits and hyphens, as in P-000042')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export const ParticipantList = z.object({ items: z.array(Participant), nextCursor: z.string().nullable() });

export const AccessLogEntry = z.object({ at: z.string(), by: z.string(), action: z.string(), purpose: z.string() });
export const ParticipantExport = z.object({
  exportedAt: z.string(),
  participant: Participant,
  issuances: z.array(
    z.object({
      id: z.number().int(),
      assetTag: z.string(),
      kind: z.string(),
      dueDate: z.string().nullable(),
      accessories: z.array(z.string()),
      agreementLanguage: z.string(),
      issuedAt: z.string(),
      returnedAt: z.string().nullable(),
      returnCondition: z.string().nullable(),
    }),
  ),
  accessLog: z.array(AccessLogEntry),
});
export type ParticipantExport = z.infer<typeof ParticipantExport>;
