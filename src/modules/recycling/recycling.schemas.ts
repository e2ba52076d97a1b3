import { ListSite } from '../sites/sites.schemas.js';
import { z } from 'zod';
import { IsoDate } from '../donations/donations.schemas.js';
import { CERTIFICATIONS, SHIPMENT_MODES, SHIPMENT_STATUSES } from './recycling.table.js';
import { DOCUMENT_LOCALES } from '../../core/i18n.js';
import { MAX_ID } from '../../core/pagination.js';

const Text = (max: number) => z.string().trim().min(1).max(max);

export const CreateRecyclerBody = z.strictObject({
  name: Text(200),
  certification: z.enum(CERTIFICATIONS),
  certificateExpiry: IsoDate.optional(),
  address: Text(500).optional(),
});
export const Recycler = z.object({
  id: z.number().int(),
  name: z.string(),
  certification: z.enum(CERTIFICATIONS),
  certificateExpiry: z.string().nullable(),
  address: z.string().nullable(),
  createdAt: z.string(),
});
export const RecyclerEnvelope = z.object({ recycler: Recycler });
export const RecyclerList = z.object({ items: z.array(Recycler) });

export const CreateShipmentBody = z.strictObject({
  recyclerId: z.number().int().positive().max(MAX_ID),
  mode: z.enum(SHIPMENT_MODES),
  carrier: Text(200).optional(),
  containerNumber: Text(50).optional(),
  sealNumber: Text(50).optional(),
  billOfLading: Text(100).optional(),
});
export type CreateShipmentBody = z.infer<typeof CreateShipmentBody>;
export const AddDeviceBody = z.strictObject({ assetTag: z.string().trim().min(1).max(100) });
export const BulkLineBody = z.strictObject({
  category: Text(100),
  weightGrams: z.number().int().min(1).max(100_000_000),
  units: z.number().int().min(0).max(1_000_000).optional(),
});
const ShippedAt = z.iso.datetime({ offset: true });
/** The body is optional: Fastify hands an empty POST over as null. */
export const ShipBody = z.strictObject({ shippedAt: ShippedAt.optional() }).nullish();
const CertificateNumber = Text(100);
const ReceivedWeightGrams = z.number().int().min(0).max(1_000_000_000);
export const ConfirmBody = z.strictObject({
  certificateNumber: CertificateNumber,
  receivedAt: IsoDate,
  receivedWeightGrams: ReceivedWeightGrams.optional(),
});

/**
 * An admin correction of one field of a confirmed shipment (docs/domain.md §6). Each
 * field takes the value rules it has at creation or confirmation, so a bad
 * value is named `body.value`; a field that was optional there may be
 * cleared with null. The date rules that depend on the shipment (ship and
 * received dates) are checked by the service.
 */
export const AMENDABLE_FIELDS = ['receivedAt', 'certificateNumber', 'receivedWeightGrams', 'shippedAt', 'carrier', 'containerNumber', 'sealNumber', 'billOfLading'] as const;
export type AmendableField = (typeof AMENDABLE_FIELDS)[number];
const Reason = Text(500);
const amendment = <F extends AmendableField, V extends z.ZodType>(field: F, value: V) => z.strictObject({ field: z.literal(field), value, reason: Reason });
export const AmendShipmentBody = z.discriminatedUnion('field', [
  amendment('receivedAt', IsoDate),
  amendment('certificateNumber', CertificateNumber),
  amendment('receivedWeightGrams', ReceivedWeightGrams.nullable()),
  amendment('shippedAt', ShippedAt),
  amendment('carrier', CreateShipmentBody.shape.carrier.unwrap().nullable()),
  amendment('containerNumber', CreateShipmentBody.shape.containerNumber.unwrap().nullable()),
  amendment('sealNumber', CreateShipmentBody.shape.sealNumber.unwrap().nullable()),
  amendment('billOfLading', CreateShipmentBody.shape.billOfLading.unwrap().nullable()),
]);
export type AmendShipmentBody = z.infer<typeof AmendShipmentBody>;
export type AmendmentValue = AmendShipmentBody['value'];

const AmendedValue = z.union([z.string(), z.number(), z.null()]);
export const ShipmentAmendment = z.object({
  id: z.number().int(),
  field: z.enum(AMENDABLE_FIELDS),
  /** The value the shipment held before this amendment, and the one it took. */
  from: AmendedValue,
  to: AmendedValue,
  reason: z.string(),
  amendedBy: z.object({ id: z.number().int(), username: z.string() }),
  amendedAt: z.string(),
});
export type ShipmentAmendment = z.infer<typeof ShipmentAmendment>;
export const ShipmentParams = z.strictObject({ id: z.coerce.number().int().positive().max(MAX_ID) });
export const ShipmentDeviceParams = z.strictObject({ id: ShipmentParams.shape.id, tag: z.string().trim().min(1).max(100) });
export const ShipmentBulkLineParams = z.strictObject({ id: ShipmentParams.shape.id, lineId: z.coerce.number().int().positive().max(MAX_ID) });

export const Shipment = z.object({
  id: z.number().int(),
  /** The code of the site it leaves from. */
  site: z.string(),
  recycler: Recycler,
  mode: z.enum(SHIPMENT_MODES),
  carrier: z.string().nullable(),
  containerNumber: z.string().nullable(),
  sealNumber: z.string().nullable(),
  billOfLading: z.string().nullable(),
  status: z.enum(SHIPMENT_STATUSES),
  createdAt: z.string(),
  shippedAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  certificateNumber: z.string().nullable(),
  receivedAt: z.string().nullable(),
  receivedWeightGrams: z.number().int().nullable(),
  devices: z.array(z.object({ assetTag: z.string(), category: z.string(), weightGrams: z.number().int(), weightSource: z.string() })),
  bulkLines: z.array(z.object({ id: z.number().int(), category: z.string(), weightGrams: z.number().int(), units: z.number().int().nullable() })),
  totals: z.object({ deviceUnits: z.number().int(), deviceGrams: z.number().int(), bulkGrams: z.number().int(), grams: z.number().int() }),
  /** Admin corrections after confirmation, oldest first: each keeps the value it replaced. */
  amendments: z.array(ShipmentAmendment),
});
export type Shipment = z.infer<typeof Shipment>;
export const ShipmentEnvelope = z.object({ shipment: Shipment });
/** The manifest's language: English unless asked (`en-XA` checks the document, docs/translation.md). */
export const ManifestQuery = z.strictObject({ lang: z.enum(DOCUMENT_LOCALES).default('en') });

export const ListShipmentsQuery = z.strictObject({ status: z.enum(SHIPMENT_STATUSES).optional(), site: ListSite });
export const ShipmentList = z.object({ items: z.array(Shipment) });
