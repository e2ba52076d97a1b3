import { AppError } from '../../core/errors.js';
import { setDeviceEtag, setLocation } from '../../core/http/etag.js';
import type { Api } from '../../core/http/api.js';
import { DeviceEnvelope } from '../devices/devices.schemas.js';
import { actorOf } from '../users/authentication.js';
import { HardwareDraftResponse, HardwareReportBody, HardwareReportQuery } from './hardware-reports.schemas.js';
import type { HardwareReportsService } from './hardware-reports.service.js';
import { REPORT_BODY_LIMIT } from './report-text.js';

/** The media types a report arrives as: the tools' JSON, dmidecode text, or a file a browser could not name. */
export const REPORT_MEDIA_TYPES = ['application/json', 'text/plain', 'application/octet-stream'];

/**
 * The report route lives in its own scope: there, every body is taken as raw
 * text up to REPORT_BODY_LIMIT and read by the report parsers (which bound its
 * depth and lines), not by the service's JSON parser.
 */
export function hardwareReportRoutes(api: Api, reports: HardwareReportsService): void {
  void api.register(async (scope: Api) => {
    scope.removeAllContentTypeParsers();
    // Any media type: a file is read for what it holds, and a caller is refused for its role (401/403) before its body's type.
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: REPORT_BODY_LIMIT }, (request, body: Buffer, done) => {
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        return done(new AppError('request.unsupported_media_type', `A report must be UTF-8, not ${charset}.`), undefined);
      }
      // Kept as a binary string (one character per byte) for the report reader to decode strictly as UTF-8.
      done(null, body.toString('latin1'));
    });

    scope.post('/hardware-reports', {
      bodyLimit: REPORT_BODY_LIMIT,
      config: {
        access: { permission: 'devices:intake' },
        contract: {
          // The intake's answer (201) carries the headers; the dry run's (200) none.
          status: 201,
          etag: true,
          location: true,
          errors: [
            'hardware_reports.unreadable',
            'devices.incomplete_intake',
            'devices.invalid_asset_tag',
            'asset_tags.not_reserved',
            'devices.duplicate_asset_tag',
            'devices.duplicate_serial',
            'devices.duplicate_drive',
            'donations.not_found',
          ],
        },
      },
      schema: {
        tags: ['devices'],
        summary: 'Intake from a hardware report (lshw, smartctl, Workbench, dmidecode); dryRun=true answers the draft and writes nothing',
        consumes: REPORT_MEDIA_TYPES,
        querystring: HardwareReportQuery,
        body: HardwareReportBody,
        response: { 200: HardwareDraftResponse, 201: DeviceEnvelope },
      },
      handler: async (request, reply) => {
        const raw = Buffer.from(request.body as string, 'latin1');
        if (request.query.dryRun) return reply.code(200).send(reports.draft(raw));
        const device = await reports.intake(actorOf(request), raw, { assetTag: request.query.assetTag, donationId: request.query.donationId });
        return setLocation(setDeviceEtag(reply.code(201), device.version), `/api/v1/devices/${device.assetTag}`).send({ device });
      },
    });
  });
}
