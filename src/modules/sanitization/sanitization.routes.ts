import { actorOf } from '../users/authentication.js';
import type { Api } from '../../core/http/api.js';
import { DEVICE_ACTION, DeviceParams } from '../devices/devices.schemas.js';
import { ifMatchVersion, setDeviceEtag } from '../../core/http/etag.js';
import type { SanitizationService } from './sanitization.service.js';
import {
  ListVerificationsQuery,
  SanitizeBody,
  SanitizeResponse,
  VerificationEnvelope,
  VerificationList,
  VerificationParams,
  VerifyBody,
} from './sanitization.schemas.js';

/** Sanitizing a device's drives (docs/domain.md §2) and the second-person verification of each wipe. */
export function sanitizationRoutes(api: Api, sanitization: SanitizationService): void {
  api.post('/devices/:tag/sanitizations', {
    config: { access: { permission: 'devices:sanitize' }, contract: { ...DEVICE_ACTION, errors: [...DEVICE_ACTION.errors, 'sanitizations.unknown_drive', 'sanitizations.technique_not_valid_for_media', 'sanitizations.before_custody_cycle'] } },
    schema: {
      tags: ['lifecycle'],
      summary: 'Record a sanitization of one drive, or confirm the device holds no storage ({ "noStorage": true })',
      params: DeviceParams,
      body: SanitizeBody,
      response: { 201: SanitizeResponse },
    },
    handler: async (request, reply) => {
      const out = await sanitization.record(actorOf(request), request.params.tag, request.body, ifMatchVersion(request));
      return setDeviceEtag(reply.code(201), out.device.version).send(out);
    },
  });

  api.get('/sanitization-verifications', {
    config: { access: { permission: 'verifications:read' } },
    schema: { tags: ['sanitization'], summary: 'The second-person verification queue', querystring: ListVerificationsQuery, response: { 200: VerificationList } },
    handler: async (request) => sanitization.listVerifications(actorOf(request), request.query.status, request.query.limit, request.query.cursor),
  });

  api.post('/sanitization-verifications/:id', {
    config: { access: { permission: 'verifications:record' }, contract: { errors: ['verifications.not_found', 'verifications.already_done', 'verifications.same_person'] } },
    schema: {
      tags: ['sanitization'],
      summary: "Record a verification (not by the wipe's own technician)",
      params: VerificationParams,
      body: VerifyBody,
      response: { 200: VerificationEnvelope },
    },
    handler: async (request) => ({
      verification: await sanitization.verify(actorOf(request), request.params.id, request.body.result, request.body.notes),
    }),
  });
}
