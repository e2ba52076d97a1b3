import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db } from '../../core/db.js';
import { applyDeviceChange, assertAllowed } from '../devices/device-change.js';
import { createDeviceStateLoader, toDevice } from '../devices/device-view.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { Actor } from '../users/users.service.js';
import type { GradeBody } from './grading.schemas.js';
import { insertGrading } from './grading.repository.js';

export function createGradingService(deps: { db: Db; clock: Clock; devices: DevicesService }) {
  const { db, clock } = deps;
  const loadState = createDeviceStateLoader(db);
  return {
    /** A, B, C: ready to issue. D: salvage, awaiting recycling. Needs every drive sanitized. */
    grade(actor: Actor, ref: string, body: GradeBody, expectedVersion?: number) {
      const at = clock.now().toISOString();
      return writeTransaction(db, (tx) => {
        const device = deps.devices.resolve(ref);
        assertAllowed(actor, 'grade', device, loadState(device).facts, expectedVersion);
        const specs = body.specs ?? device.specs;
        const grading = insertGrading(tx, { deviceId: device.id, grade: body.grade, checklist: body.checklist ?? {}, specs, graderId: actor.id, gradedAt: at });
        const row = applyDeviceChange(tx, {
          device,
          actor,
          event: 'device.graded',
          toStatus: body.grade === 'D' ? 'awaiting_recycling' : 'ready',
          patch: { specs },
          details: { gradingId: grading.id, grade: body.grade, checklist: grading.checklist, specs },
          at,
        });
        return {
          grading: { ...grading, assetTag: device.assetTag },
          device: toDevice(loadState(row), actor.role),
        };
      });
    },
  };
}

export type GradingService = ReturnType<typeof createGradingService>;
