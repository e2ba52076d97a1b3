import type { Api } from '../../core/http/api.js';
import { sendDocument } from '../../core/send-document.js';
import { DEVICE_LOOKUP_ERRORS, DeviceParams } from '../devices/devices.schemas.js';
import { pdfDocument } from '../../core/http/contract.js';
import { DonationIdParams } from '../donations/donations.schemas.js';
import type { CertificatesService } from './certificates.service.js';

export function certificateRoutes(api: Api, certificates: CertificatesService): void {
  api.get('/devices/:tag/certificate.pdf', {
    config: { access: { permission: 'certificates:read' }, contract: pdfDocument([...DEVICE_LOOKUP_ERRORS, 'certificates.not_sanitized']) },
    schema: { tags: ['certificates'], summary: 'Certificate of data sanitization for a device (current custody cycle)', params: DeviceParams },
    handler: async (request, reply) => sendDocument(reply, await certificates.device(request.params.tag)),
  });

  api.get('/donations/:id/certificate.pdf', {
    config: { access: { permission: 'certificates:read' }, contract: pdfDocument(['donations.not_found']) },
    schema: { tags: ['certificates'], summary: "One certificate for a donation's devices; those not yet sanitized listed as pending", params: DonationIdParams },
    handler: async (request, reply) => sendDocument(reply, await certificates.donation(request.params.id)),
  });
}
