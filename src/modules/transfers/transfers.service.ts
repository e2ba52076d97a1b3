/**
 * Transfers between sites (docs/domain.md §8): a device, or a box of them,
 * leaves one site `in_transit` and is received at another, returning to the
 * status it left with. Each step is one custody event on each device, and one
 * event on the transfer, in one write transaction: a box leaves whole or not
 * at all.
 */
import type { Clock } from '../../core/clock.js';
import { isUniqueViolation, writeTransaction, type Db, type Executor, type Tx } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import type { Locale, LocaleMessages } from '../../core/i18n.js';
import { parseTag } from '../asset-tags/asset-tag.js';
import { appendAuditEvent } from '../audit-log/audit.repository.js';
import { can } from '../auth/permissions.js';
import { applyDeviceChange, assertAllowed } from '../devices/device-change.js';
import { deviceByTag, type DeviceRow } from '../devices/device-reads.js';
import type { DeviceUseCase } from '../devices/device-use-case.js';
import type { Device } from '../devices/devices.schemas.js';
import { listScope, sees, type AskedSite, type SiteViewer } from '../sites/site-scope.js';
import type { Actor } from '../users/users.service.js';
import {
  closeIfSettled,
  findTransfer,
  insertTransfer,
  insertTransferLines,
  linesOfTransfer,
  linesOfTransfers,
  listTransfers,
  openLineOfDevice,
  settleLine,
  type TransferLine,
  type TransferRow,
} from './transfers.repository.js';
import type { CreateTransferBody, Transfer } from './transfers.schemas.js';
import type { TRANSFERABLE_STATUSES } from './transfers.table.js';

interface SiteFacts {
  id: number;
  code: string;
  name: string;
}

/** The renderer the packing list is drawn with: the documents module's client, wired by the composition root. */
export interface PackingListDocuments {
  render(task: { kind: 'packing-list'; transfer: Transfer; sites: { from: string; to: string }; organizationName: string; printedAt: Date; locale?: Locale | undefined; messages?: LocaleMessages | undefined }): Promise<Buffer>;
}

