import { actorOf } from '../users/authentication.js';
import type { Api } from '../../core/http/api.js';
import type { SanitizationService } from './sanitization.service.js';
import { ListVerificationsQuery, VerificationEnvelope, VerificationList, VerificationParams, VerifyBody } from './sanitization.schemas.js';

const LIFECYCLE = ['trainee', 'coordinator', 'admin'] as const;

export function verificationRoutes(api: Api, sanitization: SanitizationService): void {
  api.get('/sanitization-verifications', {
    config: { access: { roles: [...LIFECYCLE, 'staff'] } },
    schema: { tags: ['sanitization'], summary: 'The second-person verification queue', querystring: ListVerificationsQuery, response: { 200: VerificationList } },
    handler: async (request) => sanitization.listVerifications(request.query.status, request.query.limit, request.query.cursor),
  });

  api.post('/sanitization-verifications/:id', {
    config: { access: { roles: LIFECYCLE } },
    schema: {
      tags: ['sanitization'],
      summary: "Record a verification (not by the wipe's own technician)",
      params: VerificationParams,
      body: VerifyBody,
      response: { 200: VerificationEnvelope },
    },
    handler: async (request) => ({
      verification: sanitization.verify(actorOf(request), request.params.id, request.body.result, request.body.notes),
    }),
  });
}
