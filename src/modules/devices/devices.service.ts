import { Readable } from 'node:stream';
import type { Clock } from '../../core/clock.js';
import { csvRow, UTF8_BOM } from '../../core/csv.js';
import { isUniqueViolation, writeTransaction, type Db, type Executor } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { decodeCursor, pageOf } from '../../core/pagination.js';
import type { AssetTagsService } from '../asset-tags/asset-tags.service.js';
import type { DonationsService } from '../donations/donations.service.js';
import { appendAuditEvent } from '../audit-log/audit.repository.js';
import { can } from '../auth/permissions.js';
import type { Actor } from '../users/users.service.js';
import { DEFAULT_WEIGHT_GRAMS, DEVICE_CATEGORIES, type DeviceCategory } from './category-weights.js';
import { roleMayDo, statusAllows } from './device-lifecycle.js';
import type { DeviceUseCase } from './device-use-case.js';
import { listScope, type AskedSite } from '../sites/site-scope.js';
import {
  deviceHistory,
  findDeviceBySerialKey,
  insertDevice,
  insertDrives,
  prepareDeviceList,
  prepareDrivesOfPage,
  serialKey,
  updateDeviceAtVersion,
  type DeviceRow,
  type DriveRow,
  type DeviceFilter,
} from './devices.repository.js';
import type { Device, IntakeDeviceBody, IntakeInput, ListDevicesQuery, UpdateDeviceBody } from './devices.schemas.js';
import { deviceRecords } from './devices.records.js';
import { mapInOrder } from '../../core/in-order.js';

const isCategory = (c: string): c is DeviceCategory => (DEVICE_CATEGORIES as readonly string[]).includes(c);

