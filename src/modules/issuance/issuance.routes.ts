import { z } from 'zod';
import { ifMatchVersion, setDeviceEtag } from '../../core/http/etag.js';
import { actorOf } from '../users/authentication.js';
import { sendDocument } from '../../core/send-document.js';
import type { Api } from '../../core/http/api.js';
import { DEVICE_ACTION, DeviceEnvelope, DeviceParams } from '../devices/devices.schemas.js';
import { pdfDocument } from '../../core/http/contract.js';
import type { IssuanceService } from './issuance.service.js';
import { HandoverQuery, IssuanceList, IssuanceParams, IssueBody, IssueResponse, ListIssuancesQuery, ReturnBody, Issuance } from './issuance.schemas.js';

export function issuanceRoutes(api: Api, issuance: IssuanceService): void {
  api.post('/devices/:tag/issue', {
    config: {
      access: { permission: 'devices:issue' },
      contract: {
        ...DEVICE_ACTION,
        errors: [...DEVICE_ACTION.errors, 'devices.not_sanitized', 'participants.not_found', 'participants.no_consent', 'participants.personal_data_erased', 'issuance.participant_has_device'],
      },
    },
    schema: { tags: ['issuance'], summary: 'Issue a ready, sanitized device to a participant', params: DeviceParams, body: IssueBody, response: { 201: IssueResponse } },
    handler: async (request, reply) => {
      const out = await issuance.issue(actorOf(request), request.params.tag, request.body, ifMatchVersion(request));
      return setDeviceEtag(reply.code(201), out.device.version).send(out);
    },
  });

  api.post('/devices/:tag/return', {
    config: { access: { permission: 'devices:return' }, contract: DEVICE_ACTION },
    schema: { tags: ['issuance'], summary: 'Take a device back; it must be sanitized again', params: DeviceParams, body: ReturnBody, response: { 200: DeviceEnvelope } },
    handler: async (request, reply) => {
      const out = await issuance.return(actorOf(request), request.params.tag, request.body ?? {}, ifMatchVersion(request));
      return setDeviceEtag(reply, out.device.version).send(out);
    },
  });

  api.get('/issuances', {
    config: { access: { permission: 'issuances:read' } },
    schema: { tags: ['issuance'], summary: 'Issuances: active, returned, or loans past their due date; one participant\'s by code', querystring: ListIssuancesQuery, response: { 200: IssuanceList } },
    handler: async (request) => issuance.list(actorOf(request), request.query.status, request.query.participant, request.query.limit, request.query.cursor),
  });

  api.get('/issuances/:id', {
    config: { access: { permission: 'issuances:read' }, contract: { errors: ['issuance.not_found'] } },
    schema: { tags: ['issuance'], summary: 'One issuance', params: IssuanceParams, response: { 200: z.object({ issuance: Issuance }) } },
    handler: async (request) => ({ issuance: await issuance.get(actorOf(request), request.params.id) }),
  });

  api.get('/issuances/:id/handover.pdf', {
    config: { access: { permission: 'issuances:handover' }, contract: pdfDocument(['issuance.not_found']) },
    schema: { tags: ['issuance'], summary: 'The handover form (PDF), in the agreement language (or `lang`) where reviewed text exists', params: IssuanceParams, querystring: HandoverQuery },
    handler: async (request, reply) => {
      return sendDocument(reply, { body: await issuance.handover(actorOf(request), request.params.id, request.query.lang), contentType: 'application/pdf', filename: `handover-${request.params.id}.pdf` });
    },
  });
}
