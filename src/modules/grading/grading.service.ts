import { AppError } from '../../core/errors.js';
import { applyDeviceChange } from '../devices/device-change.js';
import type { DeviceUseCase } from '../devices/device-use-case.js';
import type { Actor } from '../users/users.service.js';
import { checklistContradictions } from './grade-rules.js';
import type { GradeBody } from './grading.schemas.js';
import { insertGrading } from './grading.repository.js';
import { gradingRecords } from './grading.records.js';

export function createGradingService(deps: { deviceUseCase: DeviceUseCase }) {
  const { withDeviceAction } = deps.deviceUseCase;
  return {
    /**
     * A, B, C: ready to issue. D: salvage, awaiting recycling. Needs every
     * drive sanitized; a ready device may be graded again (a regrade).
     */
    grade(actor: Actor, ref: string, body: GradeBody, expectedVersion?: number) {
      return withDeviceAction(actor, ref, 'grade', expectedVersion, async ({ tx, device, at, view }) => {
        const checklist = body.checklist ?? {};
        const contradictions = checklistContradictions(device.category, body.grade, checklist);
        if (contradictions.length > 0) {
          throw new AppError('request.invalid', `The checklist contradicts grade ${body.grade}: ${contradictions.map((c) => c.message).join('; ')}.`, {
            errors: contradictions.map((c) => ({ field: `checklist.${c.item}`, message: c.message })),
          });
        }
        const specs = body.specs ?? device.specs;
        const grading = await insertGrading(tx, { deviceId: device.id, grade: body.grade, checklist, specs, graderId: actor.id, gradedAt: at });
        const row = await applyDeviceChange(tx, {
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
          device: await view(row),
        };
      });
    },
  };
}

export type GradingService = ReturnType<typeof createGradingService>;
