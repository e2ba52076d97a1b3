import type { Clock } from '../../core/clock.js';
import { databaseFileOf, type Db, type Executor } from '../../core/db.js';
import { createReportWorker } from './report-worker-client.js';
import { csvRow, UTF8_BOM } from '../../core/csv.js';
import { renderDiversionPdf } from './diversion.pdf.js';
import { AppError } from '../../core/errors.js';
import { translate, type Locale, type LocaleMessages } from '../../core/i18n.js';
import { assertDrawable } from '../../core/pdf/fonts.js';
import {
  activityAgg,
  divertedDevicesAgg,
  inventoryCounts,
  latestFactorSet,
  longestInStatus,
  receivedAgg,
  recycledAgg,
  reusedByCommunity,
  verificationOutcomes,
  type Period,
} from './reports.repository.js';
import type { DiversionReport } from './reports.schemas.js';
import { siteLimit, type AskedSite, type SiteViewer } from '../sites/site-scope.js';

const DAY = 86_400_000;

/** How the figures are made: in English in the JSON and CSV, in the report's language in the PDF (diversion.pdf.ts). */
export const methodology = (suppressBelow: number) => translate('en', 'report.diversion.methodologyText', { threshold: String(suppressBelow) });

function period(from: string, to: string): Period {
  const end = new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY).toISOString();
  return { start: `${from}T00:00:00.000Z`, end };
}

type Bucket = { units: number; grams: number };
type Acc = Map<string, Bucket>;
const add = (m: Acc, key: string, units: number, grams: number) => {
  const cur = m.get(key) ?? { units: 0, grams: 0 };
  cur.units += units;
  cur.grams += grams;
  m.set(key, cur);
};
const rows = (m: Acc) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([key, v]) => ({ key, units: v.units, grams: v.grams }));
const sum = (xs: Bucket[]): Bucket => ({ units: xs.reduce((n, x) => n + x.units, 0), grams: xs.reduce((n, x) => n + x.grams, 0) });

/** What a report covers: one site (its id, code and name) or the whole program (id null, code `all`). */
export interface ReportSite {
  id: number | null;
  code: string;
  name: string;
}
const PROGRAM: ReportSite = { id: null, code: 'all', name: '' };

/** The diversion report from the database: pure reads, so it can run on a worker's own connection. */
export async function computeDiversion(db: Executor, from: string, to: string, suppressBelow: number, site: ReportSite = PROGRAM): Promise<DiversionReport> {
  const p = period(from, to);
  const received = await receivedAgg(db, p, site.id);
  // Each diverted device once (docs/domain.md §2 invariant 6, §6), with the sets it belongs to, at one site (§8).
  const devices = await divertedDevicesAgg(db, p, site.id);
  const recycled = await recycledAgg(db, p, site.id);
  const confirmed = recycled.filter((r) => r.confirmed === 1);
  const pending = recycled.filter((r) => r.confirmed !== 1);
  const confirmedBulk = confirmed.filter((r) => r.kind === 'bulk');
  const diverted = [...devices, ...confirmedBulk];
  const totals = {
    received: sum(received),
    reused: sum(devices.filter((d) => d.reused === 1)),
    recycledConfirmed: sum(confirmed),
    recycledPending: sum(pending),
    diverted: sum(diverted),
    reusedThenRecycled: sum(devices.filter((d) => d.reused === 1 && d.recycled === 1)),
  };

  const byCategory: Acc = new Map();
  const byMonth: Acc = new Map();
  for (const r of diverted) {
    add(byCategory, r.category, r.units, r.grams);
    add(byMonth, r.month, r.units, r.grams);
  }
  const divertedGrams = totals.diverted.grams;
  const measured = diverted.reduce((n, r) => n + r.measuredGrams, 0);

  const communities = (await reusedByCommunity(db, p, site.id)).sort((a, b) => a.community.localeCompare(b.community));
  const hidden = new Set(communities.filter((c) => c.units < suppressBelow).map((c) => c.community));
  // Secondary suppression: with one community hidden, the total minus the others would reveal it,
  // so the smallest shown one is hidden too.
  if (hidden.size === 1) {
    const smallest = communities.filter((c) => !hidden.has(c.community)).sort((a, b) => a.units - b.units || a.community.localeCompare(b.community))[0];
    if (smallest) hidden.add(smallest.community);
  }
  const byCommunity = communities.map((c) => (hidden.has(c.community) ? { key: c.community, units: null, grams: null, suppressed: true } : { key: c.community, units: c.units, grams: c.grams }));

  const fs = await latestFactorSet(db);
  let co2e: DiversionReport['co2e'] = null;
  if (fs) {
    const factor = (material: string, pathway: string) =>
      fs.factors.find((f) => f.material === material && f.pathway === pathway)?.value ?? fs.factors.find((f) => f.material === 'default' && f.pathway === pathway)?.value ?? 0;
    // One pathway per device: a device reused and then recycled in the period counts under recycling only (see the methodology).
    const reuseKg = devices.filter((d) => d.reused === 1 && d.recycled === 0).reduce((n, r) => n + (r.grams / 1000) * factor(r.category, 'reuse'), 0);
    const recyclingKg = confirmed.reduce((n, r) => n + (r.grams / 1000) * factor(r.category, 'recycling'), 0);
    const round = (x: number) => Math.round(x * 10) / 10;
    co2e = {
      factorSet: { name: fs.set.name, version: fs.set.version, source: fs.set.source, verified: fs.set.verified === 1 },
      reuseKg: round(reuseKg),
      recyclingKg: round(recyclingKg),
      totalKg: round(reuseKg + recyclingKg),
      note: translate('en', fs.set.verified === 1 ? 'report.diversion.co2eVerified' : 'report.diversion.co2eUnverified'),
    };
  }
  return {
    period: { from, to },
    site: site.code,
    totals,
    byCategory: rows(byCategory),
    byMonth: rows(byMonth),
    byCommunity,
    measuredWeightShare: divertedGrams === 0 ? 0 : Math.round((measured / divertedGrams) * 10000) / 10000,
    co2e,
    methodology: methodology(suppressBelow),
  };
}

