import { z } from 'zod';
import type { Api } from '../../routes.js';
import type { AuditService } from './audit.service.js';

const VerifyResponse = z.union([
  z.object({ ok: z.literal(true), events: z.number().int(), head: z.string() }),
  z.object({
    ok: z.literal(false),
    events: z.number().int(),
    brokenAt: z.object({ id: z.number().int(), reason: z.enum(['hash_mismatch', 'prev_hash_mismatch', 'id_gap', 'truncated']) }),
  }),
]);

export function auditRoutes(api: Api, audit: AuditService): void {
  api.get('/audit/verify', {
    config: { access: { roles: ['admin'] } },
    schema: { tags: ['audit'], summary: 'Recompute the history hash chain and report the first broken event', response: { 200: VerifyResponse } },
    handler: async () => audit.verify(),
  });
}
