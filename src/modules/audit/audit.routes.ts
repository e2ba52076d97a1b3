import { pdfDocument } from '../../core/http/contract.js';
import { sendDocument } from '../../core/send-document.js';
import type { Api } from '../../core/http/api.js';
import { parseAnchor } from './anchors.js';
import { VerifyQuery, VerifyResponse } from './audit.schemas.js';
import type { AuditService } from './audit.service.js';

export function auditRoutes(api: Api, audit: AuditService): void {
  api.get('/audit/verify', {
    config: { access: { permission: 'audit:verify' } },
    schema: {
      tags: ['audit'],
      summary: 'Recompute the history hash chain, check an anchor kept outside the database and re-read every record the chain names; report the first broken event',
      querystring: VerifyQuery,
      response: { 200: VerifyResponse },
    },
    handler: async (request) => {
      const anchor = request.query.anchor === undefined ? null : parseAnchor(request.query.anchor);
      return audit.verify({ anchors: anchor ? [anchor] : [] });
    },
  });

  api.get('/audit/anchor.pdf', {
    config: { access: { permission: 'audit:verify' }, contract: pdfDocument([]) },
    schema: { tags: ['audit'], summary: "A page for the paper logbook: the chain's head id, hash and time, with a QR code of <id>:<hash>" },
    handler: async (_request, reply) => sendDocument(reply, { body: await audit.anchorPage(), contentType: 'application/pdf', filename: 'audit-anchor.pdf' }),
  });
}
