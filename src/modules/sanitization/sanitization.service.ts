import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db, type Tx } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { decodeCursor, pageOf } from '../../core/pagination.js';
import { applyDeviceChange } from '../devices/device-change.js';
import { statusAllows } from '../devices/device-lifecycle.js';
import type { DeviceUseCase } from '../devices/device-use-case.js';
import { deviceByTag, serialKey, type DeviceRow, type DriveRow } from '../devices/device-reads.js';
import type { Actor } from '../users/users.service.js';
import {
  completeVerification,
  driveOwesDraw,
  findRecordView,
  highestRecordId,
  findVerification,
  insertRecord,
  insertVerification,
  listVerifications,
  samplingCounts,
  tallySample,
  technicianOwesDraw,
  type DrawReason,
  type RecordRow,
  type RecordView,
  type VerificationRow,
} from './sanitization.repository.js';
import { allowedTechniques, mediaRule, needsNotes, type MediaKind, type MethodClass, type Technique } from './media-techniques.js';
import { DEFAULT_STANDARD, type SanitizationRecord, type SanitizationRecordBody, type SanitizeBody, type Verification } from './sanitization.schemas.js';
import { sanitizationRecordRecords, sanitizationVerificationRecords } from './sanitization.records.js';
import { mapInOrder } from '../../core/in-order.js';
import { sees, siteLimit, type SiteViewer } from '../sites/site-scope.js';

/** R2v3: at least 5 % of passing logical sanitizations are checked by a second person. */
export const VERIFICATION_SAMPLE_RATE = 0.05;

/**
 * docs/domain.md §3: the technique must be one that NIST SP 800-88 / IEEE 2883 allow
 * for this kind of drive at this method class (media-techniques.ts), and a
 * record the table cannot speak for carries notes.
 */
function assertValidForMedia(kind: MediaKind, method: MethodClass, technique: Technique, notes: string | undefined): void {
  const allowed = allowedTechniques(kind, method);
  if (!allowed.includes(technique)) {
    const message = `${method} of ${kind} media is done by ${allowed.join(', ')}; not by ${technique}`;
    throw new AppError('sanitizations.technique_not_valid_for_media', `${message} (${mediaRule(kind, method).source}).`, {
      extra: { kind, method, allowedTechniques: allowed },
      errors: [{ field: 'technique', message }],
    });
  }
  if (needsNotes(kind, technique) && !notes?.trim()) {
    throw new AppError('request.invalid', 'Say in notes what the media is and what was done: the technique table has no row for it.', {
      errors: [{ field: 'notes', message: `required for ${kind === 'other' ? 'a drive of kind other' : 'the technique other'}` }],
    });
  }
}

export function toRecord(r: RecordView): SanitizationRecord {
  return {
    id: r.id,
    assetTag: r.assetTag,
    storageSerial: r.storageSerial,
    custodyCycle: r.custodyCycle,
    standard: r.standard,
    method: r.method,
    technique: r.technique,
    tool: r.tool,
    toolVersion: r.toolVersion,
    verification: r.verification,
    result: r.result,
    startedAt: r.startedAt,
    completedAt: r.completedAt,
    reportSha256: r.reportSha256,
    notes: r.notes,
    technician: { id: r.technicianId, username: r.technicianUsername },
    createdAt: r.createdAt,
    verificationId: r.verificationId,
  };
}

/** A wipe record that passed validation: the drive it is of and its times. */
interface CheckedRecord {
  drive: DriveRow;
  startedAt: Date | null;
  completedAt: Date;
}

/**
 * docs/domain.md §3 and invariant 1: the drive is registered on the device, the
 * technique is one for its media, and the times are neither in the future,
 * out of order, nor before the current custody cycle.
 */
function checkRecord(device: DeviceRow, drives: readonly DriveRow[], body: SanitizationRecordBody, now: Date): CheckedRecord {
  const wanted = serialKey(body.storageSerial);
  const drive = drives.find((d) => serialKey(d.serialNumber) === wanted);
  if (!drive) throw unknownDrive(device, drives, body.storageSerial);
  assertValidForMedia(drive.kind, body.method, body.technique, body.notes);
  const completedAt = body.completedAt ? new Date(body.completedAt) : now;
  const startedAt = body.startedAt ? new Date(body.startedAt) : null;
  if (completedAt.getTime() > now.getTime() + 5 * 60_000) {
    throw new AppError('request.invalid', 'completedAt is in the future.', { errors: [{ field: 'completedAt', message: 'in the future' }] });
  }
  if (startedAt && startedAt > completedAt) {
    throw new AppError('request.invalid', 'startedAt is after completedAt.', { errors: [{ field: 'startedAt', message: 'after completedAt' }] });
  }
  // docs/domain.md §2 invariant 1: only records made after the latest intake or return count.
  if (completedAt < new Date(device.cycleStartedAt)) {
    throw new AppError('sanitizations.before_custody_cycle', `completedAt is before ${device.assetTag} came into custody (${device.cycleStartedAt}).`, {
      errors: [{ field: 'completedAt', message: 'before the current custody cycle' }],
    });
  }
  return { drive, startedAt, completedAt };
}

