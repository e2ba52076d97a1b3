import { isUniqueViolation } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../users/users.service.js';
import { applyDeviceChange } from './device-change.js';
import type { DeviceUseCase } from './device-use-case.js';
import { insertDrives, serialKey } from './devices.repository.js';
import type { Device } from './devices.schemas.js';
import type { STORAGE_KINDS } from './devices.table.js';

export interface RegisterStorageBody {
  serialNumber: string;
  kind: (typeof STORAGE_KINDS)[number];
  capacityGb?: number | undefined;
  model?: string | undefined;
}

/** Lifecycle actions on the device itself: a drive found late, designation for recycling, write-off. */
export function createDeviceActionsService(deps: { deviceUseCase: DeviceUseCase }) {
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
      return withDeviceAction(actor, ref, 'write_off', expectedVersion, async ({ tx, device, at, view }) =>
        view(await applyDeviceChange(tx, { device, actor, event: 'device.written_off', toStatus: 'written_off', details: { reason }, at })),
      );
    },
  };
}

export type DeviceActionsService = ReturnType<typeof createDeviceActionsService>;
