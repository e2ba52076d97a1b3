import { isUniqueViolation, type Tx } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../users/users.service.js';
import { applyDeviceChange } from './device-change.js';
import type { DeviceUseCase } from './device-use-case.js';
import { insertDrives, serialKey, type DeviceRow } from './devices.repository.js';
import type { Device } from './devices.schemas.js';
import type { STORAGE_KINDS } from './devices.table.js';

export interface RegisterStorageBody {
  serialNumber: string;
  kind: (typeof STORAGE_KINDS)[number];
  capacityGb?: number | undefined;
  model?: string | undefined;
}

/** Lifecycle actions on the device itself: a drive found late, designation for recycling, write-off. */
/**
 * What else a write-off settles, in its transaction: a device written off on its way between sites leaves its
 * transfer (the transfers module's, wired by the composition root: devices know nothing of transfers).
 */
export type OnWriteOff = (tx: Tx, device: DeviceRow, actor: Actor, at: string) => Promise<void>;

export function createDeviceActionsService(deps: { deviceUseCase: DeviceUseCase; onWriteOff?: OnWriteOff | undefined }) {
  const { withDeviceAction } = deps.deviceUseCase;

  return {
    /** A drive found after intake: a sanitized or ready device goes back to received until it passes (docs/domain.md §2). */
    async registerStorage(actor: Actor, ref: string, body: RegisterStorageBody, expectedVersion?: number): Promise<Device> {
      try {
        return await withDeviceAction(actor, ref, 'register_storage', expectedVersion, async ({ tx, device, state, at, view }) => {
          if (state.drives.some((d) => serialKey(d.serialNumber) === serialKey(body.serialNumber))) {
            throw new AppError('devices.duplicate_drive', `${device.assetTag} already has drive ${body.serialNumber}.`);
          }
          await insertDrives(tx, [
            {
              deviceId: device.id,
              serialNumber: body.serialNumber,
              kind: body.kind,
              capacityGb: body.capacityGb ?? null,
              model: body.model ?? null,
              registeredAt: at,
              registeredBy: actor.id,
            },
          ]);
          const backToReceived = device.status === 'sanitized' || device.status === 'ready';
          const row = await applyDeviceChange(tx, {
            device,
            actor,
            event: 'device.storage_registered',
            toStatus: backToReceived ? 'received' : undefined,
            patch: { noStorageConfirmed: false },
            details: { serialNumber: body.serialNumber, kind: body.kind, capacityGb: body.capacityGb ?? null },
            at,
          });
          return view(row);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('devices.duplicate_drive', `The device already has drive ${body.serialNumber}.`);
        throw err;
      }
    },

    recycle(actor: Actor, ref: string, reason: string, expectedVersion?: number): Promise<Device> {
      return withDeviceAction(actor, ref, 'recycle', expectedVersion, async ({ tx, device, at, view }) =>
        view(await applyDeviceChange(tx, { device, actor, event: 'device.designated_for_recycling', toStatus: 'awaiting_recycling', details: { reason }, at })),
      );
    },

    writeOff(actor: Actor, ref: string, reason: string, expectedVersion?: number): Promise<Device> {
      return withDeviceAction(actor, ref, 'write_off', expectedVersion, async ({ tx, device, at, view }) => {
        const row = await applyDeviceChange(tx, { device, actor, event: 'device.written_off', toStatus: 'written_off', details: { reason }, at });
        if (device.status === 'in_transit') await deps.onWriteOff?.(tx, device, actor, at);
        return view(row);
      });
    },
  };
}

export type DeviceActionsService = ReturnType<typeof createDeviceActionsService>;
