import type { Clock } from '../../core/clock.js';
import { isUniqueViolation, writeTransaction, type Db } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../users/users.service.js';
import { applyDeviceChange, assertAllowed } from './device-change.js';
import { toDevice } from './device-view.js';
import { insertDrives, serialKey } from './devices.repository.js';
import type { Device } from './devices.schemas.js';
import type { DevicesService } from './devices.service.js';
import type { STORAGE_KINDS } from './devices.table.js';

export interface RegisterStorageBody {
  serialNumber: string;
  kind: (typeof STORAGE_KINDS)[number];
  capacityGb?: number | undefined;
  model?: string | undefined;
}

/** Lifecycle actions on the device itself: a drive found late, designation for recycling, write-off. */
export function createDeviceActionsService(deps: { db: Db; clock: Clock; devices: DevicesService }) {
  const { db, clock } = deps;
  const loadState = deps.devices.loadState;

  return {
    /** A drive found after intake: a sanitized or ready device goes back to received until it passes (SPEC §2). */
    registerStorage(actor: Actor, ref: string, body: RegisterStorageBody, expectedVersion?: number): Device {
      const at = clock.now().toISOString();
      try {
        return writeTransaction(db, (tx) => {
          const device = deps.devices.resolve(ref);
          const state = loadState(device);
          assertAllowed(actor, 'register_storage', device, state.facts, expectedVersion);
          if (state.drives.some((d) => serialKey(d.serialNumber) === serialKey(body.serialNumber))) {
            throw new AppError('devices.duplicate_drive', `${device.assetTag} already has drive ${body.serialNumber}.`);
          }
          insertDrives(tx, [
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
          const row = applyDeviceChange(tx, {
            device,
            actor,
            event: 'device.storage_registered',
            toStatus: backToReceived ? 'received' : undefined,
            patch: { noStorageConfirmed: false },
            details: { serialNumber: body.serialNumber, kind: body.kind, capacityGb: body.capacityGb ?? null },
            at,
          });
          return toDevice(loadState(row), actor.role);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('devices.duplicate_drive', `The device already has drive ${body.serialNumber}.`);
        throw err;
      }
    },

    recycle(actor: Actor, ref: string, reason: string, expectedVersion?: number): Device {
      const at = clock.now().toISOString();
      return writeTransaction(db, (tx) => {
        const device = deps.devices.resolve(ref);
        assertAllowed(actor, 'recycle', device, loadState(device).facts, expectedVersion);
        const row = applyDeviceChange(tx, { device, actor, event: 'device.designated_for_recycling', toStatus: 'awaiting_recycling', details: { reason }, at });
        return toDevice(loadState(row), actor.role);
      });
    },

    writeOff(actor: Actor, ref: string, reason: string, expectedVersion?: number): Device {
      const at = clock.now().toISOString();
      return writeTransaction(db, (tx) => {
        const device = deps.devices.resolve(ref);
        assertAllowed(actor, 'write_off', device, loadState(device).facts, expectedVersion);
        const row = applyDeviceChange(tx, { device, actor, event: 'device.written_off', toStatus: 'written_off', details: { reason }, at });
        return toDevice(loadState(row), actor.role);
      });
    },
  };
}

export type DeviceActionsService = ReturnType<typeof createDeviceActionsService>;
