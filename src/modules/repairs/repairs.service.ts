import { AppError } from '../../core/errors.js';
import { applyDeviceChange, assertAllowed } from '../devices/device-change.js';
import type { DeviceStatus } from '../devices/device-lifecycle.js';
import type { DeviceUseCase } from '../devices/device-use-case.js';
import type { Actor } from '../users/users.service.js';
import { checkParts, recordHarvests } from './parts-lineage.js';
import { completeRepair, findRepair, insertRepair, openRepairOf, type RepairRow } from './repairs.repository.js';
import type { CompleteRepairBody, OpenRepairBody, Repair, RepairTimeEntry } from './repairs.schemas.js';
import { repairRecords } from './repairs.records.js';

/** The time entries that were given, in the order they were made (docs/domain.md §3: two entries, not a silent sum). */
function timeEntries(r: RepairRow): RepairTimeEntry[] {
  const entries: RepairTimeEntry[] = [];
  if (r.minutes !== null) entries.push({ stage: 'open', minutes: r.minutes, by: r.openedBy, at: r.openedAt });
  if (r.completionMinutes !== null && r.completedBy !== null && r.completedAt !== null) {
    entries.push({ stage: 'complete', minutes: r.completionMinutes, by: r.completedBy, at: r.completedAt });
  }
  return entries;
}

/** Total minutes of the repair; null when no entry was given, so "not recorded" stays apart from 0. */
function totalMinutes(entries: readonly RepairTimeEntry[]): number | null {
  return entries.length === 0 ? null : entries.reduce((sum, e) => sum + e.minutes, 0);
}

function toRepair(r: RepairRow, assetTag: string): Repair {
  const entries = timeEntries(r);
  return {
    id: r.id,
    assetTag,
    description: r.description,
    partsUsed: r.partsUsed,
    // `minutes` stays the total for clients written before the entries were split.
    minutes: totalMinutes(entries),
    timeEntries: entries,
    outcome: r.outcome,
    notes: r.notes,
    openedBy: r.openedBy,
    openedAt: r.openedAt,
    completedBy: r.completedBy,
    completedAt: r.completedAt,
  };
}

export function createRepairsService(deps: { deviceUseCase: DeviceUseCase }) {
  const { withDeviceAction, inDeviceTransaction } = deps.deviceUseCase;
  return {
    /** To the bench; parts taken from other devices are written in their histories too (docs/domain.md §3). */
    open(actor: Actor, ref: string, body: OpenRepairBody, expectedVersion?: number) {
      return withDeviceAction(actor, ref, 'open_repair', expectedVersion, async ({ tx, device, at, view }) => {
        const checked = await checkParts(tx, device, body.partsUsed);
        const parts = checked.map((c) => c.part);
        const repair = await insertRepair(tx, {
          deviceId: device.id,
          description: body.description,
          partsUsed: parts,
          minutes: body.minutes ?? null,
          openedBy: actor.id,
          openedAt: at,
        });
        const row = await applyDeviceChange(tx, {
          device,
          actor,
          event: 'device.repair_opened',
          toStatus: 'in_repair',
          details: { repairId: repair.id, description: body.description, minutes: body.minutes ?? null, partsUsed: parts },
          records: [{ source: repairRecords, id: repair.id }],
          at,
        });
        await recordHarvests(tx, { checked, receiving: row, repairId: repair.id, actor, at });
        return { repair: toRepair(repair, device.assetTag), device: await view(row) };
      });
    },

    /**
     * fixed / not_fixed: back to sanitized, or to received when a drive registered during the repair
     * still has to pass. parts_harvested: the device gave its parts and goes to awaiting_recycling (docs/domain.md §2).
     */
    complete(actor: Actor, ref: string, repairId: number, body: CompleteRepairBody, expectedVersion?: number) {
      // The repair the request names is answered for (404, 409) before the lifecycle is asked.
      return inDeviceTransaction(actor, ref, async ({ tx, device, state, at, view }) => {
        const repair = await findRepair(tx, device.id, repairId);
        if (!repair) throw new AppError('repairs.not_found', `${device.assetTag} has no repair ${repairId}.`);
        if (repair.completedAt !== null) throw new AppError('repairs.already_completed', `Repair ${repairId} was completed at ${repair.completedAt}.`);
        assertAllowed(actor, 'complete_repair', device, state.facts, expectedVersion);
        if ((await openRepairOf(tx, device.id))?.id !== repair.id) throw new AppError('repairs.already_completed', `Repair ${repairId} is not the open repair.`);
        const checked = await checkParts(tx, device, body.partsUsed);
        const parts = [...repair.partsUsed, ...checked.map((c) => c.part)];
        const done = await completeRepair(tx, repair.id, {
          outcome: body.outcome,
          partsUsed: parts,
          completionMinutes: body.minutes ?? null,
          notes: body.notes ?? null,
          completedBy: actor.id,
          completedAt: at,
        });
        if (!done) throw new AppError('repairs.already_completed', `Repair ${repairId} was completed meanwhile.`);
        let toStatus: DeviceStatus = state.facts.sanitized ? 'sanitized' : 'received';
        // Even with a drive still to pass: the device then waits in awaiting_recycling, and shipping refuses it until that drive passes (invariant 2).
        if (body.outcome === 'parts_harvested') toStatus = 'awaiting_recycling';
        const row = await applyDeviceChange(tx, {
          device,
          actor,
          event: 'device.repair_completed',
          toStatus,
          // minutes is this entry only; totalMinutes lets a reader of the history see the sum without adding.
          details: { repairId: repair.id, outcome: body.outcome, minutes: body.minutes ?? null, totalMinutes: totalMinutes(timeEntries(done)), partsUsed: parts },
          records: [{ source: repairRecords, id: repair.id }],
          at,
        });
        await recordHarvests(tx, { checked, receiving: row, repairId: repair.id, actor, at });
        return { repair: toRepair(done, device.assetTag), device: await view(row) };
      });
    },
  };
}

export type RepairsService = ReturnType<typeof createRepairsService>;
