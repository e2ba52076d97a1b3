import type { Clock } from '../../core/clock.js';
import { isUniqueViolation, writeTransaction, type Db, type Executor, type Tx } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import type { Locale, LocaleMessages } from '../../core/i18n.js';
import { assertDrawable } from '../../core/pdf/fonts.js';
import { appendAuditEvent } from '../audit-log/audit.repository.js';
import { applyDeviceChange, assertAllowed, drivesAtFault } from '../devices/device-change.js';
import type { DeviceUseCase } from '../devices/device-use-case.js';
import type { Actor } from '../users/users.service.js';
import {
  addBulkLine,
  addShipmentDevice,
  amendmentsOfShipment,
  bulkLinesOfShipment,
  devicesOfShipment,
  findRecycler,
  findShipment,
  insertAmendment,
  insertRecycler,
  insertShipment,
  listRecyclers,
  listShipments,
  removeBulkLine,
  removeShipmentDevice,
  shipmentOfDevice,
  updateShipment,
  type RecyclerRow,
  type ShipmentRow,
} from './recycling.repository.js';
import type { AmendShipmentBody, AmendmentValue, CreateShipmentBody, Shipment } from './recycling.schemas.js';
import { receivedAtProblem, shippedAtProblem } from './shipment-dates.js';
import { shipmentRecords } from './recycling.records.js';
import { mapInOrder } from '../../core/in-order.js';
import { listScope, sees, type AskedSite, type SiteViewer } from '../sites/site-scope.js';

/** The renderer this module draws its manifest with: the documents module's client, wired by the composition root. */
export interface ManifestDocuments {
  render(task: { kind: 'manifest'; shipment: Shipment; org: { organizationName: string; siteName: string }; printedAt: Date; locale?: Locale | undefined; messages?: LocaleMessages | undefined }): Promise<Buffer>;
}