export function createDevicesService(deps: {
  db: Db;
  clock: Clock;
  assetTags: AssetTagsService;
  donations: DonationsService;
  deviceUseCase: DeviceUseCase;
  /** The site a list's `site=` names (sites.service.ts asked). */
  askedSite: AskedSite;
}) {
  const { db, clock } = deps;
  const { resolve, resolveState, loadState, view, inDeviceTransaction, driveStatesOfPage } = deps.deviceUseCase;
  // The list's reads, prepared once (docs/performance.md, "The filtered device list").
  const listDevices = prepareDeviceList(db);
  const drivesOf = prepareDrivesOfPage(db);

  /** A donation the actor's site took in (another site's is none to them, docs/domain.md §8). */
  async function assertDonation(tx: Executor, donationId: number | null | undefined, actor: Actor): Promise<void> {
    if (donationId !== undefined && donationId !== null && !await deps.donations.exists(tx, donationId, actor)) {
      throw new AppError('donations.not_found', `No donation with id ${donationId}.`, { errors: [{ field: 'donationId', message: 'no such donation' }] });
    }
  }

  async function assertSerialFree(tx: Executor, serial: string, exceptId?: number): Promise<void> {
    const other = await findDeviceBySerialKey(tx, serialKey(serial));
    if (other && other.id !== exceptId) {
      throw new AppError('devices.duplicate_serial', `Serial number ${serial} is already registered as ${other.assetTag}.`, {
        extra: { assetTag: other.assetTag },
      });
    }
  }

  async function completeFromAssetList(tx: Executor, input: IntakeInput): Promise<IntakeDeviceBody> {
    const listed = await deps.donations.expectedBySerial(tx, serialKey(input.serialNumber));
    // A donation named at intake wins over the list's; the list then fills nothing.
    const fill = listed && (input.donationId === undefined || input.donationId === listed.donationId) ? listed : undefined;
    const category = input.category ?? (fill?.category && isCategory(fill.category) ? fill.category : undefined);
    const make = input.make ?? fill?.make ?? undefined;
    const model = input.model ?? fill?.model ?? undefined;
    const missing = [category === undefined && 'category', make === undefined && 'make', model === undefined && 'model'].filter((f): f is string => f !== false);
    if (category === undefined || make === undefined || model === undefined) {
      throw new AppError('devices.incomplete_intake', `The intake lacks ${missing.join(', ')}, and no donor's asset list names serial number ${input.serialNumber}.`, {
        errors: missing.map((field) => ({ field, message: 'not given and not on an asset list' })),
      });
    }
    return { ...input, category, make, model, ...(fill && input.donationId === undefined ? { donationId: fill.donationId } : {}) };
  }

  /**
   * The list's filter with the site the viewer may list (docs/domain.md §8): `site` as asked for admins and program
   * officers (every site by default), the viewer's own site for everyone else; 'none' when they named another site.
   */
  async function siteFilter(query: ListDevicesQuery, viewer: Actor): Promise<DeviceFilter | 'none'> {
    const scope = listScope(viewer, await deps.askedSite(query.site));
    return scope === 'none' ? scope : { ...query, siteId: scope ?? undefined };
  }

  return {
    resolve,
    view,

    /**
     * A typed intake, or one from a hardware report (which may lack category, make or model). A serial on a donor's
     * asset list links the device to that donation and fills what the intake left empty (docs/imports.md).
     */
    async intake(actor: Actor, input: IntakeInput): Promise<Device> {
      const at = clock.now().toISOString();
      try {
        return await writeTransaction(db, async (tx) => {
          await assertDonation(tx, input.donationId, actor);
          await assertSerialFree(tx, input.serialNumber);
          // A donation taken from the list exists: the list's rows reference it.
          const body = await completeFromAssetList(tx, input);
          const assetTag = await deps.assetTags.assignForIntake(tx, actor, body.assetTag, at);
          const measured = body.weightGrams !== undefined;
          const row = await insertDevice(tx, {
            siteId: actor.siteId,
            assetTag,
            category: body.category,
            make: body.make,
            model: body.model,
            serialNumber: body.serialNumber,
            serialKey: serialKey(body.serialNumber),
            specs: body.specs ?? {},
            weightGrams: body.weightGrams ?? DEFAULT_WEIGHT_GRAMS[body.category],
            weightSource: measured ? 'measured' : 'category_default',
            donationId: body.donationId ?? null,
            location: body.location ?? null,
            notes: body.notes ?? null,
            status: 'received',
            cycleStartedAt: at,
            statusChangedAt: at,
            createdBy: actor.id,
            createdAt: at,
            updatedAt: at,
          });
          await insertDrives(
            tx,
            body.storage.map((d) => ({
              deviceId: row.id,
              serialNumber: d.serialNumber,
              kind: d.kind,
              capacityGb: d.capacityGb ?? null,
              model: d.model ?? null,
              registeredAt: at,
              registeredBy: actor.id,
            })),
          );
          await appendAuditEvent(tx, {
            entityType: 'device',
            entityId: assetTag,
            action: 'device.intake',
            fromStatus: null,
            toStatus: 'received',
            actorUserId: actor.id,
            at,
            details: {
              category: row.category,
              make: row.make,
              model: row.model,
              serialNumber: row.serialNumber,
              donationId: row.donationId,
              weightGrams: row.weightGrams,
              weightSource: row.weightSource,
              storage: body.storage.map((d) => ({ serialNumber: d.serialNumber, kind: d.kind })),
            },
            records: [{ source: deviceRecords, id: row.id }],
          });
          return view(row, actor.role);
        });
      } catch (err) {
        // Two intakes racing for one serial: the unique index decides.
        if (isUniqueViolation(err)) throw new AppError('devices.duplicate_serial', `Serial number ${input.serialNumber} is already registered.`);
        throw err;
      }
    },

    get: async (ref: string, viewer: Actor): Promise<Device> => deps.deviceUseCase.viewState(await resolveState(ref, viewer), viewer.role),

    async list(query: ListDevicesQuery, viewer: Actor): Promise<{ items: Device[]; nextCursor: string | null }> {
      const role = viewer.role;
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      const filter = await siteFilter(query, viewer);
      if (filter === 'none') return { items: [], nextCursor: null };
      const { page, nextCursor } = pageOf(await listDevices(filter, after, query.limit + 1, query.sort), query.limit, (r) => r.id);
      const drives = await drivesOf(page.map((r) => r.id));
      const byDevice = new Map<number, DriveRow[]>();
      for (const d of drives) {
        const list = byDevice.get(d.deviceId);
        if (list) list.push(d);
        else byDevice.set(d.deviceId, [d]);
      }
      // The drives' sanitization states of the whole page in one read, not one per device.
      const states = await driveStatesOfPage(page.filter((r) => byDevice.has(r.id)));
      return {
        items: await mapInOrder(page, async (r) => deps.deviceUseCase.viewState(await loadState(r, byDevice.get(r.id) ?? [], states.get(r.id) ?? new Map()), role)),
        nextCursor,
      };
    },

    /**
     * Every matching device as CSV, read in pages while the response streams,
     * so a large inventory never sits whole in memory.
     */
    async csvStream(query: ListDevicesQuery, viewer: Actor): Promise<Readable> {
      const filter = await siteFilter(query, viewer);
      const header = ['assetTag', 'category', 'make', 'model', 'serialNumber', 'status', 'grade', 'gradedAt', 'weightGrams', 'weightSource', 'donationId', 'location', 'notes', 'cpu', 'ramGb', 'storageGb', 'screenInches', 'os', 'custodyCycle', 'statusChangedAt', 'createdAt', 'updatedAt'];
      async function* chunks(): AsyncGenerator<string> {
        yield (query.bom ? UTF8_BOM : '') + csvRow(header);
        let after: number | null = null;
        if (filter === 'none') return;
        for (;;) {
          const page = await listDevices(filter, after, 1000, query.sort);
          if (page.length === 0) return;
          let out = '';
          for (const d of page) {
            out += csvRow([d.assetTag, d.category, d.make, d.model, d.serialNumber, d.status, d.grade, d.gradedAt, d.weightGrams, d.weightSource, d.donationId, d.location, d.notes, d.specs.cpu, d.specs.ramGb, d.specs.storageGb, d.specs.screenInches, d.specs.os, d.custodyCycle, d.statusChangedAt, d.createdAt, d.updatedAt]);
          }
          yield out;
          after = page[page.length - 1]!.id;
        }
      }
      return Readable.from(chunks());
    },

    /** Metadata only; the status never changes here. Needs the version the caller read, or 'any' to edit whatever is there. */
    async update(actor: Actor, ref: string, expected: number | 'any', body: UpdateDeviceBody): Promise<Device> {
      try {
        return await inDeviceTransaction(actor, ref, async ({ tx, device: current, at, view: answer }) => {
          if (expected !== 'any' && expected !== current.version) {
            throw new AppError('devices.version_mismatch', `The device is at version ${current.version}; read it again.`, { currentVersion: current.version });
          }
          if (!roleMayDo(actor.role, 'update')) throw new AppError('auth.forbidden');
          // Metadata edits close once the device has left custody: a matter of its status alone.
          if (!statusAllows('update', current.status)) {
            throw new AppError('devices.invalid_transition', `A ${current.status} device cannot be edited.`, {
              extra: { currentStatus: current.status, action: 'update' },
            });
          }
          if (body.serialNumber !== undefined) await assertSerialFree(tx, body.serialNumber, current.id);
          await assertDonation(tx, body.donationId, actor);

          const next: Partial<DeviceRow> = {};
          const changes: Record<string, { from: unknown; to: unknown }> = {};
          const set = <K extends keyof DeviceRow>(key: K, value: DeviceRow[K]) => {
            if (JSON.stringify(current[key]) === JSON.stringify(value)) return;
            next[key] = value;
            changes[key] = { from: current[key], to: value };
          };
          if (body.category !== undefined) set('category', body.category);
          if (body.make !== undefined) set('make', body.make);
          if (body.model !== undefined) set('model', body.model);
          if (body.serialNumber !== undefined) {
            set('serialNumber', body.serialNumber);
            next.serialKey = serialKey(body.serialNumber);
          }
          if (body.donationId !== undefined) set('donationId', body.donationId);
          if (body.specs !== undefined) set('specs', body.specs);
          if (body.location !== undefined) set('location', body.location);
          if (body.notes !== undefined) set('notes', body.notes);
          if (body.weightGrams !== undefined) {
            set('weightGrams', body.weightGrams);
            set('weightSource', 'measured');
          } else if (body.category !== undefined && current.weightSource === 'category_default') {
            set('weightGrams', DEFAULT_WEIGHT_GRAMS[body.category]);
          }
          if (Object.keys(changes).length === 0) return answer(current);

          const row = await updateDeviceAtVersion(tx, current.id, current.version, { ...next, updatedAt: at });
          if (!row) throw new AppError('devices.version_mismatch', 'The device changed while you were editing it; read it again.');
          await appendAuditEvent(tx, {
            entityType: 'device',
            entityId: row.assetTag,
            action: 'device.updated',
            fromStatus: current.status,
            toStatus: row.status,
            actorUserId: actor.id,
            at,
            details: { changes },
            records: [{ source: deviceRecords, id: row.id }],
          });
          return answer(row);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('devices.duplicate_serial', `Serial number ${body.serialNumber ?? ''} is already registered.`);
        throw err;
      }
    },

    /** Oldest first. Who held the device (participant code, community) only for the roles that work with participants. */
    async history(ref: string, viewer: Actor) {
      const role = viewer.role;
      const row = await resolve(ref, viewer);
      const seesParticipants = can(role, 'devices:read-holders');
      const shown = (details: Record<string, unknown>) => {
        if (seesParticipants) return details;
        return Object.fromEntries(Object.entries(details).filter(([key]) => key !== 'participantCode' && key !== 'community'));
      };
      return {
        assetTag: row.assetTag,
        events: (await deviceHistory(db, row.assetTag)).map((e) => ({
          id: e.id,
          at: e.at,
          action: e.action,
          fromStatus: e.fromStatus,
          toStatus: e.toStatus,
          actor: e.actorId === null ? null : { id: e.actorId, username: e.actorUsername ?? '' },
          details: shown(JSON.parse(e.details) as Record<string, unknown>),
        })),
      };
    },
  };
}

export type DevicesService = ReturnType<typeof createDevicesService>;
