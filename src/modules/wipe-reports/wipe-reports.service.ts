import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db, type Executor } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { statusAllows } from '../devices/device-lifecycle.js';
import { serialKey } from '../devices/device-reads.js';
import type { SanitizationService } from '../sanitization/sanitization.service.js';
import type { Actor } from '../users/users.service.js';
import { parseNwipeLog, parseNwipePdf, parseWorkbenchJson, WipeReportRefused, type ParsedReport, type ReportedDrive } from './parsers.js';
import type { WipeReportAnswer } from './wipe-reports.schemas.js';
import { candidates, type Candidate } from './wipe-reports.repository.js';
import { wipeReports, type WipeReportFormat } from './wipe-reports.table.js';

export type DriveAnswer = z.infer<typeof WipeReportAnswer>['drives'][number];
export type ImportAnswer = z.infer<typeof WipeReportAnswer>;

export type ReportKind = 'text' | 'json' | 'pdf';

type Found = { kind: 'one'; drive: Candidate } | { kind: 'ambiguous'; tags: string[] };
type Match = Found | { kind: 'none' };

/**
 * The drive a reported serial names: registered on a device in custody (one
 * that may still take a wipe record), matched without case or spaces; a
 * serial the tool may have cut matches a unique longer one by prefix.
 */
