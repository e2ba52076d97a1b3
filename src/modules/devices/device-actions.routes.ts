import { z } from 'zod';
import type { Api } from '../../core/http/api.js';
import { ifMatchVersion, setDeviceEtag } from '../../core/http/etag.js';
import { actorOf } from '../users/authentication.js';
import type { DeviceActionsService } from './device-actions.service.js';
import { DEVICE_ACTION, DeviceEnvelope, DeviceParams, StorageDriveInput } from './devices.schemas.js';

const ReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(1000) });

/**
 * Lifecycle actions on one device (docs/domain.md §2). Each answers the device as it is
 * now, with a fresh ETag; an optional If-Match makes a stale client fail with 412.
 */
export function deviceActionRoutes(api: Api, s: { actions: DeviceActionsService }): void {
  api.post('/devices/:tag/storage', {
    config: { access: { permission: 'devices:register-storage' }, contract: { ...DEVICE_ACTION, errors: [...DEVICE_ACTION.errors, 'devices.duplicate_drive'] } },
    schema: { tags: ['lifecycle'], summary: 'Register a drive found after intake', params: DeviceParams, body: StorageDriveInput, response: { 201: DeviceEnvelope } },
    handler: async (request, reply) => {
      const device = await s.actions.registerStorage(actorOf(request), request.params.tag, request.body, ifMatchVersion(request));
      return setDeviceEtag(reply.code(201), device.version).send({ device });
    },
  });

  api.post('/devices/:tag/recycle', {
    config: { access: { permission: 'devices:recycle' }, contract: DEVICE_ACTION },
    schema: { tags: ['lifecycle'], summary: 'Designate for recycling', params: DeviceParams, body: ReasonBody, response: { 200: DeviceEnvelope } },
    handler: async (request, reply) => {
      const device = await s.actions.recycle(actorOf(request), request.params.tag, request.body.reason, ifMatchVersion(request));
      return setDeviceEtag(reply, device.version).send({ device });
    },
  });

  api.post('/devices/:tag/write-off', {
    config: { access: { permission: 'devices:write-off' }, contract: DEVICE_ACTION },
    schema: { tags: ['lifecycle'], summary: 'Write off (lost, stolen…); reason required', params: DeviceParams, body: ReasonBody, response: { 200: DeviceEnvelope } },
    handler: async (request, reply) => {
      const device = await s.actions.writeOff(actorOf(request), request.params.tag, request.body.reason, ifMatchVersion(request));
      return setDeviceEtag(reply, device.version).send({ device });
    },
  });
}