export function createTransfersService(deps: {
  db: Db;
  clock: Clock;
  deviceUseCase: DeviceUseCase;
  site: (siteId: number) => Promise<SiteFacts>;
  siteByCode: (code: string, field: string, location: 'body' | 'query') => Promise<SiteFacts>;
  /** The site a list's `site=` names (sites.service.ts asked). */
  askedSite: AskedSite;
  documents: PackingListDocuments;
  organizationName: string;
  messagesFor?: ((locale: Locale) => Promise<LocaleMessages | undefined>) | undefined;
}) {
  const { db, clock } = deps;
  const { resolveState, findState, seesDevice, loadState } = deps.deviceUseCase;

  /**
   * The status a device comes back to from transit: the one it left with, unless a second-person check failed on
   * the way and voided its wipe, when a sanitized or ready device goes back to received (docs/domain.md §2).
   */
  async function backFromTransit(device: DeviceRow, left: TransferLine['fromStatus']): Promise<DeviceRow['status']> {
    if (left === 'awaiting_recycling') return left;
    return (await loadState(device)).facts.sanitized ? left : 'received';
  }

  async function view(row: TransferRow, lines?: TransferLine[]): Promise<Transfer> {
    const all = lines ?? (await linesOfTransfer(db, row.id));
    return {
      id: row.id,
      fromSite: (await deps.site(row.fromSiteId)).code,
      toSite: (await deps.site(row.toSiteId)).code,
      carrier: row.carrier,
      reference: row.reference,
      status: row.status,
      sentAt: row.sentAt,
      closedAt: row.closedAt,
      devices: all.map((l) => ({ assetTag: l.assetTag, category: l.category, make: l.make, model: l.model, fromStatus: l.fromStatus, state: l.state, settledAt: l.settledAt })),
      missing: all.filter((l) => l.state === 'in_transit').map((l) => l.assetTag),
    };
  }

  /** A transfer either side of it sees; any other is none (404, docs/domain.md §8). */
  async function mustFind(executor: Executor, id: number, viewer: SiteViewer): Promise<TransferRow> {
    const row = await findTransfer(executor, id);
    if (!row || !(sees(viewer, row.fromSiteId) || sees(viewer, row.toSiteId))) throw new AppError('transfers.not_found', `No transfer ${id}.`);
    return row;
  }

  const audit = (tx: Tx, actor: Actor, id: number, action: string, details: Record<string, unknown>, at: string) =>
    appendAuditEvent(tx, { entityType: 'transfer', entityId: String(id), action, actorUserId: actor.id, at, details });

  /** A refusal about one device of a box names the device. */
  function ofDevice(tag: string, err: unknown): unknown {
    if (!(err instanceof AppError) || err.code === 'auth.forbidden') return err;
    return new AppError(err.code, `${tag}: ${err.detail ?? err.message}`, { extra: { ...err.extra, assetTag: tag }, errors: err.errors });
  }

  async function send(actor: Actor, body: CreateTransferBody): Promise<Transfer> {
    const destination = await deps.siteByCode(body.toSite, 'toSite', 'body');
    const seen = new Set<string>();
    for (const tag of body.assetTags) {
      const key = tag.toUpperCase();
      if (seen.has(key)) throw new AppError('request.invalid', `${tag} is listed twice.`, { errors: [{ field: 'assetTags', message: `${tag} is listed twice` }] });
      seen.add(key);
    }
    const at = clock.now().toISOString();
    let id: number;
    try {
      id = await writeTransaction(db, async (tx) => {
        const states = [];
        for (const tag of body.assetTags) {
          try {
            states.push(await resolveState(tag, actor));
          } catch (err) {
            throw ofDevice(tag, err);
          }
        }
        const ids = new Set(states.map((s) => s.row.id));
        if (ids.size !== states.length) throw new AppError('request.invalid', 'Two entries name the same device.', { errors: [{ field: 'assetTags', message: 'two entries name the same device' }] });
        const fromSiteId = states[0]!.row.siteId;
        // An admin sees every site: a box still leaves from one.
        const stray = states.find((s) => s.row.siteId !== fromSiteId);
        if (stray) throw new AppError('transfers.mixed_sites', `${stray.row.assetTag} is held by another site than ${states[0]!.row.assetTag}: a box leaves from one site.`, { extra: { assetTag: stray.row.assetTag } });
        if (fromSiteId === destination.id) {
          throw new AppError('request.invalid', `The devices are already at ${destination.name}.`, { errors: [{ field: 'toSite', message: 'the devices are already at this site' }] });
        }
        for (const s of states) {
          try {
            assertAllowed(actor, 'transfer', s.row, s.facts);
          } catch (err) {
            throw ofDevice(s.row.assetTag, err);
          }
        }
        const origin = await deps.site(fromSiteId);
        const transfer = await insertTransfer(tx, {
          fromSiteId,
          toSiteId: destination.id,
          carrier: body.carrier ?? null,
          reference: body.reference ?? null,
          status: 'open',
          sentBy: actor.id,
          sentAt: at,
        });
        await insertTransferLines(
          tx,
          states.map((s) => ({ transferId: transfer.id, deviceId: s.row.id, fromStatus: s.row.status as (typeof TRANSFERABLE_STATUSES)[number], state: 'in_transit' as const })),
        );
        for (const s of states) {
          await applyDeviceChange(tx, {
            device: s.row,
            actor,
            event: 'device.transfer_sent',
            toStatus: 'in_transit',
            details: { transferId: transfer.id, fromSite: origin.code, toSite: destination.code, fromStatus: s.row.status, carrier: body.carrier ?? null, reference: body.reference ?? null },
            at,
          });
        }
        await audit(tx, actor, transfer.id, 'transfer.sent', { fromSite: origin.code, toSite: destination.code, assetTags: states.map((s) => s.row.assetTag), carrier: body.carrier ?? null, reference: body.reference ?? null }, at);
        return transfer.id;
      });
    } catch (err) {
      // Two boxes packed at once with the same device: the partial unique index keeps it on one.
      if (isUniqueViolation(err)) throw new AppError('devices.invalid_transition', 'A device of this box left on another transfer meanwhile; read it again.');
      throw err;
    }
    return view((await findTransfer(db, id))!);
  }

  /** The receiving site settles the lines of the tags it found; the answer's `missing` lists the rest. */
  async function receiveTags(actor: Actor, transferId: number, tags: readonly string[]): Promise<Transfer> {
    if (!can(actor.role, 'devices:transfer')) throw new AppError('auth.forbidden', 'Your role cannot receive a transfer.');
    const at = clock.now().toISOString();
    await writeTransaction(db, async (tx) => {
      const transfer = await mustFind(tx, transferId, actor);
      if (!sees(actor, transfer.toSiteId)) throw new AppError('transfers.not_destination', `Transfer ${transferId} goes to another site: it is received there.`);
      const lines = await linesOfTransfer(tx, transferId);
      const byTag = new Map(lines.map((l) => [l.assetTag, l]));
      const toReceive: TransferLine[] = [];
      for (const tag of tags) {
        const parsed = parseTag(tag);
        const line = parsed.kind === 'valid' ? byTag.get(parsed.tag) : undefined;
        if (!line || line.state === 'cancelled' || line.state === 'written_off') {
          throw new AppError('transfers.not_on_transfer', `${tag} is not on transfer ${transferId}: set it aside and look it up.`, { extra: { assetTag: tag } });
        }
        // Scanned twice, or received by an earlier scan: already done.
        if (line.state === 'received' || toReceive.includes(line)) continue;
        toReceive.push(line);
      }
      const fromSite = (await deps.site(transfer.fromSiteId)).code;
      const toSite = (await deps.site(transfer.toSiteId)).code;
      for (const line of toReceive) {
        const device = (await deviceByTag(tx, line.assetTag))!;
        if (device.status !== 'in_transit') {
          throw new AppError('devices.invalid_transition', `${device.assetTag} is ${device.status}, no longer in transit.`, { extra: { currentStatus: device.status, assetTag: device.assetTag } });
        }
        if (!(await settleLine(tx, line.id, 'received', actor.id, at))) throw new AppError('devices.invalid_transition', `${line.assetTag} was received or called back meanwhile.`);
        await applyDeviceChange(tx, {
          device,
          actor,
          event: 'device.transfer_received',
          toStatus: await backFromTransit(device, line.fromStatus),
          patch: { siteId: transfer.toSiteId },
          details: { transferId, fromSite, toSite },
          at,
        });
      }
      await closeIfSettled(tx, transferId, at);
      if (toReceive.length > 0) {
        const missing = lines.filter((l) => l.state === 'in_transit' && !toReceive.includes(l)).map((l) => l.assetTag);
        await audit(tx, actor, transferId, 'transfer.received', { assetTags: toReceive.map((l) => l.assetTag), missing }, at);
      }
    });
    return view((await findTransfer(db, transferId))!);
  }

  /** The sender calls devices back before receipt: each returns to the status it left with, at the sending site. */
  async function cancelLines(tx: Tx, actor: Actor, transfer: TransferRow, lines: TransferLine[], at: string): Promise<void> {
    const fromSite = (await deps.site(transfer.fromSiteId)).code;
    const toSite = (await deps.site(transfer.toSiteId)).code;
    for (const line of lines) {
      const device = (await deviceByTag(tx, line.assetTag))!;
      if (!(await settleLine(tx, line.id, 'cancelled', actor.id, at))) throw new AppError('devices.invalid_transition', `${line.assetTag} was received or called back meanwhile.`);
      if (device.status !== 'in_transit') continue;
      await applyDeviceChange(tx, { device, actor, event: 'device.transfer_cancelled', toStatus: await backFromTransit(device, line.fromStatus), details: { transferId: transfer.id, fromSite, toSite }, at });
    }
    await closeIfSettled(tx, transfer.id, at);
    await audit(tx, actor, transfer.id, 'transfer.cancelled', { assetTags: lines.map((l) => l.assetTag) }, at);
  }

  /**
   * The device a receiving site names by tag or serial: it is not theirs until received, so it is found whatever
   * its site, and answered 404 to anyone who neither holds it nor is its destination.
   */
  async function inTransitTo(actor: Actor, ref: string): Promise<{ device: DeviceRow; transfer: TransferRow | undefined }> {
    const parsed = parseTag(ref);
    const state = parsed.kind === 'valid' ? await findState.byTag(parsed.tag) : await findState.bySerial(ref);
    const notFound = () => new AppError('devices.not_found', `No device with tag or serial number "${ref}".`);
    if (!state) {
      if (parsed.kind === 'bad_check') throw new AppError('devices.invalid_asset_tag', `${parsed.tag} has a wrong check character: the tag was probably mistyped.`);
      throw notFound();
    }
    const line = await openLineOfDevice(db, state.row.id);
    const transfer = line && (await findTransfer(db, line.transferId));
    if (!seesDevice(actor, state.row) && !(transfer && sees(actor, transfer.toSiteId))) throw notFound();
    return { device: state.row, transfer };
  }

  return {
    send,

    /** One device: a transfer of one. */
    async sendDevice(actor: Actor, ref: string, body: { toSite: string; carrier?: string | undefined; reference?: string | undefined }): Promise<{ device: Device; transfer: Transfer }> {
      const transfer = await send(actor, { ...body, assetTags: [ref] });
      return { device: await deps.deviceUseCase.view((await deviceByTag(db, transfer.devices[0]!.assetTag))!, actor.role), transfer };
    },

    receive: receiveTags,

    async receiveDevice(actor: Actor, ref: string): Promise<{ device: Device; transfer: Transfer }> {
      const { device, transfer } = await inTransitTo(actor, ref);
      if (!transfer) throw new AppError('devices.invalid_transition', `${device.assetTag} is ${device.status}, not in transit.`, { extra: { currentStatus: device.status, action: 'receive' } });
      const answer = await receiveTags(actor, transfer.id, [device.assetTag]);
      return { device: await deps.deviceUseCase.view((await deviceByTag(db, device.assetTag))!, actor.role), transfer: answer };
    },

    async cancelDevice(actor: Actor, ref: string): Promise<{ device: Device; transfer: Transfer }> {
      const at = clock.now().toISOString();
      const { transferId, assetTag } = await writeTransaction(db, async (tx) => {
        const state = await resolveState(ref, actor);
        assertAllowed(actor, 'cancel_transfer', state.row, state.facts);
        const line = await openLineOfDevice(tx, state.row.id);
        if (!line) throw new AppError('devices.invalid_transition', `${state.row.assetTag} is on no open transfer.`, { extra: { currentStatus: state.row.status, action: 'cancel_transfer' } });
        const transfer = (await findTransfer(tx, line.transferId))!;
        await cancelLines(tx, actor, transfer, (await linesOfTransfer(tx, transfer.id)).filter((l) => l.id === line.id), at);
        return { transferId: transfer.id, assetTag: state.row.assetTag };
      });
      return { device: await deps.deviceUseCase.view((await deviceByTag(db, assetTag))!, actor.role), transfer: await view((await findTransfer(db, transferId))!) };
    },

    /** The whole box called back: every device still in transit returns to the sending site's shelves. */
    async cancel(actor: Actor, id: number): Promise<Transfer> {
      if (!can(actor.role, 'devices:transfer')) throw new AppError('auth.forbidden', 'Your role cannot cancel a transfer.');
      const at = clock.now().toISOString();
      await writeTransaction(db, async (tx) => {
        const transfer = await mustFind(tx, id, actor);
        if (!sees(actor, transfer.fromSiteId)) throw new AppError('transfers.not_sender', `Transfer ${id} was sent by another site: only the sender calls it back.`);
        const open = (await linesOfTransfer(tx, id)).filter((l) => l.state === 'in_transit');
        if (open.length === 0) throw new AppError('transfers.closed', `Transfer ${id} has nothing left in transit.`);
        await cancelLines(tx, actor, transfer, open, at);
      });
      return view((await findTransfer(db, id))!);
    },

    /** A device written off on its way (devices' write-off, in its transaction): its line is settled, the transfer closes once nothing else is on its way. */
    async settleWrittenOff(tx: Tx, device: DeviceRow, actor: Actor, at: string): Promise<void> {
      const line = await openLineOfDevice(tx, device.id);
      if (!line) return;
      await settleLine(tx, line.id, 'written_off', actor.id, at);
      await closeIfSettled(tx, line.transferId, at);
      await audit(tx, actor, line.transferId, 'transfer.device_written_off', { assetTag: device.assetTag }, at);
    },

    get: async (viewer: SiteViewer, id: number): Promise<Transfer> => view(await mustFind(db, id, viewer)),

    /** Transfers into and out of the viewer's site (every site's, or one, for those who see every site), newest first. */
    async list(viewer: SiteViewer, query: { status?: TransferRow['status'] | undefined; direction?: 'in' | 'out' | undefined; site?: string | undefined; limit: number }): Promise<Transfer[]> {
      const scope = listScope(viewer, await deps.askedSite(query.site));
      if (scope === 'none') return [];
      const rows = await listTransfers(db, scope, query.status, scope === null ? undefined : query.direction, query.limit);
      const lines = await linesOfTransfers(db, rows.map((r) => r.id));
      const out: Transfer[] = [];
      for (const r of rows) out.push(await view(r, lines.get(r.id) ?? []));
      return out;
    },

    async packingList(viewer: SiteViewer, id: number, locale?: Locale): Promise<Buffer> {
      const row = await mustFind(db, id, viewer);
      const transfer = await view(row);
      const sites = { from: (await deps.site(row.fromSiteId)).name, to: (await deps.site(row.toSiteId)).name };
      return deps.documents.render({ kind: 'packing-list', transfer, sites, organizationName: deps.organizationName, printedAt: clock.now(), locale, messages: locale ? await deps.messagesFor?.(locale) : undefined });
    },
  };

}

export type TransfersService = ReturnType<typeof createTransfersService>;
