import type { Config } from './config.js';
import type { Clock } from './core/clock.js';
import { createRenderPool } from './core/render-pool.js';
import { checkpointWal, engineOf, type Db } from './core/db.js';
import { changeNoticesFor, type ChangeNotices, type PostgresNoticeOptions } from './core/db-notices.js';
import { createIdempotencyResources } from './modules/idempotency/idempotent-resources.js';
import { appendAuditEvent } from './modules/audit-log/audit.repository.js';
import { createAssetTagsService } from './modules/asset-tags/asset-tags.service.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createCertificatesService } from './modules/certificates/certificates.service.js';
import { createDeviceActionsService } from './modules/devices/device-actions.service.js';
import { createDevicesService } from './modules/devices/devices.service.js';
import { createDeviceUseCase } from './modules/devices/device-use-case.js';
import { createDocuments, DOCUMENT_WORKER } from './modules/documents/documents.js';
import { loadLabelTemplates } from './modules/labels/label-templates.js';
import { createLabelsService } from './modules/labels/labels.service.js';
import { createRecyclingService } from './modules/recycling/recycling.service.js';
import { createTransfersService } from './modules/transfers/transfers.service.js';
import { createReportsService } from './modules/reports/reports.service.js';
import { createIssuanceService, participantIssuances } from './modules/issuance/issuance.service.js';
import { createParticipantsService } from './modules/participants/participants.service.js';
import { createGradingService } from './modules/grading/grading.service.js';
import { createRepairsService } from './modules/repairs/repairs.service.js';
import { driveStatesColumn, prepareDriveStates, prepareDriveStatesOfPage } from './modules/sanitization/drive-state.js';
import { createSanitizationService } from './modules/sanitization/sanitization.service.js';
import { createScansService } from './modules/scans/scans.service.js';
import { createWipeReportsService } from './modules/wipe-reports/wipe-reports.service.js';
import { createDonationsService } from './modules/donations/donations.service.js';
import { DEVICE_CATEGORIES } from './modules/devices/category-weights.js';
import { createHardwareReportsService } from './modules/hardware-reports/hardware-reports.service.js';
import { createSitesService } from './modules/sites/sites.service.js';
import { createUsersService } from './modules/users/users.service.js';
import { createMemoryLoginLimiter, createMemoryRequestLimiter } from './modules/users/limits.js';
import { createPostgresLoginLimiter, createPostgresRequestLimiter } from './modules/users/limits.repository.js';
import { createTranslationsService } from './modules/translations/translations.service.js';

