import { pdfDocument } from '../../core/http/contract.js';
import type { Api } from '../../core/http/api.js';
import { sendDocument } from '../../core/send-document.js';
import { DEVICE_LOOKUP_ERRORS, DeviceParams } from '../devices/devices.schemas.js';
import { actorOf } from '../users/authentication.js';
import {
  CreateTransferBody,
  DeviceTransferEnvelope,
  ListTransfersQuery,
  PackingListQuery,
  ReceiveTransferBody,
  TransferDeviceBody,
  TransferEnvelope,
  TransferList,
  TransferParams,
} from './transfers.schemas.js';
import type { TransfersService } from './transfers.service.js';

const SEND_ERRORS = [...DEVICE_LOOKUP_ERRORS, 'devices.invalid_transition', 'devices.not_sanitized', 'transfers.mixed_sites'] as const;

/** Transfers between sites (docs/domain.md §8). */
export function transferRoutes(api: Api, transfers: TransfersService): void {
  api.post('/devices/:tag/transfer', {
    config: { access: { permission: 'devices:transfer' }, contract: { errors: [...SEND_ERRORS] } },
    schema: { tags: ['transfers'], summary: 'Send one device to another site (in_transit until received there)', params: DeviceParams, body: TransferDeviceBody, response: { 201: DeviceTransferEnvelope } },
    handler: async (request, reply) => reply.code(201).send(await transfers.sendDevice(actorOf(request), request.params.tag, request.body)),
  });

  api.post('/devices/:tag/receive', {
    config: { access: { permission: 'devices:transfer' }, contract: { errors: [...DEVICE_LOOKUP_ERRORS, 'devices.invalid_transition', 'transfers.not_destination'] } },
    schema: { tags: ['transfers'], summary: 'Receive a device at the site it was sent to: back to the status it left with', params: DeviceParams, response: { 200: DeviceTransferEnvelope } },
    handler: async (request) => transfers.receiveDevice(actorOf(request), request.params.tag),
  });

  api.post('/devices/:tag/transfer/cancel', {
    config: { access: { permission: 'devices:transfer' }, contract: { errors: [...DEVICE_LOOKUP_ERRORS, 'devices.invalid_transition'] } },
    schema: { tags: ['transfers'], summary: 'Call a device back before it is received: back to the status it left with, at the sending site', params: DeviceParams, response: { 200: DeviceTransferEnvelope } },
    handler: async (request) => transfers.cancelDevice(actorOf(request), request.params.tag),
  });

  api.post('/transfers', {
    config: { access: { permission: 'devices:transfer' }, contract: { errors: [...SEND_ERRORS] } },
    schema: { tags: ['transfers'], summary: 'Send a box of devices to another site as one transfer (all or none)', body: CreateTransferBody, response: { 201: TransferEnvelope } },
    handler: async (request, reply) => reply.code(201).send({ transfer: await transfers.send(actorOf(request), request.body) }),
  });

  api.get('/transfers', {
    config: { access: { permission: 'transfers:read' } },
    schema: { tags: ['transfers'], summary: "Transfers into and out of the caller's site, newest first", querystring: ListTransfersQuery, response: { 200: TransferList } },
    handler: async (request) => ({ items: await transfers.list(actorOf(request), request.query) }),
  });

  api.get('/transfers/:id', {
    config: { access: { permission: 'transfers:read' }, contract: { errors: ['transfers.not_found'] } },
    schema: { tags: ['transfers'], summary: 'A transfer, its devices and those still missing', params: TransferParams, response: { 200: TransferEnvelope } },
    handler: async (request) => ({ transfer: await transfers.get(actorOf(request), request.params.id) }),
  });

  api.post('/transfers/:id/receive', {
    config: { access: { permission: 'devices:transfer' }, contract: { errors: ['transfers.not_found', 'transfers.not_destination', 'transfers.not_on_transfer', 'devices.invalid_transition'] } },
    schema: { tags: ['transfers'], summary: 'Scan in the devices found in the box; the answer lists those still missing', params: TransferParams, body: ReceiveTransferBody, response: { 200: TransferEnvelope } },
    handler: async (request) => ({ transfer: await transfers.receive(actorOf(request), request.params.id, request.body.assetTags) }),
  });

  api.post('/transfers/:id/cancel', {
    config: { access: { permission: 'devices:transfer' }, contract: { errors: ['transfers.not_found', 'transfers.not_sender', 'transfers.closed', 'devices.invalid_transition'] } },
    schema: { tags: ['transfers'], summary: 'Call back every device of the transfer still in transit', params: TransferParams, response: { 200: TransferEnvelope } },
    handler: async (request) => ({ transfer: await transfers.cancel(actorOf(request), request.params.id) }),
  });

  api.get('/transfers/:id/packing-list.pdf', {
    config: { access: { permission: 'transfers:read' }, contract: pdfDocument(['transfers.not_found']) },
    schema: { tags: ['transfers'], summary: 'Packing list: every tag of the box as a Code 128 to scan at receipt', params: TransferParams, querystring: PackingListQuery },
    handler: async (request, reply) =>
      sendDocument(reply, { body: await transfers.packingList(actorOf(request), request.params.id, request.query.lang), contentType: 'application/pdf', filename: `packing-list-${request.params.id}.pdf` }),
  });
}
