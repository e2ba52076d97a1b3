import { actorOf } from '../users/authentication.js';
import type { Api } from '../../core/http/api.js';
import type { ScansService } from './scans.service.js';
import { ScanBody, ScanResponse, UnknownScanList, UnknownScansQuery } from './scans.schemas.js';

export function scanRoutes(api: Api, scans: ScansService): void {
  api.post('/scans', {
    config: { access: { permission: 'scans:record' }, contract: { errors: ['scans.unknown_code', 'scans.other_site'] } },
    schema: {
      tags: ['scans'],
      summary: 'Record a scan: a bare tag, a URL ending with the tag, or a manufacturer serial',
      body: ScanBody,
      response: { 200: ScanResponse },
    },
    handler: async (request) => scans.scan(actorOf(request), request.body),
  });

  api.get('/scans/unknown', {
    config: { access: { permission: 'scans:read' } },
    schema: { tags: ['scans'], summary: 'Unknown codes for triage, most recent first', querystring: UnknownScansQuery, response: { 200: UnknownScanList } },
    handler: async (request) => scans.unknown(actorOf(request), request.query),
  });
}