/**
 * `minCell` is the server's privacy floor for community counts (REPORT_MIN_CELL):
 * the route's query schema is built from it, and the service refuses a lower
 * threshold from any other caller too.
 */
export function createReportsService(deps: {
  db: Db;
  clock: Clock;
  messagesFor?: ((locale: string) => Promise<LocaleMessages | undefined>) | undefined;
  organizationName: string;
  programName?: string | null;
  siteName?: string;
  minCell: number;
  /** Sites by id and by code (the sites service): a report covers one, or the program. */
  site: (siteId: number) => Promise<{ id: number; code: string; name: string }>;
  /** The site a report's `site=` names (sites.service.ts asked): null for the program. */
  askedSite: AskedSite<{ id: number; code: string; name: string }>;
}) {
  const { db, clock, minCell } = deps;

  /**
   * The site a report covers (docs/domain.md §8): `site=` a code or `all`. Admins and program officers report on
   * the program by default and on any site; everyone else on their own site only (403 for another or `all`).
   */
  async function reportSite(viewer: SiteViewer, asked: string | undefined): Promise<ReportSite> {
    if (siteLimit(viewer) === null) {
      const s = await deps.askedSite(asked);
      return s === null ? PROGRAM : { id: s.id, code: s.code, name: s.name };
    }
    const own = await deps.site(viewer.siteId);
    if (asked !== undefined && asked !== own.code) {
      // An unknown code is 400 as for anyone; a known other site, or `all`, is not theirs to report on.
      await deps.askedSite(asked);
      throw new AppError('auth.forbidden', `Your role reports on ${own.name} only.`);
    }
    return { id: own.id, code: own.code, name: own.name };
  }

  /**
   * On a file database the report runs on a worker thread with its own
   * read-only connection (WAL lets it read beside the writer): a year's
   * aggregate over 100,000 devices takes a few hundred milliseconds, which
   * would otherwise hold up every scan station for that long.
   */
  const file = databaseFileOf(db);
  const worker = file === null ? null : createReportWorker(file);

  return {
    minCell,

    /** The threshold is resolved here, so the worker is always sent the one the report states. */
    async diversion(viewer: SiteViewer, from: string, to: string, suppressBelow: number = minCell, asked?: string): Promise<DiversionReport> {
      if (suppressBelow < minCell) {
        throw new AppError('request.invalid', `suppressBelow must be at least ${minCell}, the server's privacy floor.`, {
          errors: [{ field: 'suppressBelow', message: `at least ${minCell}` }],
          location: 'query',
        });
      }
      const site = await reportSite(viewer, asked);
      return worker ? worker.diversion(from, to, suppressBelow, site) : computeDiversion(db, from, to, suppressBelow, site);
    },

    close: () => worker?.close(),

    /** The single `section,key,units,grams` table of docs/domain.md §6. */
    diversionCsv(report: DiversionReport, bom = true): string {
      let out = (bom ? UTF8_BOM : '') + csvRow(['section', 'key', 'units', 'grams']);
      // Which site the figures are (its code, or all for the program): a file read on its own says so.
      out += csvRow(['site', report.site, null, null]);
      for (const [key, b] of Object.entries(report.totals)) out += csvRow(['totals', key, b.units, b.grams]);
      for (const r of report.byCategory) out += csvRow(['category', r.key, r.units, r.grams]);
      for (const r of report.byMonth) out += csvRow(['month', r.key, r.units, r.grams]);
      for (const r of report.byCommunity) out += csvRow(['community', r.key, r.units, r.grams]);
      return out;
    },

    /** Text the embedded fonts cannot draw (in the name of the person preparing it) is refused before anything is drawn. */
    diversionPdf: async (report: DiversionReport, options: { locale?: Locale; preparedBy?: string | undefined } = {}) => {
      assertDrawable({ preparedBy: options.preparedBy }, 'query');
      const site = await deps.askedSite(report.site);
      return renderDiversionPdf(report, {
        organizationName: deps.organizationName,
        // A site's report is headed with the site; the program's with the program (or the first site, as before sites).
        siteName: site === null ? (deps.siteName ?? '') : site.name,
        programName: site === null ? (deps.programName ?? null) : null,
        printedAt: clock.now(),
        locale: options.locale ?? 'en',
        messages: await deps.messagesFor?.(options.locale ?? 'en'),
        preparedBy: options.preparedBy,
      });
    },

    async inventory(viewer: SiteViewer, asked?: string) {
      const site = await reportSite(viewer, asked);
      const counts = await inventoryCounts(db, site.id);
      const byStatus: Acc = new Map();
      const byCategory: Acc = new Map();
      for (const c of counts) {
        add(byStatus, c.status, c.units, c.grams);
        add(byCategory, c.category, c.units, c.grams);
      }
      const now = clock.now().getTime();
      return {
        site: site.code,
        byStatus: rows(byStatus).map((r) => ({ status: r.key, units: r.units, grams: r.grams })),
        byCategory: rows(byCategory).map((r) => ({ category: r.key, units: r.units, grams: r.grams })),
        longestInStatus: (await longestInStatus(db, 50, site.id)).map((d) => ({
          assetTag: d.assetTag,
          category: d.category,
          status: d.status,
          since: d.statusChangedAt,
          days: Math.floor((now - Date.parse(d.statusChangedAt)) / DAY),
        })),
      };
    },

    /** Per-user counts of bench work in a period: evidence of skills for trainees. */
    async activity(viewer: SiteViewer, from: string, to: string, asked?: string) {
      const site = await reportSite(viewer, asked);
      const p = period(from, to);
      const users = new Map<number, { username: string; displayName: string; role: string; intakes: number; sanitizations: number; repairs: number; gradings: number; verificationsDone: number; ownWipesVerified: { passed: number; failed: number; pending: number } }>();
      const get = (id: number, u: { username: string; displayName: string; role: string }) => {
        let x = users.get(id);
        if (!x) {
          x = { ...u, intakes: 0, sanitizations: 0, repairs: 0, gradings: 0, verificationsDone: 0, ownWipesVerified: { passed: 0, failed: 0, pending: 0 } };
          users.set(id, x);
        }
        return x;
      };
      const field = { 'device.intake': 'intakes', 'device.sanitization_recorded': 'sanitizations', 'device.repair_completed': 'repairs', 'device.graded': 'gradings', 'device.sanitization_verified': 'verificationsDone' } as const;
      for (const a of await activityAgg(db, p, site.id)) {
        const k = field[a.action as keyof typeof field];
        if (k) get(a.userId, a)[k] += a.n;
      }
      for (const v of await verificationOutcomes(db, p, site.id)) {
        const u = users.get(v.userId);
        if (u && (v.status === 'passed' || v.status === 'failed' || v.status === 'pending')) u.ownWipesVerified[v.status] += v.n;
      }
      return { period: { from, to }, site: site.code, users: [...users.values()].sort((a, b) => a.username.localeCompare(b.username)) };
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
