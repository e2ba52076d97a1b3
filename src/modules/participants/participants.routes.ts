import { z } from 'zod';
import { actorOf } from '../users/authentication.js';
import type { Api } from '../../core/http/api.js';
import type { ParticipantsService } from './participants.service.js';
import {
  Community,
  CommunityList,
  CreateCommunityBody,
  CreateParticipantBody,
  ListParticipantsQuery,
  ParticipantEnvelope,
  ParticipantExport,
  ParticipantList,
  ParticipantParams,
  PurposeQuery,
} from './participants.schemas.js';

export function participantRoutes(api: Api, participants: ParticipantsService): void {
  api.get('/communities', {
    config: { access: { permission: 'communities:read' } },
    schema: { tags: ['participants'], summary: 'The communities participants can belong to', response: { 200: CommunityList } },
    handler: async () => ({ items: await participants.communities() }),
  });

  api.post('/communities', {
    config: { access: { permission: 'communities:create' }, contract: { errors: ['communities.name_taken'] } },
    schema: { tags: ['participants'], summary: 'Add a community to the list', body: CreateCommunityBody, response: { 201: z.object({ community: Community }) } },
    handler: async (request, reply) => reply.code(201).send({ community: await participants.addCommunity(actorOf(request), request.body) }),
  });

  api.post('/participants', {
    config: { access: { permission: 'participants:register' }, contract: { errors: ['participants.unknown_community'] } },
    schema: { tags: ['participants'], summary: 'Register a participant (consent required); returns a generated code', body: CreateParticipantBody, response: { 201: ParticipantEnvelope } },
    handler: async (request, reply) => reply.code(201).send({ participant: await participants.create(actorOf(request), request.body) }),
  });

  api.get('/participants', {
    config: { access: { permission: 'participants:read' } },
    schema: { tags: ['participants'], summary: 'Participants by code and community (no personal data)', querystring: ListParticipantsQuery, response: { 200: ParticipantList } },
    handler: async (request) => participants.list({ community: request.query.community, codePrefix: request.query.code }, request.query.limit, request.query.cursor),
  });

  api.get('/participants/:code', {
    config: { access: { permission: 'participants:read' }, contract: { errors: ['participants.not_found'] } },
    schema: {
      tags: ['participants'],
      summary: 'One participant; coordinators and admins also get the personal data, and the read is logged (purpose optional)',
      params: ParticipantParams,
      querystring: PurposeQuery,
      response: { 200: ParticipantEnvelope },
    },
    handler: async (request) => ({ participant: await participants.get(actorOf(request), request.params.code, request.query.purpose) }),
  });

  api.get('/participants/:code/export', {
    config: { access: { permission: 'participants:export' }, contract: { errors: ['participants.not_found'] } },
    schema: {
      tags: ['participants'],
      summary: 'Everything held about the participant, with the access log',
      params: ParticipantParams,
      querystring: PurposeQuery,
      response: { 200: ParticipantExport },
    },
    handler: async (request) => participants.export(actorOf(request), request.params.code, request.query.purpose),
  });

  api.delete('/participants/:code/personal-data', {
    config: { access: { permission: 'participants:erase' }, contract: { errors: ['participants.not_found'] } },
    schema: { tags: ['participants'], summary: 'Erase name and contact; the code and custody history remain', params: ParticipantParams, response: { 204: z.null() } },
    handler: async (request, reply) => {
      await participants.erase(actorOf(request), request.params.code);
      return reply.code(204).send(null);
    },
  });
}
