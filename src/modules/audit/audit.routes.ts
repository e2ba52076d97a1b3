import { DOCUMENT_LOCALES } from '../../core/i18n.js';
import { z } from 'zod';
import { pdfDocument } from '../../core/http/contract.js';
import { sendDocument } from '../../core/send-document.js';
import type { Api } from '../../core/http/api.js';
import { parseAnchor } from './anchors.js';
import { VerifyQuery, VerifyResponse } from './audit.schemas.js';
import type { AuditService } from './audit.service.js';

/** The page's language; `en-XA` checks it (docs/translation.md). */
const AnchorQuery = z.strictObject({ lang: z.enum(DOCUMENT_LOCALES).default('en') });

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
    schema: { tags: ['audit'], summary: "A page for the paper logbook: the chain's head id, hash and time, with a QR code of <id>:<hash>", querystring: AnchorQuery },
    handler: async (request, reply) => sendDocument(reply, { body: await audit.anchorPage(request.query.lang), contentType: 'application/pdf', filename: 'audit-anchor.pdf' }),
  });
}
