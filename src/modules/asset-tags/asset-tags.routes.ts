import { actorOf } from '../users/authentication.js';
import type { Api } from '../../core/http/api.js';
import type { AssetTagsService } from './asset-tags.service.js';
import { ReserveTagsBody, ReserveTagsResponse } from './asset-tags.schemas.js';

export function assetTagRoutes(api: Api, assetTags: AssetTagsService): void {
  api.post('/asset-tags/reserve', {
    config: { access: { permission: 'asset-tags:reserve' } },
    schema: { tags: ['asset tags'], summary: 'Reserve asset tags for printing', body: ReserveTagsBody, response: { 201: ReserveTagsResponse } },
    handler: async (request, reply) => reply.code(201).send({ tags: await assetTags.reserve(actorOf(request), request.body.count) }),
  });
}
