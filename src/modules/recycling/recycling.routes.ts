import { pdfDocument } from '../../core/http/contract.js';
import { actorOf } from '../users/authentication.js';
import { sendDocument } from '../../core/send-document.js';
import type { Api } from '../../core/http/api.js';
import type { RecyclingService } from './recycling.service.js';
import {
  AddDeviceBody,
  AmendShipmentBody,
  BulkLineBody,
  ConfirmBody,
  CreateRecyclerBody,
  CreateShipmentBody,
  ListShipmentsQuery,
  ManifestQuery,
  RecyclerEnvelope,
  RecyclerList,
  ShipBody,
  ShipmentEnvelope,
  ShipmentList,
  ShipmentBulkLineParams,
  ShipmentDeviceParams,
  ShipmentParams,
} from './recycling.schemas.js';

export function recyclingRoutes(api: Api, recycling: RecyclingService): void {
  api.post('/recyclers', {
    config: { access: { permission: 'recyclers:create' }, contract: { errors: ['recyclers.name_taken'] } },
    schema: { tags: ['recycling'], summary: 'Register a downstream recycler', body: CreateRecyclerBody, response: { 201: RecyclerEnvelope } },
    handler: async (request, reply) => reply.code(201).send({ recycler: await recycling.createRecycler(actorOf(request), request.body) }),
  });
  api.get('/recyclers', {
    config: { access: { permission: 'recyclers:read' } },
    schema: { tags: ['recycling'], summary: 'Recyclers', response: { 200: RecyclerList } },
    handler: async () => ({ items: await recycling.recyclers() }),
  });
  api.post('/shipments', {
    config: { access: { permission: 'shipments:prepare' }, contract: { errors: ['recyclers.not_found'] } },
    schema: { tags: ['recycling'], summary: 'Open a shipment (sealift, air or road)', body: CreateShipmentBody, response: { 201: ShipmentEnvelope } },
    handler: async (request, reply) => reply.code(201).send({ shipment: await recycling.create(actorOf(request), request.body) }),
  });
  api.get('/shipments', {
    config: { access: { permission: 'shipments:read' } },
    schema: { tags: ['recycling'], summary: 'Shipments', querystring: ListShipmentsQuery, response: { 200: ShipmentList } },
    handler: async (request) => ({ items: await recycling.list(actorOf(request), request.query.status, request.query.site) }),
  });
  api.get('/shipments/:id', {
    config: { access: { permission: 'shipments:read' }, contract: { errors: ['shipments.not_found'] } },
    schema: { tags: ['recycling'], summary: 'One shipment with its lines and totals', params: ShipmentParams, response: { 200: ShipmentEnvelope } },
    handler: async (request) => ({ shipment: await recycling.get(actorOf(request), request.params.id) }),
  });
  api.post('/shipments/:id/devices', {
    config: { access: { permission: 'shipments:prepare' }, contract: { errors: ['shipments.not_found', 'shipments.frozen', 'devices.invalid_asset_tag', 'devices.not_found', 'shipments.other_site', 'devices.invalid_transition', 'shipments.device_not_sanitized', 'shipments.device_already_added'] } },
    schema: { tags: ['recycling'], summary: 'Add a device by scanning its tag', params: ShipmentParams, body: AddDeviceBody, response: { 201: ShipmentEnvelope } },
    handler: async (request, reply) => reply.code(201).send({ shipment: await recycling.addDevice(actorOf(request), request.params.id, request.body.assetTag) }),
  });
  api.post('/shipments/:id/bulk-lines', {
    config: { access: { permission: 'shipments:prepare' }, contract: { errors: ['shipments.not_found', 'shipments.frozen'] } },
    schema: { tags: ['recycling'], summary: 'Add untagged e-waste by weight', params: ShipmentParams, body: BulkLineBody, response: { 201: ShipmentEnvelope } },
    handler: async (request, reply) => reply.code(201).send({ shipment: await recycling.addBulkLine(actorOf(request), request.params.id, request.body) }),
  });
  api.delete('/shipments/:id/devices/:tag', {
    config: { access: { permission: 'shipments:prepare' }, contract: { errors: ['shipments.not_found', 'shipments.frozen', 'devices.invalid_asset_tag', 'devices.not_found', 'shipments.line_not_found'] } },
    schema: { tags: ['recycling'], summary: 'Take a device off an open shipment', params: ShipmentDeviceParams, response: { 200: ShipmentEnvelope } },
    handler: async (request) => ({ shipment: await recycling.removeDevice(actorOf(request), request.params.id, request.params.tag) }),
  });
  api.delete('/shipments/:id/bulk-lines/:lineId', {
    config: { access: { permission: 'shipments:prepare' }, contract: { errors: ['shipments.not_found', 'shipments.frozen', 'shipments.line_not_found'] } },
    schema: { tags: ['recycling'], summary: 'Take a bulk line off an open shipment', params: ShipmentBulkLineParams, response: { 200: ShipmentEnvelope } },
    handler: async (request) => ({ shipment: await recycling.removeBulkLine(actorOf(request), request.params.id, request.params.lineId) }),
  });
  api.post('/shipments/:id/ship', {
    config: { access: { permission: 'shipments:ship' }, contract: { errors: ['shipments.not_found', 'shipments.frozen', 'shipments.empty', 'shipments.device_not_sanitized', 'devices.invalid_transition'] } },
    schema: { tags: ['recycling'], summary: 'Ship: devices become recycled and the shipment freezes', params: ShipmentParams, body: ShipBody, response: { 200: ShipmentEnvelope } },
    handler: async (request) => ({ shipment: await recycling.ship(actorOf(request), request.params.id, request.body?.shippedAt) }),
  });
  api.post('/shipments/:id/confirm', {
    config: { access: { permission: 'shipments:confirm' }, contract: { errors: ['shipments.not_found', 'shipments.not_shipped', 'shipments.frozen'] } },
    schema: { tags: ['recycling'], summary: "Record the recycler's certificate", params: ShipmentParams, body: ConfirmBody, response: { 200: ShipmentEnvelope } },
    handler: async (request) => ({ shipment: await recycling.confirm(actorOf(request), request.params.id, request.body) }),
  });
  api.post('/shipments/:id/amendments', {
    // A confirmed shipment is the record funders' reports rest on: only an admin corrects it.
    config: { access: { permission: 'shipments:amend' }, contract: { errors: ['shipments.not_found', 'shipments.not_confirmed', 'documents.undrawable_text'] } },
    schema: {
      tags: ['recycling'],
      summary: 'Correct one field of a confirmed shipment, keeping the original (admin)',
      params: ShipmentParams,
      body: AmendShipmentBody,
      response: { 201: ShipmentEnvelope },
    },
    handler: async (request, reply) => reply.code(201).send({ shipment: await recycling.amend(actorOf(request), request.params.id, request.body) }),
  });
  api.get('/shipments/:id/manifest.pdf', {
    config: { access: { permission: 'shipments:read' }, contract: pdfDocument(['shipments.not_found']) },
    schema: { tags: ['recycling'], summary: 'Manifest / bill of lading (PDF)', params: ShipmentParams, querystring: ManifestQuery },
    handler: async (request, reply) => {
      return sendDocument(reply, { body: await recycling.manifest(actorOf(request), request.params.id, request.query.lang), contentType: 'application/pdf', filename: `manifest-${request.params.id}.pdf` });
    },
  });
}
