import { actorOf } from '../users/authentication.js';
import type { Api } from '../../core/http/api.js';
import { DEVICE_ACTION, DeviceParams } from '../devices/devices.schemas.js';
import { ifMatchVersion, setDeviceEtag } from '../../core/http/etag.js';
import type { RepairsService } from './repairs.service.js';
import { CompleteRepairBody, OpenRepairBody, RepairParams, RepairResponse } from './repairs.schemas.js';

/** Repairs on one device's bench (docs/domain.md §2); each answers the device with a fresh ETag, and If-Match guards a stale client. */
/** Parts taken from another device name it: it must exist, be in custody, and not be the device repaired. */
const PART_ERRORS = ['repairs.unknown_source_device', 'repairs.source_not_in_custody', 'repairs.source_is_repaired_device'] as const;

export function repairRoutes(api: Api, s: { repairs: RepairsService }): void {
  api.post('/devices/:tag/repairs', {
    config: { access: { permission: 'devices:repair' }, contract: { ...DEVICE_ACTION, errors: [...DEVICE_ACTION.errors, ...PART_ERRORS] } },
    schema: { tags: ['lifecycle'], summary: 'Open a repair: the device goes to the bench', params: DeviceParams, body: OpenRepairBody, response: { 201: RepairResponse } },
    handler: async (request, reply) => {
      const out = await s.repairs.open(actorOf(request), request.params.tag, request.body, ifMatchVersion(request));
      return setDeviceEtag(reply.code(201), out.device.version).send(out);
    },
  });

  api.post('/devices/:tag/repairs/:id/complete', {
    config: {
      access: { permission: 'devices:repair' },
      contract: { ...DEVICE_ACTION, errors: [...DEVICE_ACTION.errors, 'repairs.not_found', 'repairs.already_completed', ...PART_ERRORS] },
    },
    schema: { tags: ['lifecycle'], summary: 'Complete the open repair', params: RepairParams, body: CompleteRepairBody, response: { 200: RepairResponse } },
    handler: async (request, reply) => {
      const out = await s.repairs.complete(actorOf(request), request.params.tag, request.params.id, request.body, ifMatchVersion(request));
      return setDeviceEtag(reply, out.device.version).send(out);
    },
  });
}