async function matchDrive(db: Executor, d: ReportedDrive, warnings: string[]): Promise<Match> {
  const key = serialKey(d.serial);
  const all = await candidates(db, key);
  const inCustody = all.filter((c) => statusAllows('sanitize', c.status));
  const exact = inCustody.filter((c) => serialKey(c.serialNumber) === key);
  const pick = (list: Candidate[]): Found => (list.length === 1 ? { kind: 'one', drive: list[0]! } : { kind: 'ambiguous', tags: [...new Set(list.map((c) => c.assetTag))] });
  if (exact.length > 0) return pick(exact);
  if (d.serialMayBeCut && inCustody.length > 0) {
    const m = pick(inCustody);
    if (m.kind === 'one') warnings.push(`${d.serial}: the tool cut this serial to ${d.serial.length} characters; matched to drive ${m.drive.serialNumber} on ${m.drive.assetTag}, the only registered drive whose serial starts so.`);
    else warnings.push(`${d.serial}: the tool cut this serial to ${d.serial.length} characters and ${inCustody.length} registered drives start so (${m.tags.join(', ')}); none chosen.`);
    return m;
  }
  const gone = all.filter((c) => serialKey(c.serialNumber) === key);
  if (gone.length > 0) warnings.push(`${d.serial}: registered on ${gone.map((c) => `${c.assetTag} (${c.status})`).join(', ')}, which is not in custody for a wipe record.`);
  return { kind: 'none' };
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function parse(kind: ReportKind, bytes: Buffer, opts: { timeZone: string; filename?: string | undefined }) {
  try {
    if (kind === 'text') return parseNwipeLog(bytes, opts.timeZone);
    if (kind === 'json') return parseWorkbenchJson(bytes);
    return parseNwipePdf(bytes, opts.filename);
  } catch (err) {
    if (err instanceof WipeReportRefused) throw new AppError('wipe_reports.unreadable', err.reason, { errors: [{ field: 'body', message: err.reason }], location: null });
    if (err instanceof RangeError) throw new AppError('wipe_reports.unreadable', 'The file could not be read (too deeply nested or too large a value).', { errors: [{ field: 'body', message: 'unreadable' }], location: null });
    throw err;
  }
}

const CONTENT_TYPES: Record<ReportKind, string> = { text: 'text/plain; charset=utf-8', json: 'application/json', pdf: 'application/pdf' };

/** Ends a dry run's transaction: everything it wrote is rolled back. */
class DryRunDone extends Error {
  constructor(readonly answer: ImportAnswer) {
    super('dry run');
  }
}

const alreadyRecorded = (a: ImportAnswer): ImportAnswer => ({
  ...a,
  drives: a.drives.map((d) => (d.outcome === 'recorded' ? { ...d, outcome: 'already_recorded' } : d)),
});

/**
 * Wipe tools' own reports imported as sanitization records (docs/imports.md):
 * each drive matched by serial, each record made through the sanitization
 * service (so the same validation, history and verification sample), the
 * report kept byte for byte and named by its SHA-256 on each record.
 */
export function createWipeReportsService(deps: { db: Db; clock: Clock; sanitization: SanitizationService }) {
  const { db, clock, sanitization } = deps;

  async function stored(sha256: string) {
    return (await db.select().from(wipeReports).where(eq(wipeReports.sha256, sha256)))[0];
  }

  async function recordDrives(actor: Actor, parsed: ParsedReport, sha256: string, dryRun: boolean, warnings: string[]): Promise<DriveAnswer[]> {
    const answers: DriveAnswer[] = [];
    for (const d of parsed.drives) {
      const base = { serial: d.serial, model: d.model };
      const m = await matchDrive(db, d, warnings);
      if (m.kind === 'none') {
        answers.push({ ...base, outcome: 'unmatched' });
        continue;
      }
      if (m.kind === 'ambiguous') {
        if (!d.serialMayBeCut) warnings.push(`${d.serial}: registered on several devices in custody (${m.tags.join(', ')}); none chosen.`);
        answers.push({ ...base, outcome: 'ambiguous' });
        continue;
      }
      const out = await sanitization.record(actor, m.drive.assetTag, {
        storageSerial: m.drive.serialNumber,
        method: d.method,
        technique: d.technique,
        tool: parsed.tool,
        ...(parsed.toolVersion ? { toolVersion: parsed.toolVersion } : {}),
        verification: d.verification,
        result: d.result,
        ...(d.startedAt ? { startedAt: d.startedAt } : {}),
        ...(d.completedAt ? { completedAt: d.completedAt } : {}),
        reportSha256: sha256,
        notes: `Imported from a ${parsed.format.replace('_', ' ')} (SHA-256 ${sha256}); the tool's method: ${d.toolMethod}.`,
      });
      const rec = out.sanitization!;
      answers.push({
        ...base,
        outcome: 'recorded',
        assetTag: m.drive.assetTag,
        ...(dryRun ? {} : { sanitizationId: rec.id }),
        method: rec.method,
        technique: rec.technique,
        verification: rec.verification,
        result: rec.result,
        startedAt: rec.startedAt,
        completedAt: rec.completedAt,
      });
    }
    return answers;
  }

  async function pdfDrives(parsed: ReturnType<typeof parseNwipePdf>, warnings: string[]): Promise<DriveAnswer[]> {
    const drive: ReportedDrive = { ...parsed.pdf, serialMayBeCut: parsed.pdf.serial.length >= 20, result: 'passed', toolMethod: '', method: 'clear', technique: 'overwrite', verification: 'none', startedAt: null, completedAt: null };
    const m = await matchDrive(db, drive, warnings);
    const base = { serial: parsed.pdf.serial, model: parsed.pdf.model };
    if (m.kind === 'one') return [{ ...base, outcome: 'kept', assetTag: m.drive.assetTag }];
    return [{ ...base, outcome: m.kind === 'none' ? 'unmatched' : 'ambiguous' }];
  }

  return {
    /**
     * Imports one report. Answers `created: false` for a dry run (nothing
     * kept: the import runs in a transaction that is rolled back) and for
     * bytes imported before (their stored answer, recorded → already_recorded).
     */
    async import(actor: Actor, kind: ReportKind, bytes: Buffer, opts: { timeZone: string; filename?: string | undefined; dryRun: boolean }): Promise<{ answer: ImportAnswer; created: boolean }> {
      const sha256 = sha256Of(bytes);
      const before = await stored(sha256);
      if (before) return { answer: alreadyRecorded(toAnswer(before)), created: false };
      const parsed = parse(kind, bytes, opts);
      const run = (): Promise<ImportAnswer> =>
        writeTransaction(db, async (tx) => {
          const warnings = [...parsed.warnings];
          const drives = parsed.format === 'nwipe_pdf' ? await pdfDrives(parsed as ReturnType<typeof parseNwipePdf>, warnings) : await recordDrives(actor, parsed, sha256, opts.dryRun, warnings);
          const report = { sha256, format: parsed.format, tool: parsed.tool, toolVersion: parsed.toolVersion };
          if (opts.dryRun) throw new DryRunDone({ report: { id: null, ...report }, drives, warnings });
          const answer = { drives, warnings };
          const row = (await tx
            .insert(wipeReports)
            .values({
              ...report,
              contentType: CONTENT_TYPES[kind],
              filename: opts.filename ?? null,
              body: bytes,
              answer: JSON.stringify(answer),
              importedBy: actor.id,
              importedAt: clock.now().toISOString(),
            })
            .returning({ id: wipeReports.id }))[0]!;
          return { report: { id: row.id, ...report }, ...answer };
        });
      try {
        return { answer: await run(), created: !opts.dryRun };
      } catch (err) {
        if (err instanceof DryRunDone) return { answer: err.answer, created: false };
        throw err;
      }
    },

    async get(id: number): Promise<ImportAnswer> {
      const row = (await db.select().from(wipeReports).where(eq(wipeReports.id, id)))[0];
      if (!row) throw new AppError('wipe_reports.not_found', `No wipe report with id ${id}.`);
      return toAnswer(row);
    },

    async raw(id: number): Promise<{ body: Buffer; contentType: string; filename: string }> {
      const row = (await db.select().from(wipeReports).where(eq(wipeReports.id, id)))[0];
      if (!row) throw new AppError('wipe_reports.not_found', `No wipe report with id ${id}.`);
      const ext = row.format === 'nwipe_pdf' ? 'pdf' : row.format === 'nwipe_log' ? 'txt' : 'json';
      return { body: Buffer.from(row.body), contentType: row.contentType, filename: `wipe-report-${row.id}.${ext}` };
    },
  };
}

function toAnswer(row: typeof wipeReports.$inferSelect): ImportAnswer {
  const { drives, warnings } = JSON.parse(row.answer) as { drives: DriveAnswer[]; warnings: string[] };
  return { report: { id: row.id, sha256: row.sha256, format: row.format, tool: row.tool, toolVersion: row.toolVersion }, drives, warnings };
}

/** The wipe report behind a record's reportSha256, for documents that name it (certificates). */
export async function wipeReportBySha(db: Executor, sha256: string): Promise<{ id: number; format: WipeReportFormat; filename: string | null } | undefined> {
  return (await db.select({ id: wipeReports.id, format: wipeReports.format, filename: wipeReports.filename }).from(wipeReports).where(eq(wipeReports.sha256, sha256)))[0];
}

export type WipeReportsService = ReturnType<typeof createWipeReportsService>;
