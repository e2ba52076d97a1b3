import { AppError } from '../../core/errors.js';
import type { Api } from '../../core/http/api.js';
import { sendDocument } from '../../core/send-document.js';
import { actorOf } from '../users/authentication.js';
import { isTimeZone } from './parsers.js';
import { acceptRawReports, RawBody, WIPE_REPORT_LIMIT_BYTES } from './raw-body.js';
import { ImportQuery, ReportFile, WipeReportAnswer, WipeReportParams } from './wipe-reports.schemas.js';
import type { WipeReportsService } from './wipe-reports.service.js';

/** Wipe tools' own reports in, as sanitization records (docs/imports.md "Wipe reports"). */
export function wipeReportRoutes(api: Api, deps: { wipeReports: WipeReportsService; siteTimeZone: string }): void {
  void api.register(async (scope: Api) => {
    acceptRawReports(scope);
    scope.post('/wipe-reports', {
      bodyLimit: WIPE_REPORT_LIMIT_BYTES,
      config: {
        access: { permission: 'wipe-reports:import' },
        contract: { errors: ['wipe_reports.unreadable', 'sanitizations.technique_not_valid_for_media', 'sanitizations.before_custody_cycle', 'devices.invalid_transition'] },
      },
      schema: {
        tags: ['sanitization'],
        summary: 'Import a wipe report: an nwipe log (text/plain), a Workbench snapshot (application/json) or an nwipe PDF certificate (application/pdf with ?filename=)',
        description:
          'The body is the file as it is, up to 16 MiB. Each drive is matched by serial to a drive registered on a device in custody and recorded through the same rules as a typed record; `dryRun=true` answers what would happen and records nothing. Bytes imported before answer 200 with their drives `already_recorded`. nwipe logs local time: `timezone` (IANA) says which zone, SITE_TIMEZONE by default.',
        querystring: ImportQuery,
        consumes: ['text/plain', 'application/json', 'application/pdf'],
        body: ReportFile,
        response: { 200: WipeReportAnswer, 201: WipeReportAnswer },
      },
      handler: async (request, reply) => {
        const body: unknown = request.body;
        if (!(body instanceof RawBody)) {
          throw new AppError('request.unsupported_media_type', 'Send the report as text/plain (nwipe log), application/json (Workbench snapshot) or application/pdf (nwipe certificate).');
        }
        const timeZone = request.query.timezone ?? deps.siteTimeZone;
        if (!isTimeZone(timeZone)) throw new AppError('request.invalid', `"${timeZone}" is not an IANA time zone.`, { errors: [{ field: 'querystring.timezone', message: 'not an IANA time zone' }] });
        const { answer, created } = await deps.wipeReports.import(actorOf(request), body.kind, body.bytes, {
          timeZone,
          filename: request.query.filename,
          dryRun: request.query.dryRun === 'true',
        });
        return reply.code(created ? 201 : 200).send(answer);
      },
    });
  });

  api.get('/wipe-reports/:id', {
    config: { access: { permission: 'wipe-reports:read' }, contract: { errors: ['wipe_reports.not_found'] } },
    schema: { tags: ['sanitization'], summary: 'An imported wipe report: its drives and what became of each', params: WipeReportParams, response: { 200: WipeReportAnswer } },
    handler: async (request) => deps.wipeReports.get(request.params.id),
  });

  api.get('/wipe-reports/:id/raw', {
    config: { access: { permission: 'wipe-reports:read' }, contract: { documents: ['text/plain', 'application/json', 'application/pdf'], errors: ['wipe_reports.not_found'] } },
    schema: { tags: ['sanitization'], summary: 'The imported wipe report as it was sent, byte for byte', params: WipeReportParams },
    handler: async (request, reply) => sendDocument(reply, { ...await deps.wipeReports.raw(request.params.id), disposition: 'attachment' }),
  });
}