/** The composition root: every service, built once per app from explicit dependencies. */
export function createServices(deps: { db: Db; clock: Clock; config: Config; scryptN?: number | undefined; random?: (() => number) | undefined; noticeOptions?: PostgresNoticeOptions | undefined; notices?: ChangeNotices | undefined }) {
  const { db, clock, config } = deps;
  // One process on SQLite counts in memory; instances sharing PostgreSQL count in it, or each would allow the limit again.
  const shared = engineOf(db) === 'postgres';
  const sites = createSitesService({ db, clock, appendAuditEvent });
  // Started by the app (a server); a one-off script announces its changes and trusts no memory.
  const notices = deps.notices ?? changeNoticesFor(db, deps.noticeOptions);
  const users = createUsersService({
    db,
    clock,
    appendAuditEvent,
    sites,
    sessionTtlHours: config.sessionTtlHours,
    loginLimiter: shared ? createPostgresLoginLimiter(db, config.loginFailureWindowMs) : createMemoryLoginLimiter(config.loginFailureWindowMs),
    loginFailureLimit: config.loginFailureLimit,
    loginFailuresPerAddress: config.loginFailuresPerAddress,
    scryptN: deps.scryptN,
    notices,
  });
  const perMinute = config.rateLimitPerMinute;
  const requestLimiter = perMinute === 0 ? null : shared ? createPostgresRequestLimiter(db, perMinute) : createMemoryRequestLimiter(perMinute);
  const assetTags = createAssetTagsService({ db, clock, prefixOf: async (executor, siteId) => (await sites.byId(siteId, executor)).assetTagPrefix });
  const donations = createDonationsService({ db, clock, categories: DEVICE_CATEGORIES, siteCode: sites.codeOf, askedSite: sites.asked });
  // Every use case on a device runs through this one: the device's state loader and its transaction, built once.
  const deviceUseCase = createDeviceUseCase({
    db,
    clock,
    driveStates: prepareDriveStates(db),
    driveStatesOfPage: prepareDriveStatesOfPage(db),
    driveStatesColumn: driveStatesColumn(db),
    siteCode: sites.codeOf,
  });
  const devices = createDevicesService({ db, clock, assetTags, donations, deviceUseCase, askedSite: sites.asked });
  const hardwareReports = createHardwareReportsService({ devices });
  const audit = createAuditService({ db });
  // A write-off in transit settles the device's transfer line (the transfers service is made further down).
  const deviceActions = createDeviceActionsService({ deviceUseCase, onWriteOff: (tx, device, actor, at) => transfers.settleWrittenOff(tx, device, actor, at) });
  const sanitization = createSanitizationService({ db, clock, deviceUseCase, random: deps.random ?? Math.random });
  const wipeReports = createWipeReportsService({ db, clock, sanitization });
  const repairs = createRepairsService({ deviceUseCase });
  const grading = createGradingService({ deviceUseCase });
  const scans = createScansService({ db, clock, deviceStates: deviceUseCase.findState, view: deviceUseCase.viewState, siteName: async (id) => (await sites.byId(id)).name, askedSite: sites.asked });
  const participants = createParticipantsService({ db, clock, issuances: participantIssuances, idempotency: createIdempotencyResources(), afterErasure: () => checkpointWal(db) });
  // Started on the first render; the app closes it (onClose).
  const renderPool = createRenderPool({ worker: DOCUMENT_WORKER, workers: config.renderWorkers, perUser: config.renderPerUser, queue: config.renderQueue });
  const documents = createDocuments(renderPool);
  // The reviewed text of each language (database over shipped files): documents are given it with their data.
  const translations = createTranslationsService({ db, clock, organizationName: config.organizationName, renderHandover: (data) => documents.render({ kind: 'handover', data }) });
  const issuance = createIssuanceService({ db, clock, deviceUseCase, participants, documents, organizationName: config.organizationName, messagesFor: translations.messagesFor });
  const labels = createLabelsService({
    db,
    clock,
    templates: loadLabelTemplates(config.labelTemplatesDir),
    assetTags,
    devices,
    participants,
    sites,
    documents,
    messagesFor: translations.messagesFor,
  });
  const certificates = createCertificatesService({
    db,
    clock,
    deviceUseCase,
    donations,
    documents,
    sites,
    organization: { name: config.organizationName, address: config.organizationAddress },
    messagesFor: translations.messagesFor,
  });
  const recycling = createRecyclingService({ db, clock, deviceUseCase, documents, organizationName: config.organizationName, site: (id) => sites.byId(id), askedSite: sites.asked, messagesFor: translations.messagesFor });
  const transfers = createTransfersService({ db, clock, deviceUseCase, documents, organizationName: config.organizationName, site: (id) => sites.byId(id), siteByCode: (code, field, location) => sites.byCode(code, field, location), askedSite: sites.asked, messagesFor: translations.messagesFor });
  const reports = createReportsService({ db, clock, messagesFor: translations.messagesFor, organizationName: config.organizationName, programName: config.programName, siteName: config.siteName, minCell: config.reportMinCell, site: (id) => sites.byId(id), askedSite: sites.asked });
  // What the scan station page is told about this site (no secrets: the page is public).
  const stationPage = { siteName: config.siteName, siteCode: config.siteCode, organizationName: config.organizationName, assetTagPrefix: config.assetTagPrefix };
  return { db, renderPool, notices, sites, users, requestLimiter, assetTags, donations, devices, hardwareReports, audit, deviceActions, sanitization, wipeReports, repairs, grading, scans, participants, issuance, labels, certificates, recycling, transfers, reports, translations, stationPage, siteTimeZone: config.siteTimeZone };
}

export type Services = ReturnType<typeof createServices>;
