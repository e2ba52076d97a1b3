import { actorOf } from '../users/authentication.js';
import { AppError } from '../../core/errors.js';
import { sendDocument } from '../../core/send-document.js';
import type { Api } from '../../core/http/api.js';
import { deviceEtag, type DevicesService } from './devices.service.js';
import { DeviceEnvelope, DeviceList, DeviceParams, HistoryResponse, IntakeDeviceBody, ListDevicesQuery, UpdateDeviceBody } from './devices.schemas.js';

const LIFECYCLE = ['trainee', 'coordinator', 'admin'] as const;
const READERS = ['trainee', 'coordinator', 'staff', 'admin'] as const;

export function deviceRoutes(api: Api, devices: DevicesService): void {
  api.post('/devices', {
    config: { access: { roles: LIFECYCLE } },
    schema: { tags: ['devices'], summary: 'Intake: register a device and its drives', body: IntakeDeviceBody, response: { 201: DeviceEnvelope } },
    handler: async (request, reply) => {
      const device = devices.intake(actorOf(request), request.body);
      return reply.code(201).header('etag', deviceEtag(device.version)).header('location', `/api/v1/devices/${device.assetTag}`).send({ device });
    },
  });

  api.get('/devices', {
    config: { access: { roles: READERS } },
    schema: {
      tags: ['devices'],
      summary: 'List devices, oldest first, with filters; format=csv streams every match (staff, coordinator, admin)',
      querystring: ListDevicesQuery,
      response: { 200: DeviceList },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      if (request.query.format === 'csv') {
        if (actor.role === 'trainee') throw new AppError('auth.forbidden', 'The CSV export is for staff, coordinators and admins.');
        sendDocument(reply, { body: devices.csvStream(request.query), contentType: 'text/csv; charset=utf-8', filename: 'devices.csv', disposition: 'attachment' });
        return reply;
      }
      return devices.list(request.query, actor.role);
    },
  });

  api.get('/devices/:tag', {
    config: { access: { roles: READERS } },
    schema: { tags: ['devices'], summary: 'One device, by asset tag or manufacturer serial', params: DeviceParams, response: { 200: DeviceEnvelope } },
    handler: async (request, reply) => {
      const device = devices.get(request.params.tag, actorOf(request).role);
      return reply.header('etag', deviceEtag(device.version)).send({ device });
    },
  });

  api.patch('/devices/:tag', {
    config: { access: { roles: LIFECYCLE } },
    schema: {
      tags: ['devices'],
      summary: 'Edit metadata (never the status); needs If-Match',
      params: DeviceParams,
      body: UpdateDeviceBody,
      response: { 200: DeviceEnvelope },
    },
    handler: async (request, reply) => {
      const ifMatch = request.headers['if-match'];
      const device = devices.update(actorOf(request), request.params.tag, typeof ifMatch === 'string' ? ifMatch : undefined, request.body);
      return reply.header('etag', deviceEtag(device.version)).send({ device });
    },
  });

  api.get('/devices/:tag/history', {
    config: { access: { roles: READERS } },
    schema: { tags: ['devices'], summary: 'Everything that happened to a device, oldest first', params: DeviceParams, response: { 200: HistoryResponse } },
    handler: async (request) => devices.history(request.params.tag, request.actor!.role),
  });
}
