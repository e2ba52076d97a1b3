import { actorOf } from '../users/authentication.js';
import type { Api } from '../../core/http/api.js';
import { sendDocument } from '../../core/send-document.js';
import { DEVICE_LOOKUP_ERRORS, DeviceParams } from '../devices/devices.schemas.js';
import { pdfDocument } from '../../core/http/contract.js';
import { DonationIdParams } from '../donations/donations.schemas.js';
import { z } from 'zod';
import { DOCUMENT_LOCALES } from '../../core/i18n.js';
import type { CertificatesService } from './certificates.service.js';

/** The labels' language (the records themselves are printed as recorded); `en-XA` checks the document (docs/translation.md). */
const CertificateQuery = z.strictObject({ lang: z.enum(DOCUMENT_LOCALES).default('en') });

export function certificateRoutes(api: Api, certificates: CertificatesService): void {
  api.get('/devices/:tag/certificate.pdf', {
    config: { access: { permission: 'certificates:read' }, contract: pdfDocument([...DEVICE_LOOKUP_ERRORS, 'certificates.not_sanitized']) },
    schema: { tags: ['certificates'], summary: 'Certificate of data sanitization for a device (current custody cycle)', params: DeviceParams, querystring: CertificateQuery },
    handler: async (request, reply) => sendDocument(reply, await certificates.device(actorOf(request), request.params.tag, request.query.lang)),
  });

  api.get('/donations/:id/certificate.pdf', {
    config: { access: { permission: 'certificates:read' }, contract: pdfDocument(['donations.not_found']) },
    schema: { tags: ['certificates'], summary: "One certificate for a donation's devices; those not yet sanitized listed as pending", params: DonationIdParams, querystring: CertificateQuery },
    handler: async (request, reply) => sendDocument(reply, await certificates.donation(actorOf(request), request.params.id, request.query.lang)),
  });
}
