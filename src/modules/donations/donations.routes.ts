import { actorOf } from '../users/authentication.js';
import type { Api } from '../../core/http/api.js';
import type { DonationsService } from './donations.service.js';
import { CreateDonationBody, DonationEnvelope, DonationIdParams, DonationList, ListDonationsQuery } from './donations.schemas.js';

export function donationRoutes(api: Api, donations: DonationsService): void {
  api.post('/donations', {
    config: { access: { permission: 'donations:record' } },
    schema: { tags: ['donations'], summary: 'Record a donation (intake lot)', body: CreateDonationBody, response: { 201: DonationEnvelope } },
    handler: async (request, reply) => reply.code(201).send({ donation: donations.create(actorOf(request), request.body) }),
  });

  api.get('/donations', {
    config: { access: { permission: 'donations:read' } },
    schema: { tags: ['donations'], summary: 'List donations, oldest first', querystring: ListDonationsQuery, response: { 200: DonationList } },
    handler: async (request) => donations.list(request.query.limit, request.query.cursor),
  });

  api.get('/donations/:id', {
    config: { access: { permission: 'donations:read' }, contract: { errors: ['donations.not_found'] } },
    schema: { tags: ['donations'], summary: 'One donation', params: DonationIdParams, response: { 200: DonationEnvelope } },
    handler: async (request) => ({ donation: donations.get(request.params.id) }),
  });
}
