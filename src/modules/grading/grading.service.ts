import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { applyDeviceChange, assertAllowed } from '../devices/device-change.js';
import { toDevice } from '../devices/device-view.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { Actor } from '../users/users.service.js';
import { checklistContradictions } from './grade-rules.js';
import type { GradeBody } from './grading.schemas.js';
import { insertGrading } from './grading.repository.js';
import { gradingRecords } from './grading.records.js';

export function createGradingService(deps: { db: Db; clock: Clock; devices: DevicesService }) {
  const { db, clock } = deps;
  const loadState = deps.devices.loadState;
  return {
    /**
     * A, B, C: ready to issue. D: salvage, awaiting recycling. Needs every
     * drive sanitized; a ready device may be graded again (a regrade).
     */
    grade(actor: Actor, ref: string, body: GradeBody, expectedVersion?: number) {
      const at = clock.now().toISOString();
      return writeTransaction(db, (tx) => {
        const device = deps.devices.resolve(ref);
        assertAllowed(actor, 'grade', device, loadState(device).facts, expectedVersion);
        const checklist = body.checklist ?? {};
        const contradictions = checklistContradictions(device.category, body.grade, checklist);
        if (contradictions.length > 0) {
          throw new AppError('request.invalid', `The checklist contradicts grade ${body.grade}: ${contradictions.map((c) => c.message).join('; ')}.`, {
            errors: contradictions.map((c) => ({ field: `body.checklist.${c.item}`, message: c.message })),
          });
        }
        const specs = body.specs ?? device.specs;
        const grading = insertGrading(tx, { deviceId: device.id, grade: body.grade, checklist, specs, graderId: actor.id, gradedAt: at });
        const row = applyDeviceChange(tx, {
          device,
          actor,
          event: 'device.graded',
          toStatus: body.grade === 'D' ? 'awaiting_recycling' : 'ready',
          patch: { specs, grade: body.grade, gradedAt: at },
          details: { gradingId: grading.id, grade: body.grade, regrade: device.status === 'ready', previousGrade: device.grade, checklist: grading.checklist, specs },
          records: [{ source: gradingRecords, id: grading.id }],
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
