import { blob, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from '../users/users.table.js';

export const WIPE_REPORT_FORMATS = ['nwipe_log', 'workbench_snapshot', 'workbench_script', 'nwipe_pdf'] as const;
export type WipeReportFormat = (typeof WIPE_REPORT_FORMATS)[number];

/**
 * A wipe tool's own report, kept byte for byte (R2: software-generated
 * records per drive), with the answer its import gave. Append-only (triggers
 * in migration 0020); one row per distinct content (its SHA-256).
 */
export const wipeReports = sqliteTable(
  'wipe_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sha256: text('sha256').notNull(),
    format: text('format', { enum: WIPE_REPORT_FORMATS }).notNull(),
    tool: text('tool').notNull(),
    toolVersion: text('tool_version'),
    contentType: text('content_type').notNull(),
    filename: text('filename'),
    body: blob('body', { mode: 'buffer' }).notNull(),
    /** The drives and warnings of the import, as JSON. */
    answer: text('answer').notNull(),
    importedBy: integer('imported_by')
      .notNull()
      .references(() => users.id),
    importedAt: text('imported_at').notNull(),
  },
  (t) => [uniqueIndex('wipe_reports_sha256_uq').on(t.sha256)],
);
