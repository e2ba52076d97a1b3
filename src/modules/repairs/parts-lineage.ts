import type { Executor } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { parseTag } from '../asset-tags/asset-tag.js';
import { applyDeviceChange } from '../devices/device-change.js';
import type { DeviceStatus } from '../devices/device-lifecycle.js';
import { deviceByTag, type DeviceRow } from '../devices/device-reads.js';
import type { Actor } from '../users/users.service.js';
import type { PartUsed } from './repairs.table.js';
import { mapInOrder } from '../../core/in-order.js';

/**
 * A part can only be harvested from a device the workshop still holds: an
 * issued device is with a participant, a recycled or written-off one is gone
 * (docs/domain.md §3 Repair).
 */
const OUT_OF_CUSTODY: readonly DeviceStatus[] = ['issued', 'recycled', 'written_off'];

/** A part line of a request, with its source device read inside the write transaction. */
export interface CheckedPart {
  part: PartUsed;
  source: DeviceRow | null;
}

/**
 * Checks the part lines of one request against their source devices. Runs
 * inside the caller's transaction so that the source's status cannot move
 * between this check and the harvest event written for it. Field paths use
 * the index in the request body, so the client can mark the line at fault.
 */
export function checkParts(tx: Executor, device: DeviceRow, parts: readonly PartUsed[] | undefined): Promise<CheckedPart[]> {
  return mapInOrder(parts ?? [], async (p, i) => {
    if (p.sourceAssetTag === undefined) return { part: { name: p.name, quantity: p.quantity }, source: null };
    const field = `partsUsed.${i}.sourceAssetTag`;
    const parsed = parseTag(p.sourceAssetTag);
    if (parsed.kind !== 'valid') throw new AppError('devices.invalid_asset_tag', `${p.sourceAssetTag} is not a valid asset tag.`, { errors: [{ field, message: 'invalid asset tag' }] });
    if (parsed.tag === device.assetTag) {
      throw new AppError('repairs.source_is_repaired_device', `${parsed.tag} is the device being repaired: a part cannot come from itself.`, { errors: [{ field, message: 'same device' }] });
    }
    const source = await deviceByTag(tx, parsed.tag);
    if (!source) throw new AppError('repairs.unknown_source_device', `No device carries the tag ${parsed.tag}.`, { errors: [{ field, message: 'no such device' }] });
    if (OUT_OF_CUSTODY.includes(source.status)) {
      throw new AppError('repairs.source_not_in_custody', `${parsed.tag} is ${source.status}: the workshop no longer holds it.`, {
        errors: [{ field, message: `source is ${source.status}` }],
        extra: { currentStatus: source.status },
      });
    }
    return { part: { name: p.name, quantity: p.quantity, sourceAssetTag: parsed.tag }, source };
  });
}

/**
 * Writes `device.part_harvested` in each source device's history, one event
 * per part line, in the caller's transaction. The source keeps its status but
 * its version moves (compare-and-set), so a client holding the source's old
 * ETag learns that its record changed. Two lines from the same source chain
 * on the row the previous change returned.
 */
export async function recordHarvests(tx: Executor, input: { checked: readonly CheckedPart[]; receiving: DeviceRow; repairId: number; actor: Actor; at: string }): Promise<void> {
  const latest = new Map<number, DeviceRow>();
  for (const { part, source } of input.checked) {
    if (!source) continue;
    const row = await applyDeviceChange(tx, {
      device: latest.get(source.id) ?? source,
      actor: input.actor,
      event: 'device.part_harvested',
      details: { part: part.name, quantity: part.quantity, receivingAssetTag: input.receiving.assetTag, repairId: input.repairId },
      at: input.at,
    });
    latest.set(source.id, row);
  }
}
