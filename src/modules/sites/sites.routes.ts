import type { Api } from '../../core/http/api.js';
import type { FastifyRequest } from 'fastify';
import { CreateSiteBody, SiteEnvelope, SiteList } from './sites.schemas.js';
import type { SitesService } from './sites.service.js';

/** `actorOf` is the users module's, passed in by the route table: users belong to sites, so this module cannot import theirs. */
export function siteRoutes(api: Api, sites: SitesService, actorOf: (request: FastifyRequest) => { id: number }): void {
  api.get('/sites', {
    config: { access: { permission: 'sites:read' } },
    schema: { tags: ['sites'], summary: "The program's sites, the first (default) one first", response: { 200: SiteList } },
    handler: async () => ({ items: await sites.list() }),
  });

  api.post('/sites', {
    config: { access: { permission: 'sites:manage' }, contract: { errors: ['sites.code_taken', 'sites.prefix_taken'] } },
    schema: { tags: ['sites'], summary: 'Add a site (a workshop or community hub) with its own asset-tag prefix', body: CreateSiteBody, response: { 201: SiteEnvelope } },
    handler: async (request, reply) => reply.code(201).send({ site: await sites.create(actorOf(request), request.body) }),
  });
}
