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
  assetTagPrefix: string;
  timezone: string;
}

/**
 * The program's sites (docs/domain.md §8). Sites are few (a workshop and a
 * dozen hubs) and change only by an admin's POST, so every read goes to the
 * database: another instance's new site is seen at once.
 */
export function createSitesService(deps: { db: Db; clock: Clock; appendAuditEvent: AppendSiteEvent }) {
  const { db, clock } = deps;

  async function rows(executor: Db = db): Promise<SiteRow[]> {
    const all = await listSites(executor);
    for (const s of all) if (s.name !== '') codes.set(s.id, s.code);
    return all;
  }

  /**
   * Site codes by id, for answers that name a record's site on the hot path
   * (a device lookup). A code never changes once its site is named (at the
   * first start, before anything is served), so a code read once stays true;
   * a site another instance created since is read on first sight.
   */
  const codes = new Map<number, string>();
  async function codeOf(id: number): Promise<string> {
    const known = codes.get(id);
    if (known !== undefined) return known;
    await rows();
    return codes.get(id) ?? '';
  }

  return {
    list: async (): Promise<Site[]> => (await rows()).map(toSite),

    codeOf,

    /** Every site row, in creation order (the first is the default site). */
    rows,

    async byId(id: number, executor: Db = db): Promise<SiteRow> {
      const row = (await rows(executor)).find((s) => s.id === id);
      if (!row) throw new Error(`No site with id ${id}`);
      return row;
    },

    /** The site a request names by code; 400 naming the field (of the body or the query) when there is none. */
    async byCode(code: string, field: string, location: FieldLocation = 'body', executor: Db = db): Promise<SiteRow> {
      const row = (await rows(executor)).find((s) => s.code === code);
      if (!row) throw new AppError('request.invalid', `No site has the code "${code}".`, { errors: [{ field, message: 'no site has this code' }], location });
      return row;
    },

    /** The site a user belongs to when none is named: the first one. */
    async first(executor: Db = db): Promise<SiteRow> {
      const first = (await rows(executor))[0];
      if (!first) throw new Error('The database has no site: its migrations did not run');
      return first;
    },

    async create(actor: { id: number }, body: CreateSiteBody): Promise<Site> {
      const at = clock.now().toISOString();
      try {
        return await writeTransaction(db, async (tx) => {
          const row = await insertSite(tx, { code: body.code, name: body.name, nameSyllabics: body.nameSyllabics ?? null, assetTagPrefix: body.assetTagPrefix, timezone: body.timezone, createdAt: at });
          await deps.appendAuditEvent(tx, {
            entityType: 'site',
            entityId: row.code,
            action: 'site.created',
            actorUserId: actor.id,
            at,
            details: { code: row.code, name: row.name, assetTagPrefix: row.assetTagPrefix, timezone: row.timezone },
          });
          return toSite(row);
        });
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
    async nameFirstSite(first: FirstSite): Promise<void> {
      const site = await this.first();
      if (site.name !== '') return;
      await writeTransaction(db, async (tx) => {
        const row = (await rows(tx))[0]!;
        if (row.name !== '') return;
        await updateSite(tx, row.id, { code: first.code, name: first.name, assetTagPrefix: first.assetTagPrefix, timezone: first.timezone, createdAt: clock.now().toISOString() });
      });
    },
  };
}

export type SitesService = ReturnType<typeof createSitesService>;
