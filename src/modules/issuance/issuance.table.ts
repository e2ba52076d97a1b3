import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { devices } from '../devices/devices.table.js';
import { participants } from '../participants/participants.table.js';
import { users } from '../users/users.table.js';

export const ISSUANCE_KINDS = ['gift', 'loan'] as const;
export const RETURN_CONDITIONS = ['good', 'fair', 'poor', 'damaged'] as const;
/** Why a participant who already holds a device gets another: a code, never free text (that goes to participant_notes). */
export const OVERRIDE_REASONS = ['second_device_household', 'replacement', 'other'] as const;

export const issuances = sqliteTable(
  'issuances',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deviceId: integer('device_id')
      .notNull()
      .references(() => devices.id),
    participantId: integer('participant_id')
      .notNull()
      .references(() => participants.id),
    custodyCycle: integer('custody_cycle').notNull(),
    kind: text('kind', { enum: ISSUANCE_KINDS }).notNull(),
    dueDate: text('due_date'),
    accessories: text('accessories', { mode: 'json' }).$type<string[]>().notNull(),
    agreementAccepted: integer('agreement_accepted', { mode: 'boolean' }).notNull(),
    agreementLanguage: text('agreement_language').notNull(),
    overrideReason: text('override_reason', { enum: OVERRIDE_REASONS }),
    issuedBy: integer('issued_by')
      .notNull()
      .references(() => users.id),
    issuedAt: text('issued_at').notNull(),
    returnedAt: text('returned_at'),
    returnedBy: integer('returned_by').references(() => users.id),
    returnCondition: text('return_condition', { enum: RETURN_CONDITIONS }),
    personalDataRemoved: integer('personal_data_removed', { mode: 'boolean' }),
    returnNotes: text('return_notes'),
  },
  (t) => [
    index('issuances_participant_idx').on(t.participantId, t.id),
    index('issuances_issued_idx').on(t.issuedAt),
    // One open issuance per device: the database holds it even if a code path forgets.
    uniqueIndex('issuances_open_device_uq').on(t.deviceId).where(sql`${t.returnedAt} is null`),
    check('issuances_kind_ck', sql`${t.kind} in ('gift', 'loan')`),
    check('issuances_loan_due_ck', sql`${t.kind} = 'gift' or ${t.dueDate} is not null`),
    check('issuances_agreement_ck', sql`${t.agreementAccepted} = 1`),
  ],
);
