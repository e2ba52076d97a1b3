import { actorOf } from '../users/authentication.js';
import { AppError } from '../../core/errors.js';
import { requiredIfMatch, setDeviceEtag, setLocation } from '../../core/http/etag.js';
import { sendDocument } from '../../core/send-document.js';
import type { Api } from '../../core/http/api.js';
import { can } from '../auth/permissions.js';
import type { DevicesService } from './devices.service.js';
import { DEVICE_LOOKUP_ERRORS, DeviceEnvelope, DeviceList, DeviceParams, HistoryResponse, IntakeDeviceBody, ListDevicesQuery, UpdateDeviceBody } from './devices.schemas.js';

export function deviceRoutes(api: Api, devices: DevicesService): void {
  api.post('/devices', {
    config: {
      access: { permission: 'devices:intake' },
      contract: {
        etag: true,
        location: true,
        errors: ['devices.invalid_asset_tag', 'asset_tags.not_reserved', 'devices.duplicate_asset_tag', 'devices.duplicate_serial', 'devices.duplicate_drive', 'donations.not_found'],
      },
    },
    schema: { tags: ['devices'], summary: 'Intake: register a device and its drives', body: IntakeDeviceBody, response: { 201: DeviceEnvelope } },
    handler: async (request, reply) => {
      const device = await devices.intake(actorOf(request), request.body);
      return setLocation(setDeviceEtag(reply.code(201), device.version), `/api/v1/devices/${device.assetTag}`).send({ device });
    },
  });

  api.get('/devices', {
    config: { access: { permission: 'devices:read' }, contract: { documents: ['text/csv'] } },
    schema: {
      tags: ['devices'],
      summary: 'List devices with filters, oldest first unless sort= says otherwise; format=csv streams every match in that order (staff, coordinator, admin)',
      querystring: ListDevicesQuery,
      response: { 200: DeviceList },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      if (request.query.format === 'csv') {
        if (!can(actor.role, 'devices:export')) throw new AppError('auth.forbidden', 'The CSV export is for staff, coordinators and admins.');
        sendDocument(reply, { body: await devices.csvStream(request.query, actor), contentType: 'text/csv; charset=utf-8', filename: 'devices.csv', disposition: 'attachment' });
        return reply;
      }
      return devices.list(request.query, actor);
    },
  });

  api.get('/devices/:tag', {
    config: { access: { permission: 'devices:read' }, contract: { etag: true, errors: DEVICE_LOOKUP_ERRORS } },
    schema: { tags: ['devices'], summary: 'One device, by asset tag or manufacturer serial', params: DeviceParams, response: { 200: DeviceEnvelope } },
    handler: async (request, reply) => {
      const device = await devices.get(request.params.tag, actorOf(request));
      return setDeviceEtag(reply, device.version).send({ device });
    },
  });

  api.patch('/devices/:tag', {
    config: {
      access: { permission: 'devices:update' },
      contract: { etag: true, ifMatch: 'required', errors: [...DEVICE_LOOKUP_ERRORS, 'devices.version_mismatch', 'devices.if_match_required', 'devices.invalid_transition', 'devices.duplicate_serial', 'donations.not_found'] },
    },
    schema: {
      tags: ['devices'],
      summary: 'Edit metadata (never the status); needs If-Match',
      params: DeviceParams,
      body: UpdateDeviceBody,
      response: { 200: DeviceEnvelope },
    },
    handler: async (request, reply) => {
      const device = await devices.update(actorOf(request), request.params.tag, requiredIfMatch(request), request.body);
      return setDeviceEtag(reply, device.version).send({ device });
    },
  });

  api.get('/devices/:tag/history', {
    config: { access: { permission: 'devices:read' }, contract: { errors: DEVICE_LOOKUP_ERRORS } },
    schema: { tags: ['devices'], summary: 'Everything that happened to a device, oldest first', params: DeviceParams, response: { 200: HistoryResponse } },
    handler: async (request) => devices.history(request.params.tag, actorOf(request)),
  });
}
