import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db, type Executor } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { appendAuditEvent } from '../audit-log/audit.repository.js';
import type { Actor } from '../users/users.service.js';
import { MAX_SEQ, formatTag, parseTag } from './asset-tag.js';
import { findAssetTag, insertAssetTags, markAssigned, takeSequence } from './asset-tags.repository.js';
import { siteLimit, type SiteViewer } from '../sites/site-scope.js';

/**
 * Each site makes its own tags, with its own prefix (docs/domain.md §8):
 * `prefixOf` reads the prefix of the actor's site in the transaction.
 */
export function createAssetTagsService(deps: { db: Db; clock: Clock; prefixOf: (executor: Executor, siteId: number) => Promise<string> }) {
  const { db, clock } = deps;

  async function allocate(tx: Executor, count: number, status: 'reserved' | 'assigned', actor: Actor, at: string): Promise<string[]> {
    const prefix = await deps.prefixOf(tx, actor.siteId);
    const first = await takeSequence(tx, prefix, count);
    if (first + count - 1 > MAX_SEQ) throw new Error(`Asset tag sequence for ${prefix} is exhausted`);
    const tags = Array.from({ length: count }, (_, i) => formatTag(prefix, first + i));
    await insertAssetTags(
      tx,
      tags.map((tag, i) => ({
        tag,
        prefix,
        seq: first + i,
        status,
        reservedBy: actor.id,
        createdAt: at,
        assignedAt: status === 'assigned' ? at : null,
      })),
    );
    return tags;
  }

  return {
    /**
     * Whether the viewer's site made the tag (reserved, or assigned to a device): a tag belongs to the site whose
     * prefix it carries (docs/domain.md §8); admins and program officers see every site's.
     */
    async known(tag: string, viewer: SiteViewer): Promise<boolean> {
      if (await findAssetTag(db, tag) === undefined) return false;
      return siteLimit(viewer) === null || tag.startsWith(`${await deps.prefixOf(db, viewer.siteId)}-`);
    },

    /** Reserves tags for printing ahead of intake (label sheets). */
    reserve(actor: Actor, count: number): Promise<string[]> {
      const at = clock.now().toISOString();
      return writeTransaction(db, async (tx) => {
        const tags = await allocate(tx, count, 'reserved', actor, at);
        await appendAuditEvent(tx, {
          entityType: 'asset_tag',
          entityId: `${tags[0]}..${tags[tags.length - 1]}`,
          action: 'asset_tag.reserved',
          actorUserId: actor.id,
          at,
          details: { count, first: tags[0], last: tags[tags.length - 1] },
        });
        return tags;
      });
    },

    /**
     * Inside an intake transaction: the tag the device gets. A requested tag
     * must carry a valid check character and have been reserved here.
     */
    async assignForIntake(tx: Executor, actor: Actor, requested: string | undefined, at: string): Promise<string> {
      if (requested === undefined) return (await allocate(tx, 1, 'assigned', actor, at))[0]!;
      const parsed = parseTag(requested);
      const prefix = await deps.prefixOf(tx, actor.siteId);
      if (parsed.kind !== 'valid') {
        throw new AppError(
          'devices.invalid_asset_tag',
          parsed.kind === 'bad_check'
            ? `${parsed.tag} has a wrong check character: the tag was probably mistyped.`
            : `"${requested}" is not an asset tag (expected like ${formatTag(prefix, 123)}).`,
          { errors: [{ field: 'assetTag', message: parsed.kind === 'bad_check' ? 'wrong check character' : 'not an asset tag' }] },
        );
      }
      const row = await findAssetTag(tx, parsed.tag);
      if (!row) throw new AppError('asset_tags.not_reserved', `${parsed.tag} was never reserved here; reserve tags before printing them.`);
      // Another site's tag: each site takes devices in under its own prefix, so a tag names the site that made it.
      if (row.prefix !== prefix) throw new AppError('asset_tags.not_reserved', `${parsed.tag} was reserved by another site; this site's tags start with ${prefix}.`);
      if (row.status === 'assigned') throw new AppError('devices.duplicate_asset_tag', `${parsed.tag} is already on another device.`);
      await markAssigned(tx, parsed.tag, at);
      return parsed.tag;
    },
  };
}

export type AssetTagsService = ReturnType<typeof createAssetTagsService>;
