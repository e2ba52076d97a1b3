import type { Services } from './container.js';
import { API_PREFIX, type Api } from './core/http/api.js';
import { assetTagRoutes } from './modules/asset-tags/asset-tags.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { deviceActionRoutes } from './modules/devices/device-actions.routes.js';
import { deviceRoutes } from './modules/devices/devices.routes.js';
import { hardwareReportRoutes } from './modules/hardware-reports/hardware-reports.routes.js';
import { recyclingRoutes } from './modules/recycling/recycling.routes.js';
import { transferRoutes } from './modules/transfers/transfers.routes.js';
import { reportRoutes } from './modules/reports/reports.routes.js';
import { labelRoutes } from './modules/labels/labels.routes.js';
import { certificateRoutes } from './modules/certificates/certificates.routes.js';
import { issuanceRoutes } from './modules/issuance/issuance.routes.js';
import { participantRoutes } from './modules/participants/participants.routes.js';
import { scanRoutes } from './modules/scans/scans.routes.js';
import { sanitizationRoutes } from './modules/sanitization/sanitization.routes.js';
import { wipeReportRoutes } from './modules/wipe-reports/wipe-reports.routes.js';
import { repairRoutes } from './modules/repairs/repairs.routes.js';
import { gradingRoutes } from './modules/grading/grading.routes.js';
import { donationRoutes } from './modules/donations/donations.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { officeRoutes } from './modules/office-page/office.routes.js';
import { stationRoutes } from './modules/station-page/station.routes.js';
import { authRoutes } from './modules/users/auth.routes.js';
import { userRoutes } from './modules/users/users.routes.js';
import { siteRoutes } from './modules/sites/sites.routes.js';
import { actorOf } from './modules/users/authentication.js';
import { translationRoutes } from './modules/translations/translations.routes.js';

/** What each tag of the OpenAPI document groups; a tag used by a route and missing here fails the document's lint. */
export const ROUTE_TAGS: Readonly<Record<string, string>> = {
  'asset tags': 'Asset tags reserved ahead of printing',
  audit: 'The hash-chained history and its anchors',
  auth: 'Signing in and out, the signed-in account',
  certificates: 'Certificates of data sanitization',
  devices: 'Intake, reading and editing devices',
  donations: 'Donations (intake lots)',
  issuance: 'Issuing devices to participants and taking them back',
  labels: 'Asset and spec labels: PDF, ZPL, PNG',
  lifecycle: 'Actions on one device: drives, repairs, grading, recycling, write-off',
  operations: 'Health and readiness of the process',
  participants: 'Participants, their communities and their personal data',
  recycling: 'Recyclers and shipments',
  reports: 'Diversion, inventory and activity reports',
  sanitization: 'Data sanitization records and their verification',
  sites: "The program's sites (workshop and community hubs)",
  transfers: 'Devices moving between sites',
  scans: 'Scans of asset tags at a station',
  translations: 'French and Inuktitut text written and reviewed in the app',
  users: 'User accounts (admin)',
};

/** The whole route table. Every /api/v1 route declares config.access (checked at start-up). */
export function registerRoutes(app: Api, services: Services): void {
  healthRoutes(app, services.db);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  stationRoutes(app, services.stationPage);
  officeRoutes(app, services.stationPage);

  void app.register(
    async (api: Api) => {
      authRoutes(api, services.users);
      userRoutes(api, services.users);
      siteRoutes(api, services.sites, actorOf);
      assetTagRoutes(api, services.assetTags);
      donationRoutes(api, services.donations);
      deviceRoutes(api, services.devices);
      hardwareReportRoutes(api, services.hardwareReports);
      deviceActionRoutes(api, { actions: services.deviceActions });
      sanitizationRoutes(api, services.sanitization);
      wipeReportRoutes(api, { wipeReports: services.wipeReports, siteTimeZone: services.siteTimeZone });
      repairRoutes(api, { repairs: services.repairs });
      gradingRoutes(api, { grading: services.grading });
      scanRoutes(api, services.scans);
      participantRoutes(api, services.participants);
      issuanceRoutes(api, services.issuance);
      labelRoutes(api, services.labels);
      certificateRoutes(api, services.certificates);
      recyclingRoutes(api, services.recycling);
      transferRoutes(api, services.transfers);
      reportRoutes(api, services.reports);
      auditRoutes(api, services.audit);
      translationRoutes(api, services.translations);
    },
    { prefix: API_PREFIX },
  );
}
