import { z } from 'zod';
import { SanitizationRecord } from '../sanitization/sanitization.schemas.js';
import { WIPE_REPORT_FORMATS } from './wipe-reports.table.js';
import { MAX_ID } from '../../core/pagination.js';

export const OUTCOMES = ['recorded', 'already_recorded', 'unmatched', 'ambiguous', 'kept'] as const;

/** The body: the tool's file as it is (read as bytes by raw-body.ts, parsed by the service). */
export const ReportFile = z.unknown().describe('The wipe tool\u2019s file as it is: an nwipe log (text/plain), a Workbench snapshot (application/json) or an nwipe PDF certificate (application/pdf), up to 16 MiB.');

export const ImportQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).optional(),
  /** The IANA time zone the tool's clock was in (nwipe logs local time without a zone). */
  timezone: z.string().min(1).max(64).optional(),
  /** The file's name: required for a PDF certificate, whose drive is named in it. */
  filename: z.string().min(1).max(255).optional(),
});

export const WipeReportAnswer = z.object({
  report: z.object({
    /** Null for a dry run: nothing was kept. */
    id: z.number().int().nullable(),
    sha256: z.string(),
    format: z.enum(WIPE_REPORT_FORMATS),
    tool: z.string(),
    toolVersion: z.string().nullable(),
  }),
  drives: z.array(
    z.object({
      serial: z.string(),
      model: z.string().nullable(),
      outcome: z.enum(OUTCOMES),
      assetTag: z.string().optional(),
      sanitizationId: z.number().int().optional(),
      method: SanitizationRecord.shape.method.optional(),
      technique: SanitizationRecord.shape.technique.optional(),
      verification: SanitizationRecord.shape.verification.optional(),
      result: SanitizationRecord.shape.result.optional(),
      startedAt: z.string().nullable().optional(),
      completedAt: z.string().nullable().optional(),
    }),
  ),
  warnings: z.array(z.string()),
});

export const WipeReportParams = z.strictObject({ id: z.coerce.number().int().positive().max(MAX_ID) });
