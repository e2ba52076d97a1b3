import { RENDER_ERRORS } from '../../core/http/contract.js';
import { sendDocument } from '../../core/send-document.js';
import type { Api } from '../../core/http/api.js';
import type { ReportsService } from './reports.service.js';
import { ActivityReport, DiversionReport, diversionQuery, InventoryQuery, InventoryReport, PeriodQuery } from './reports.schemas.js';
import { actorOf } from '../users/authentication.js';

export function reportRoutes(api: Api, reports: ReportsService): void {
  api.get('/reports/diversion', {
    config: { access: { permission: 'reports:read' }, contract: { documents: ['text/csv', 'application/pdf'], errors: [...RENDER_ERRORS, 'auth.forbidden'] } },
    schema: { tags: ['reports'], summary: 'Landfill diversion for a period (JSON, CSV or PDF)', querystring: diversionQuery(reports.minCell), response: { 200: DiversionReport } },
    handler: async (request, reply) => {
      const { from, to, format, suppressBelow, bom, lang, preparedBy, site } = request.query;
      const report = await reports.diversion(actorOf(request), from, to, suppressBelow, site);
      const name = report.site === 'all' ? `diversion-${from}-to-${to}` : `diversion-${report.site}-${from}-to-${to}`;
      if (format === 'csv') {
        sendDocument(reply, { body: reports.diversionCsv(report, bom), contentType: 'text/csv; charset=utf-8', filename: `${name}.csv`, disposition: 'attachment' });
        return reply;
      }
      if (format === 'pdf') {
        sendDocument(reply, { body: await reports.diversionPdf(report, { locale: lang, preparedBy }), contentType: 'application/pdf', filename: `${name}.pdf` });
        return reply;
      }
      return report;
    },
  });

  api.get('/reports/inventory', {
    config: { access: { permission: 'reports:read' } },
    schema: { tags: ['reports'], summary: 'Devices by status and category, and those stuck longest in their status', querystring: InventoryQuery, response: { 200: InventoryReport } },
    handler: async (request) => reports.inventory(actorOf(request), request.query.site),
  });

  api.get('/reports/activity', {
    config: { access: { permission: 'reports:read' } },
    schema: { tags: ['reports'], summary: 'Per-user bench work in a period, with verification outcomes (skills evidence)', querystring: PeriodQuery, response: { 200: ActivityReport } },
    handler: async (request) => reports.activity(actorOf(request), request.query.from, request.query.to, request.query.site),
  });
}
