import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from '../users/users.table.js';

/** The communities participants live in: a list the program keeps (seeded from the list in docs/domain.md §3 "Participants"). */
export const communities = sqliteTable(
  'communities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** The name in syllabics, where the community writes Inuktitut in syllabics. */
    syllabics: text('syllabics'),
    /** Another name the community is known by (e.g. Qurluqtuq for Kugluktuk). */
    altName: text('alt_name'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [uniqueIndex('communities_name_uq').on(t.name)],
);

/**
 * The operational record of a participant: a pseudonymous code, community,
 * program and consent. No name or contact here (see participantPersonalData).
 */
export const participants = sqliteTable(
  'participants',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    communityId: integer('community_id')
      .notNull()
      .references(() => communities.id),
    program: text('program'),
    cohort: text('cohort'),
    consentGiven: integer('consent_given', { mode: 'boolean' }).notNull(),
    consentLanguage: text('consent_language').notNull(),
    consentDate: text('consent_date').notNull(),
    consentRecordedBy: integer('consent_recorded_by')
      .notNull()
      .references(() => users.id),
    personalDataErasedAt: text('personal_data_erased_at'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('participants_code_uq').on(t.code), check('participants_consent_ck', sql`${t.consentGiven} = 1`)],
);

/** Personal data, apart from operations: only coordinators and admins read it, and every read is logged. */
export const participantPersonalData = sqliteTable('participant_personal_data', {
  participantId: integer('participant_id')
    .primaryKey()
    .references(() => participants.id),
  displayName: text('display_name'),
  contact: text('contact'),
  updatedAt: text('updated_at').notNull(),
});

/**
 * Free text a coordinator typed about a participant (the note behind an
 * override when a second device is issued): personal data, kept here with
 * the name and contact, read only where they are (logged), and erased with
 * them. Never in the history or the audit chain.
 */
export const participantNotes = sqliteTable(
  'participant_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    participantId: integer('participant_id')
      .notNull()
      .references(() => participants.id),
    /** The issuance the note explains, by id (no foreign key: issuances live in their own module). */
    issuanceId: integer('issuance_id'),
    note: text('note').notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('participant_notes_participant_idx').on(t.participantId, t.id)],
);

export const ACCESS_ACTIONS = ['created', 'read', 'exported', 'erased'] as const;

/** Who touched a participant's personal data, when, and why (PIPEDA: accountability; the participant sees it in the export). */
export const personalDataAccessLog = sqliteTable(
  'personal_data_access_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    participantId: integer('participant_id')
      .notNull()
      .references(() => participants.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    at: text('at').notNull(),
    action: text('action', { enum: ACCESS_ACTIONS }).notNull(),
    purpose: text('purpose').notNull(),
  },
  (t) => [index('personal_data_access_log_participant_idx').on(t.participantId, t.id)],
);
