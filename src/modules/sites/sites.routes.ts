import type { Api } from '../../core/http/api.js';
import { actorOf } from '../users/authentication.js';
import { CreateSiteBody, SiteEnvelope, SiteList } from './sites.schemas.js';
import type { SitesService } from './sites.service.js';

export function siteRoutes(api: Api, sites: SitesService): void {
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
