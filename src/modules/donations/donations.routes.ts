import { actorOf } from '../users/authentication.js';
import { AppError } from '../../core/errors.js';
import type { Api } from '../../core/http/api.js';
import type { DonationsService } from './donations.service.js';
import { ASSET_LIST_BODY_LIMIT } from './asset-list.csv.js';
import { AssetListBody, AssetListQuery, AssetListResponse, AssetListUpload, CreateDonationBody, DonationEnvelope, DonationIdParams, DonationList, ListDonationsQuery } from './donations.schemas.js';

/** CSV as browsers and spreadsheets label it (Windows labels a .csv file as Excel's). */
const CSV_MEDIA_TYPES = ['text/csv', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream'];

export function donationRoutes(api: Api, donations: DonationsService): void {
  api.post('/donations', {
    config: { access: { permission: 'donations:record' } },
    schema: { tags: ['donations'], summary: 'Record a donation (intake lot)', body: CreateDonationBody, response: { 201: DonationEnvelope } },
    handler: async (request, reply) => reply.code(201).send({ donation: await donations.create(actorOf(request), request.body) }),
  });

  api.get('/donations', {
    config: { access: { permission: 'donations:read' } },
    schema: { tags: ['donations'], summary: 'List donations, oldest first', querystring: ListDonationsQuery, response: { 200: DonationList } },
    handler: async (request) => donations.list(request.query.limit, request.query.cursor, actorOf(request), request.query.site),
  });

  api.get('/donations/:id', {
    config: { access: { permission: 'donations:read' }, contract: { errors: ['donations.not_found'] } },
    schema: { tags: ['donations'], summary: 'One donation', params: DonationIdParams, response: { 200: DonationEnvelope } },
    handler: async (request) => ({ donation: await donations.get(request.params.id, actorOf(request)) }),
  });

  api.get('/donations/:id/asset-list', {
    config: { access: { permission: 'donations:read' }, contract: { errors: ['donations.not_found'] } },
    schema: { tags: ['donations'], summary: "The donor's asset list: each expected device and the asset tag it was received as", params: DonationIdParams, response: { 200: AssetListResponse } },
    handler: async (request) => donations.assetList(request.params.id, actorOf(request)),
  });

  // Its own scope: the CSV arrives as raw bytes, up to ASSET_LIST_BODY_LIMIT, for the asset list reader.
  void api.register(async (scope: Api) => {
    scope.removeAllContentTypeParsers();
    // Any media type: a file is read for what it holds, and a caller is refused for its role (401/403) before its body's type.
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ASSET_LIST_BODY_LIMIT }, (request, body: Buffer, done) => {
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return done(new AppError('request.unsupported_media_type', `The list must be UTF-8, not ${charset}.`), undefined);
      // One character per byte, decoded strictly as UTF-8 by the reader.
      done(null, body.toString('latin1'));
    });
    scope.post('/donations/:id/asset-list', {
      bodyLimit: ASSET_LIST_BODY_LIMIT,
      config: { access: { permission: 'donations:record' }, contract: { errors: ['donations.not_found', 'donations.asset_list_invalid'] } },
      schema: {
        tags: ['donations'],
        summary: "Add a donor's asset list (CSV) to the donation's expected devices; a file with bad rows records nothing unless skipInvalid=true",
        consumes: CSV_MEDIA_TYPES,
        params: DonationIdParams,
        querystring: AssetListQuery,
        body: AssetListBody,
        response: { 200: AssetListUpload },
      },
      handler: async (request) => donations.uploadAssetList(actorOf(request), request.params.id, Buffer.from(request.body, 'latin1'), request.query.skipInvalid),
    });
  });
}
