import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db, type Executor } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { parseTag } from '../asset-tags/asset-tag.js';
import { applyDeviceChange, assertAllowed } from '../devices/device-change.js';
import { createDeviceStateLoader, toDevice } from '../devices/device-view.js';
import { findDeviceByTag, type DeviceRow } from '../devices/devices.repository.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { Actor } from '../users/users.service.js';
import { completeRepair, findRepair, insertRepair, openRepairOf, type RepairRow } from './repairs.repository.js';
import type { CompleteRepairBody, OpenRepairBody, Repair } from './repairs.schemas.js';
import type { PartUsed } from './repairs.table.js';

function toRepair(r: RepairRow, assetTag: string): Repair {
  return {
    id: r.id,
    assetTag,
    description: r.description,
    partsUsed: r.partsUsed,
    minutes: r.minutes,
    outcome: r.outcome,
    notes: r.notes,
    openedBy: r.openedBy,
    openedAt: r.openedAt,
    completedBy: r.completedBy,
    completedAt: r.completedAt,
  };
}

/** Harvested parts name their donor device by tag; it must exist and not be the device itself. */
function checkParts(tx: Executor, device: DeviceRow, parts: PartUsed[] | undefined): PartUsed[] {
  return (parts ?? []).map((p, i) => {
    if (p.sourceAssetTag === undefined) return { name: p.name, quantity: p.quantity };
    const parsed = parseTag(p.sourceAssetTag);
    const field = `body.partsUsed.${i}.sourceAssetTag`;
    if (parsed.kind !== 'valid') throw new AppError('devices.invalid_asset_tag', `${p.sourceAssetTag} is not a valid asset tag.`, { errors: [{ field, message: 'invalid asset tag' }] });
    if (parsed.tag === device.assetTag) throw new AppError('request.invalid', 'A part cannot come from the device being repaired.', { errors: [{ field, message: 'same device' }] });
    if (!findDeviceByTag(tx, parsed.tag)) throw new AppError('repairs.unknown_source_device', `No device carries the tag ${parsed.tag}.`, { errors: [{ field, message: 'no such device' }] });
    return { name: p.name, quantity: p.quantity, sourceAssetTag: parsed.tag };
  });
}

export function createRepairsService(deps: { db: Db; clock: Clock; devices: DevicesService }) {
  const { db, clock } = deps;
  const loadState = createDeviceStateLoader(db);
  return {
    open(actor: Actor, ref: string, body: OpenRepairBody, expectedVersion?: number) {
      const at = clock.now().toISOString();
      return writeTransaction(db, (tx) => {
        const device = deps.devices.resolve(ref);
        assertAllowed(actor, 'open_repair', device, loadState(device).facts, expectedVersion);
        const parts = checkParts(tx, device, body.partsUsed);
        const repair = insertRepair(tx, {
          deviceId: device.id,
          description: body.description,
          partsUsed: parts,
          minutes: body.minutes ?? null,
          openedBy: actor.id,
          openedAt: at,
        });
        const row = applyDeviceChange(tx, {
          device,
          actor,
          event: 'device.repair_opened',
          toStatus: 'in_repair',
          details: { repairId: repair.id, description: body.description, partsUsed: parts },
          at,
        });
        return { repair: toRepair(repair, device.assetTag), device: toDevice(loadState(row), actor.role) };
      });
    },

    /** Back to sanitized, or to received when a drive registered during the repair still has to pass. */
    complete(actor: Actor, ref: string, repairId: number, body: CompleteRepairBody, expectedVersion?: number) {
      const at = clock.now().toISOString();
      return writeTransaction(db, (tx) => {
        const device = deps.devices.resolve(ref);
        const repair = findRepair(tx, device.id, repairId);
        if (!repair) throw new AppError('repairs.not_found', `${device.assetTag} has no repair ${repairId}.`);
        if (repair.completedAt !== null) throw new AppError('repairs.already_completed', `Repair ${repairId} was completed at ${repair.completedAt}.`);
        const state = loadState(device);
        assertAllowed(actor, 'complete_repair', device, state.facts, expectedVersion);
        if (openRepairOf(tx, device.id)?.id !== repair.id) throw new AppError('repairs.already_completed', `Repair ${repairId} is not the open repair.`);
        const parts = [...repair.partsUsed, ...checkParts(tx, device, body.partsUsed)];
        const minutes = body.minutes === undefined ? repair.minutes : (repair.minutes ?? 0) + body.minutes;
        const done = completeRepair(tx, repair.id, {
          outcome: body.outcome,
          partsUsed: parts,
          minutes,
          notes: body.notes ?? null,
          completedBy: actor.id,
          completedAt: at,
        });
        if (!done) throw new AppError('repairs.already_completed', `Repair ${repairId} was completed meanwhile.`);
        const row = applyDeviceChange(tx, {
          device,
          actor,
          event: 'device.repair_completed',
          toStatus: state.facts.sanitized ? 'sanitized' : 'received',
          details: { repairId: repair.id, outcome: body.outcome, minutes, partsUsed: parts },
          at,
        });
        return { repair: toRepair(done, device.assetTag), device: toDevice(loadState(row), actor.role) };
      });
    },
  };
}

export type RepairsService = ReturnType<typeof createRepairsService>;
