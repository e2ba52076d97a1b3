import type { Clock } from '../../core/clock.js';
import { isUniqueViolation, writeTransaction, type Db, type Tx } from '../../core/db.js';
import { AppError, type FieldLocation } from '../../core/errors.js';
import { insertSite, listSites, updateSite, type SiteRow } from './sites.repository.js';
/** A site as the service reads it; other modules take it from here, not from the repository. */
export type { SiteRow } from './sites.repository.js';
import type { CreateSiteBody, Site } from './sites.schemas.js';

export function toSite(row: SiteRow): Site {
  return { code: row.code, name: row.name, nameSyllabics: row.nameSyllabics, assetTagPrefix: row.assetTagPrefix, timezone: row.timezone, createdAt: row.createdAt };
}

/** The audit log's append, wired by the composition root (the log's rows reference users, who reference sites). */
export type AppendSiteEvent = (
  tx: Tx,
  event: { entityType: 'site'; entityId: string; action: string; actorUserId: number | null; at: string; details: Record<string, unknown> },
) => Promise<unknown>;

/** How the first site is named on the first start (docs/domain.md §8): from the configuration. */
export interface FirstSite {
  code: string;
  name: string;
  nameSyllabics: string | null;
  assetTagPrefix: string;
  timezone: string;
}

/**
 * The program's sites (docs/domain.md §8). Sites are few (a workshop and a
 * dozen hubs), are only ever added (by an admin's POST), and a site never
 * changes once named, so lookups by id and by code are answered from the rows
 * read so far. A site not among them is read again from the database, never
 * answered "none" from memory: another instance sharing the database may have
 * added it since. `list` and `rows` always read the database.
 */
export function createSitesService(deps: { db: Db; clock: Clock; appendAuditEvent: AppendSiteEvent }) {
  const { db, clock } = deps;

  /**
   * The named sites read so far, by id and by code, and the first site. The first site is kept only once named (at
   * the first start, before anything is served): naming it changes its code and prefix. Rows read through a
   * transaction the caller passed are not kept: the transaction may have added them and may still roll back.
   */
  const ids = new Map<number, SiteRow>();
  const codes = new Map<string, SiteRow>();
  let firstSite: SiteRow | undefined;
  function remember(all: SiteRow[]): void {
    for (const s of all) {
      if (s.name === '') continue;
      ids.set(s.id, s);
      codes.set(s.code, s);
    }
  }

  /** Every site row, in creation order (the first is the default site), read through the executor given, else the database. */
  async function rows(executor?: Db): Promise<SiteRow[]> {
    const all = await listSites(executor ?? db);
    if (executor === undefined) {
      remember(all);
      if (all[0] !== undefined && all[0].name !== '') firstSite = all[0];
    }
    return all;
  }

  /** A site by id: kept, else read again (through the executor given, so a site the transaction added is found). */
  async function siteWithId(id: number, executor?: Db): Promise<SiteRow | undefined> {
    return ids.get(id) ?? (await rows(executor)).find((s) => s.id === id);
  }

  async function byId(id: number, executor?: Db): Promise<SiteRow> {
    const row = await siteWithId(id, executor);
    if (!row) throw new Error(`No site with id ${id}`);
    return row;
  }

  /** The site a request names by code; 400 naming the field (of the body or the query) when there is none. */
  async function byCode(code: string, field: string, location: FieldLocation = 'body', executor?: Db): Promise<SiteRow> {
    const row = codes.get(code) ?? (await rows(executor)).find((s) => s.code === code);
    if (!row) throw new AppError('request.invalid', `No site has the code "${code}".`, { errors: [{ field, message: 'no site has this code' }], location });
    return row;
  }

  /** The site a user belongs to when none is named: the first one. */
  async function first(executor?: Db): Promise<SiteRow> {
    const row = firstSite ?? (await rows(executor))[0];
    if (!row) throw new Error('The database has no site: its migrations did not run');
    return row;
  }

  return {
    list: async (): Promise<Site[]> => (await rows()).map(toSite),

    /** A site's code by id, for answers that name a record's site on the hot path (a device lookup); '' until the first site is named. */
    codeOf: async (id: number): Promise<string> => {
      const row = await siteWithId(id);
      return row === undefined || row.name === '' ? '' : row.code;
    },

    rows,
    byId,
    byCode,

    /**
     * The site a list's or report's `site=` names (docs/domain.md §8): absent or `all` is every site (null), a code
     * its site; 400 `request.invalid` naming `site` in the query when no site has the code.
     */
    asked: async (site: string | undefined): Promise<SiteRow | null> => (site === undefined || site === 'all' ? null : byCode(site, 'site', 'query')),

    first,

    async create(actor: { id: number }, body: CreateSiteBody): Promise<Site> {
      const at = clock.now().toISOString();
      try {
        const row = await writeTransaction(db, async (tx) => {
          const inserted = await insertSite(tx, { code: body.code, name: body.name, nameSyllabics: body.nameSyllabics ?? null, assetTagPrefix: body.assetTagPrefix, timezone: body.timezone, createdAt: at });
          await deps.appendAuditEvent(tx, {
            entityType: 'site',
            entityId: inserted.code,
            action: 'site.created',
            actorUserId: actor.id,
            at,
            details: { code: inserted.code, name: inserted.name, assetTagPrefix: inserted.assetTagPrefix, timezone: inserted.timezone },
          });
          return inserted;
        });
        // Committed: kept for lookups at once.
        remember([row]);
        return toSite(row);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const taken = (await rows()).find((s) => s.code === body.code);
        if (taken) throw new AppError('sites.code_taken', `The code "${body.code}" is taken by ${taken.name}.`, { errors: [{ field: 'code', message: 'taken' }] });
        throw new AppError('sites.prefix_taken', `Another site makes tags with the prefix ${body.assetTagPrefix}.`, { errors: [{ field: 'assetTagPrefix', message: 'taken' }] });
      }
    },

    /**
     * The first start names the first site from the configuration. The
     * migration that made sites created it unnamed, holding whatever was
     * recorded before; once named, the configuration no longer changes it.
     */
    async nameFirstSite(named: FirstSite): Promise<void> {
      const site = await first();
      if (site.name !== '') return;
      await writeTransaction(db, async (tx) => {
        const row = (await rows(tx))[0]!;
        if (row.name !== '') return;
        await updateSite(tx, row.id, { code: named.code, name: named.name, nameSyllabics: named.nameSyllabics, assetTagPrefix: named.assetTagPrefix, timezone: named.timezone, createdAt: clock.now().toISOString() });
      });
      // Named (here or by another instance meanwhile): the first site is kept from now on.
      await rows();
    },
  };
}

export type SitesService = ReturnType<typeof createSitesService>;
