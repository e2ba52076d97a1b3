import { actorOf } from '../users/authentication.js';
import type { Api } from '../../core/http/api.js';
import { DEVICE_ACTION, DeviceParams } from '../devices/devices.schemas.js';
import { ifMatchVersion, setDeviceEtag } from '../../core/http/etag.js';
import type { GradingService } from './grading.service.js';
import { GradeBody, GradeResponse } from './grading.schemas.js';

/** Grading one device (docs/domain.md §2); answers the device with a fresh ETag, and If-Match guards a stale client. */
export function gradingRoutes(api: Api, s: { grading: GradingService }): void {
  api.post('/devices/:tag/grade', {
    config: { access: { permission: 'devices:grade' }, contract: DEVICE_ACTION },
    schema: { tags: ['lifecycle'], summary: 'Grade: A/B/C ready, D awaiting recycling', params: DeviceParams, body: GradeBody, response: { 201: GradeResponse } },
    handler: async (request, reply) => {
      const out = await s.grading.grade(actorOf(request), request.params.tag, request.body, ifMatchVersion(request));
      return setDeviceEtag(reply.code(201), out.device.version).send(out);
    },
  });
}
