import { z } from 'zod';
import { IsoDate } from '../donations/donations.schemas.js';
import { CERTIFICATIONS, SHIPMENT_MODES, SHIPMENT_STATUSES } from './recycling.table.js';

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
  recyclerId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
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
/** The body is optional: Fastify hands an empty POST over as null. */
export const ShipBody = z.strictObject({ shippedAt: z.iso.datetime({ offset: true }).optional() }).nullish();
export const ConfirmBody = z.strictObject({
  certificateNumber: Text(100),
  receivedAt: IsoDate,
  receivedWeightGrams: z.number().int().min(0).max(1_000_000_000).optional(),
});
export const ShipmentParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const Shipment = z.object({
  id: z.number().int(),
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
});
export type Shipment = z.infer<typeof Shipment>;
export const ShipmentEnvelope = z.object({ shipment: Shipment });
export const ListShipmentsQuery = z.strictObject({ status: z.enum(SHIPMENT_STATUSES).optional() });
export const ShipmentList = z.object({ items: z.array(Shipment) });