export function createRecyclingService(deps: { db: Db; clock: Clock; deviceUseCase: DeviceUseCase; documents: ManifestDocuments; organizationName: string; /** A site by id: a shipment answers its code, its manifest prints its name, its dates are on its time zone's calendar. */ site: (siteId: number) => Promise<{ code: string; name: string; timezone: string }>; /** The site a list's `site=` names (sites.service.ts asked). */ askedSite: AskedSite; /** The reviewed text of a language (database over shipped files): the manifest is drawn with it. */ messagesFor?: ((locale: Locale) => Promise<LocaleMessages | undefined>) | undefined }) {
  const { db, clock } = deps;
  const { resolve, loadState } = deps.deviceUseCase;

  async function view(s: ShipmentRow): Promise<Shipment> {
    const recycler = (await findRecycler(db, s.recyclerId))!;
    const devs = await devicesOfShipment(db, s.id);
    const bulk = await bulkLinesOfShipment(db, s.id);
    const deviceGrams = devs.reduce((n, d) => n + d.weightGrams, 0);
    const bulkGrams = bulk.reduce((n, b) => n + b.weightGrams, 0);
    return {
      ...s,
      site: (await deps.site(s.siteId)).code,
      recycler,
      devices: devs.map((d) => ({ assetTag: d.assetTag, category: d.category, weightGrams: d.weightGrams, weightSource: d.weightSource })),
      bulkLines: bulk.map((b) => ({ id: b.id, category: b.category, weightGrams: b.weightGrams, units: b.units })),
      totals: { deviceUnits: devs.length, deviceGrams, bulkGrams, grams: deviceGrams + bulkGrams },
      amendments: await amendmentsOfShipment(db, s.id),
    };
  }

  /** Another site's shipment is none, as another site's device is (docs/domain.md §8). Inside a transaction, read through it. */
  async function mustFind(id: number, viewer: SiteViewer, executor: Executor = db): Promise<ShipmentRow> {
    const s = await findShipment(executor, id);
    if (!s || !sees(viewer, s.siteId)) throw new AppError('shipments.not_found', `No shipment ${id}.`);
    return s;
  }

  function assertOpen(s: ShipmentRow): void {
    if (s.status !== 'open') throw new AppError('shipments.frozen', `Shipment ${s.id} is ${s.status}: its lines can no longer change.`, { extra: { shipmentStatus: s.status } });
  }

  const invalid = (field: string, detail: string, message: string) => new AppError('request.invalid', detail, { errors: [{ field, message }] });

  const audit = (tx: Tx, actor: Actor, id: number, action: string, details: Record<string, unknown>, at: string) =>
    // The shipment is hashed with its lines and amendments on every event: a line slipped in or out shows.
    appendAuditEvent(tx, { entityType: 'shipment', entityId: String(id), action, actorUserId: actor.id, at, details, records: [{ source: shipmentRecords, id }] });

  return {
    async createRecycler(actor: Actor, body: { name: string; certification: RecyclerRow['certification']; certificateExpiry?: string | undefined; address?: string | undefined }): Promise<RecyclerRow> {
      const at = clock.now().toISOString();
      try {
        return await writeTransaction(db, async (tx) => {
          const r = await insertRecycler(tx, { name: body.name, certification: body.certification, certificateExpiry: body.certificateExpiry ?? null, address: body.address ?? null, createdAt: at });
          await appendAuditEvent(tx, { entityType: 'recycler', entityId: String(r.id), action: 'recycler.created', actorUserId: actor.id, at, details: { ...body } });
          return r;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('recyclers.name_taken', `A recycler named ${body.name} exists.`);
        throw err;
      }
    },

    recyclers: () => listRecyclers(db),

    async create(actor: Actor, body: CreateShipmentBody): Promise<Shipment> {
      const at = clock.now().toISOString();
      if (!await findRecycler(db, body.recyclerId)) {
        throw new AppError('recyclers.not_found', `No recycler ${body.recyclerId}.`, { errors: [{ field: 'recyclerId', message: 'no such recycler' }] });
      }
      const s = await writeTransaction(db, async (tx) => {
        const row = await insertShipment(tx, {
          siteId: actor.siteId,
          recyclerId: body.recyclerId,
          mode: body.mode,
          carrier: body.carrier ?? null,
          containerNumber: body.containerNumber ?? null,
          sealNumber: body.sealNumber ?? null,
          billOfLading: body.billOfLading ?? null,
          status: 'open',
          createdBy: actor.id,
          createdAt: at,
        });
        await audit(tx, actor, row.id, 'shipment.created', { recyclerId: body.recyclerId, mode: body.mode }, at);
        return row;
      });
      return view(s);
    },

    get: async (viewer: SiteViewer, id: number): Promise<Shipment> => view(await mustFind(id, viewer)),
    /** The viewer's site's shipments; every site's, or the one named, for admins and program officers. */
    async list(viewer: SiteViewer, status?: ShipmentRow['status'], site?: string): Promise<Shipment[]> {
      const scope = listScope(viewer, await deps.askedSite(site));
      if (scope === 'none') return [];
      return mapInOrder(await listShipments(db, status, scope), view);
    },

    /** Scanned in: only devices awaiting recycling that are sanitized or hold no storage (docs/domain.md §2 invariant 2). */
    async addDevice(actor: Actor, id: number, ref: string): Promise<Shipment> {
      const at = clock.now().toISOString();
      try {
        await writeTransaction(db, async (tx) => {
          const s = await mustFind(id, actor, tx);
          assertOpen(s);
          const device = await resolve(ref, actor);
          // A shipment leaves from one site: an admin who sees every site still ships each site's devices from it.
          if (device.siteId !== s.siteId) {
            throw new AppError('shipments.other_site', `${device.assetTag} is held by another site than shipment ${id}'s; transfer it there first.`, { extra: { assetTag: device.assetTag } });
          }
          if (device.status !== 'awaiting_recycling') {
            throw new AppError('devices.invalid_transition', `${device.assetTag} is ${device.status}; designate it for recycling first.`, {
              extra: { currentStatus: device.status, action: 'ship' },
            });
          }
          const facts = (await loadState(device)).facts;
          if (!facts.sanitized) {
            const { detail, drives } = drivesAtFault(device.assetTag, facts);
            throw new AppError('shipments.device_not_sanitized', `${detail} Wipe or destroy them first.`, { extra: { drives } });
          }
          const other = await shipmentOfDevice(tx, device.id);
          if (other !== undefined) throw new AppError('shipments.device_already_added', `${device.assetTag} is on shipment ${other}.`, { extra: { shipmentId: other } });
          await addShipmentDevice(tx, { shipmentId: id, deviceId: device.id, addedBy: actor.id, addedAt: at });
          await audit(tx, actor, id, 'shipment.device_added', { assetTag: device.assetTag, weightGrams: device.weightGrams }, at);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('shipments.device_already_added', 'The device is already on a shipment.');
        throw err;
      }
      return view(await mustFind(id, actor));
    },

    async addBulkLine(actor: Actor, id: number, body: { category: string; weightGrams: number; units?: number | undefined }): Promise<Shipment> {
      const at = clock.now().toISOString();
      await writeTransaction(db, async (tx) => {
        assertOpen(await mustFind(id, actor, tx));
        await addBulkLine(tx, { shipmentId: id, category: body.category, weightGrams: body.weightGrams, units: body.units ?? null, addedBy: actor.id, addedAt: at });
        await audit(tx, actor, id, 'shipment.bulk_line_added', { ...body }, at);
      });
      return view(await mustFind(id, actor));
    },

    /**
     * Takes a device back off an open shipment (scanned by mistake, or kept
     * back). Its status never changed when it was added, so it stays
     * awaiting_recycling; the shipment's event names the tag and is hashed
     * with the lines that remain. Once shipped, lines never change.
     */
    async removeDevice(actor: Actor, id: number, ref: string): Promise<Shipment> {
      const at = clock.now().toISOString();
      await writeTransaction(db, async (tx) => {
        assertOpen(await mustFind(id, actor, tx));
        const device = await resolve(ref, actor);
        if (!await removeShipmentDevice(tx, id, device.id)) {
          throw new AppError('shipments.line_not_found', `${device.assetTag} is not on shipment ${id}.`, { extra: { assetTag: device.assetTag } });
        }
        await audit(tx, actor, id, 'shipment.device_removed', { assetTag: device.assetTag, weightGrams: device.weightGrams }, at);
      });
      return view(await mustFind(id, actor));
    },

    /** Takes a bulk line off an open shipment; the event keeps what the line said. */
    async removeBulkLine(actor: Actor, id: number, lineId: number): Promise<Shipment> {
      const at = clock.now().toISOString();
      await writeTransaction(db, async (tx) => {
        assertOpen(await mustFind(id, actor, tx));
        const line = await removeBulkLine(tx, id, lineId);
        if (!line) throw new AppError('shipments.line_not_found', `Shipment ${id} has no bulk line ${lineId}.`, { extra: { lineId } });
        await audit(tx, actor, id, 'shipment.bulk_line_removed', { lineId, category: line.category, weightGrams: line.weightGrams, units: line.units }, at);
      });
      return view(await mustFind(id, actor));
    },

    /** The shipment leaves: its devices become recycled, each with one history event, and the shipment freezes. */
    async ship(actor: Actor, id: number, shippedAt: string | undefined): Promise<Shipment> {
      const at = clock.now().toISOString();
      await writeTransaction(db, async (tx) => {
        const s = await mustFind(id, actor, tx);
        assertOpen(s);
        const devs = await devicesOfShipment(tx, id);
        if (devs.length === 0 && (await bulkLinesOfShipment(tx, id)).length === 0) throw new AppError('shipments.empty', `Shipment ${id} has no lines.`);
        for (const device of devs) {
          const state = await loadState(device);
          // Invariant 2 again at the door: a drive registered since it was scanned in must have passed too.
          if (!state.facts.sanitized) {
            const { detail, drives } = drivesAtFault(device.assetTag, state.facts);
            throw new AppError('shipments.device_not_sanitized', detail, { extra: { drives } });
          }
          assertAllowed(actor, 'ship', device, state.facts);
          await applyDeviceChange(tx, { device, actor, event: 'device.shipped', toStatus: 'recycled', details: { shipmentId: id, recyclerId: s.recyclerId }, at });
        }
        const when = shippedAt ? new Date(shippedAt).toISOString() : at;
        const problem = shippedAtProblem(when, s, clock.now(), (await deps.site(s.siteId)).timezone);
        if (problem) throw invalid('shippedAt', `shippedAt is ${problem}.`, problem);
        if (!await updateShipment(tx, id, 'open', { status: 'shipped', shippedAt: when })) throw new AppError('shipments.frozen', `Shipment ${id} changed meanwhile.`);
        await audit(tx, actor, id, 'shipment.shipped', { devices: devs.length, shippedAt: when }, at);
      });
      return view(await mustFind(id, actor));
    },

    async confirm(actor: Actor, id: number, body: { certificateNumber: string; receivedAt: string; receivedWeightGrams?: number | undefined }): Promise<Shipment> {
      const at = clock.now().toISOString();
      await writeTransaction(db, async (tx) => {
        const s = await mustFind(id, actor, tx);
        if (s.status === 'open') throw new AppError('shipments.not_shipped', `Shipment ${id} has not been shipped yet.`);
        if (s.status === 'confirmed') throw new AppError('shipments.frozen', `Shipment ${id} was already confirmed.`);
        const problem = receivedAtProblem(body.receivedAt, s, clock.now(), (await deps.site(s.siteId)).timezone);
        if (problem) throw invalid('receivedAt', `receivedAt is ${problem}.`, problem);
        const ok = await updateShipment(tx, id, 'shipped', {
          status: 'confirmed',
          confirmedAt: at,
          certificateNumber: body.certificateNumber,
          receivedAt: body.receivedAt,
          receivedWeightGrams: body.receivedWeightGrams ?? null,
        });
        if (!ok) throw new AppError('shipments.frozen', `Shipment ${id} changed meanwhile.`);
        await audit(tx, actor, id, 'shipment.confirmed', { ...body }, at);
      });
      return view(await mustFind(id, actor));
    },

    /**
     * An admin corrects one field of a confirmed shipment (docs/domain.md §6). The row
     * takes the new value; the amendment row and the audit event keep the value
     * it replaced, all in one transaction. Dates keep the rules of ship and
     * confirm, checked against the shipment's other, current, dates.
     */
    async amend(actor: Actor, id: number, body: AmendShipmentBody): Promise<Shipment> {
      const at = clock.now().toISOString();
      await writeTransaction(db, async (tx) => {
        const s = await findShipment(tx, id);
        if (!s) throw new AppError('shipments.not_found', `No shipment ${id}.`);
        if (s.status !== 'confirmed') {
          throw new AppError('shipments.not_confirmed', `Shipment ${id} is ${s.status}: until the recycler's certificate is recorded, its own routes change it.`, { extra: { shipmentStatus: s.status } });
        }
        // Drawn on the manifest: text no embedded font can draw would make it unprintable from now on.
        assertDrawable({ reason: body.reason, ...(typeof body.value === 'string' ? { value: body.value } : {}) }, 'body');
        let to: AmendmentValue = body.value;
        let problem: string | null = null;
        if (body.field === 'shippedAt') {
          to = new Date(body.value).toISOString();
          problem = shippedAtProblem(to, s, clock.now(), (await deps.site(s.siteId)).timezone);
        } else if (body.field === 'receivedAt') problem = receivedAtProblem(body.value, s, clock.now(), (await deps.site(s.siteId)).timezone);
        if (problem) throw invalid('value', `${body.field} would be ${problem}.`, problem);
        const from: AmendmentValue = s[body.field];
        if (JSON.stringify(from) === JSON.stringify(to)) throw invalid('value', `${body.field} already holds this value: nothing to correct.`, 'equals the current value');

        if (!await updateShipment(tx, id, 'confirmed', { [body.field]: to })) throw new AppError('shipments.frozen', `Shipment ${id} changed meanwhile.`);
        const amendmentId = await insertAmendment(tx, { shipmentId: id, field: body.field, fromValue: JSON.stringify(from), toValue: JSON.stringify(to), reason: body.reason, amendedBy: actor.id, amendedAt: at });
        await audit(tx, actor, id, 'shipment.amended', { amendmentId, field: body.field, from, to, reason: body.reason }, at);
      });
      return view(await mustFind(id, actor));
    },

    async manifest(viewer: SiteViewer, id: number, locale?: Locale): Promise<Buffer> {
      const row = await mustFind(id, viewer);
      const s = await view(row);
      return deps.documents.render({ kind: 'manifest', shipment: s, org: { organizationName: deps.organizationName, siteName: (await deps.site(row.siteId)).name }, printedAt: clock.now(), locale, messages: locale ? await deps.messagesFor?.(locale) : undefined });
    },
  };
}

export type RecyclingService = ReturnType<typeof createRecyclingService>;