function unknownDrive(device: DeviceRow, drives: readonly DriveRow[], serial: string): AppError {
  return new AppError('sanitizations.unknown_drive', `${device.assetTag} has no drive ${serial}; register the drive on the device first.`, {
    extra: { registeredDrives: drives.map((d) => d.serialNumber) },
  });
}

export function createSanitizationService(deps: { db: Db; clock: Clock; deviceUseCase: DeviceUseCase; random: () => number }) {
  const { db, clock } = deps;
  const { loadState, withDeviceAction } = deps.deviceUseCase;

  async function toVerification(v: VerificationRow): Promise<Verification> {
    const record = await findRecordView(db, v.recordId);
    if (!record) throw new Error(`verification ${v.id} has no record`);
    return {
      id: v.id,
      status: v.status,
      drawnAt: v.drawnAt,
      verifier: v.verifierId === null ? null : { id: v.verifierId, username: v.verifierUsername ?? '' },
      verifiedAt: v.verifiedAt,
      notes: v.notes,
      reason: v.reason,
      record: toRecord(record),
    };
  }

  /**
   * Whether a passing record is drawn for a second person's check. Who must
   * be drawn first: a drive or a technician with a failed check behind them
   * (docs/domain.md §2); then at random, topped up whenever the sample would fall under
   * 5 %. Only logical wipes count towards the sample.
   */
  async function drawForVerification(tx: Tx, rec: RecordRow, actor: Actor, at: string): Promise<{ verificationId: number | null; drawReason: DrawReason | null }> {
    if (rec.result !== 'passed') return { verificationId: null, drawReason: null };
    const logical = rec.method !== 'destroy';
    let drawReason: DrawReason | null = null;
    if (await driveOwesDraw(tx, rec.driveId, rec.id)) drawReason = 'drive_failed_check';
    else if (logical && await technicianOwesDraw(tx, actor.id, rec.id)) drawReason = 'technician_failed_check';
    if (logical) {
      const { logical: passed, drawn } = await samplingCounts(tx);
      // docs/domain.md §3: of n passing logical wipes, at least ⌈5 % × (n + 1)⌉ are drawn; with this one, n = passed + 1.
      if (drawReason === null && deps.random() < VERIFICATION_SAMPLE_RATE) drawReason = 'random';
      if (drawReason === null && drawn < Math.ceil((passed + 2) * VERIFICATION_SAMPLE_RATE)) drawReason = 'top_up';
    }
    const verificationId = drawReason === null ? null : await insertVerification(tx, rec.id, at, drawReason);
    if (logical) await tallySample(tx, verificationId !== null);
    return { verificationId, drawReason };
  }

  /** The device holds no data-bearing storage: a received device becomes sanitized. */
  function confirmNoStorage(actor: Actor, ref: string, notes: string | undefined, expectedVersion: number | undefined) {
    return withDeviceAction(actor, ref, 'confirm_no_storage', expectedVersion, async ({ tx, device, at, view }) => {
      const row = await applyDeviceChange(tx, {
        device,
        actor,
        event: 'device.no_storage_confirmed',
        toStatus: device.status === 'received' ? 'sanitized' : undefined,
        patch: { noStorageConfirmed: true },
        details: { notes: notes ?? null },
        at,
      });
      return { sanitization: null, device: await view(row) };
    });
  }

  /** One wipe record of one registered drive: validated, written, perhaps drawn for a check; the device sanitized when its last drive passes. */
  function recordWipe(actor: Actor, ref: string, body: SanitizationRecordBody, expectedVersion: number | undefined) {
    return withDeviceAction(
      actor,
      ref,
      'sanitize',
      expectedVersion,
      async ({ tx, device, state, now, at, reload, view }) => {
        const { drive, startedAt, completedAt } = checkRecord(device, state.drives, body, now);
        const rec = await insertRecord(tx, {
          deviceId: device.id,
          driveId: drive.id,
          custodyCycle: device.custodyCycle,
          storageSerial: drive.serialNumber,
          standard: body.standard ?? DEFAULT_STANDARD,
          method: body.method,
          technique: body.technique,
          tool: body.tool,
          toolVersion: body.toolVersion ?? null,
          verification: body.verification,
          result: body.result,
          startedAt: startedAt?.toISOString() ?? null,
          completedAt: completedAt.toISOString(),
          reportSha256: body.reportSha256 ?? null,
          notes: body.notes ?? null,
          technicianId: actor.id,
          createdAt: at,
        });
        const { verificationId, drawReason } = await drawForVerification(tx, rec, actor, at);
        const becomesSanitized = device.status === 'received' && (await reload(device)).facts.sanitized;
        const row = await applyDeviceChange(tx, {
          device,
          actor,
          event: 'device.sanitization_recorded',
          toStatus: becomesSanitized ? 'sanitized' : undefined,
          details: {
            recordId: rec.id,
            storageSerial: rec.storageSerial,
            method: rec.method,
            technique: rec.technique,
            tool: rec.tool,
            result: rec.result,
            drawnForVerification: verificationId !== null,
            drawReason,
          },
          records: [{ source: sanitizationRecordRecords, id: rec.id }, ...(verificationId === null ? [] : [{ source: sanitizationVerificationRecords, id: verificationId }])],
          at,
        });
        return { sanitization: toRecord((await findRecordView(tx, rec.id))!), device: await view(row) };
      },
      // With no drive registered the lifecycle refuses any wipe record; this one names a drive, so say that it is unknown.
      (why, device, facts) => (why === 'devices.invalid_transition' && facts.driveCount === 0 && statusAllows('sanitize', device.status) ? unknownDrive(device, [], body.storageSerial) : undefined),
    );
  }

  return {
    /**
     * Records one sanitization attempt on one registered drive, or confirms
     * that the device holds no data-bearing storage. A received device
     * becomes sanitized when its last drive passes.
     */
    async record(actor: Actor, ref: string, body: SanitizeBody, expectedVersion?: number) {
      return 'noStorage' in body ? confirmNoStorage(actor, ref, body.notes, expectedVersion) : recordWipe(actor, ref, body, expectedVersion);
    },

    /** The viewer's site's checks; every site's for admins and program officers (docs/domain.md §8). */
    async listVerifications(viewer: SiteViewer, status: VerificationRow['status'] | undefined, limit: number, cursor: string | undefined) {
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      const { page, nextCursor } = pageOf(await listVerifications(db, status, after, limit + 1, siteLimit(viewer)), limit, (r) => r.id);
      return { items: await mapInOrder(page, toVerification), nextCursor };
    },

    /**
     * The second person's check (docs/domain.md §2). A pass changes no status. A
     * failure voids the drive's passing records made so far: a sanitized or
     * ready device goes back to received, an issued one is flagged for
     * recall, any other keeps its status but cannot be graded, issued or
     * shipped until the drive passes again. One history event either way.
     */
    verify(actor: Actor, id: number, result: 'passed' | 'failed', notes: string | undefined): Promise<Verification> {
      const at = clock.now().toISOString();
      return writeTransaction(db, async (tx) => {
        const v = await findVerification(tx, id);
        if (!v) throw new AppError('verifications.not_found', `No verification with id ${id}.`);
        if (v.status !== 'pending') throw new AppError('verifications.already_done', `Verification ${id} was already completed (${v.status}).`);
        const record = (await findRecordView(tx, v.recordId))!;
        const device = (await deviceByTag(tx, record.assetTag))!;
        // Another site's check is none (docs/domain.md §8).
        if (!sees(actor, device.siteId)) throw new AppError('verifications.not_found', `No verification with id ${id}.`);
        if (record.technicianId === actor.id) {
          throw new AppError('verifications.same_person', 'The wipe must be verified by someone other than its technician.');
        }
        const voidsThroughRecordId = result === 'failed' ? await highestRecordId(tx) : null;
        if (!await completeVerification(tx, id, { status: result, verifierId: actor.id, verifiedAt: at, notes: notes ?? null, voidsThroughRecordId })) {
          throw new AppError('verifications.already_done', `Verification ${id} was completed meanwhile.`);
        }
        const after = await loadState(device);
        const backToReceived = (device.status === 'sanitized' || device.status === 'ready') && !after.facts.sanitized;
        await applyDeviceChange(tx, {
          device,
          actor,
          event: 'device.sanitization_verified',
          toStatus: backToReceived ? 'received' : undefined,
          details: {
            verificationId: id,
            recordId: record.id,
            storageSerial: record.storageSerial,
            result,
            ...(result === 'failed' ? { voidsThroughRecordId, recall: device.status === 'issued' && (after.facts.failedCheck ?? false) } : {}),
          },
          records: [{ source: sanitizationVerificationRecords, id }],
          at,
        });
        return toVerification((await findVerification(tx, id))!);
      });
    },
  };
}

export type SanitizationService = ReturnType<typeof createSanitizationService>;
