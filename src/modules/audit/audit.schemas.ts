import { z } from 'zod';
import { ANCHOR_PATTERN } from './anchors.js';
import { BREAK_REASONS } from './audit.service.js';
import { RECORD_TABLES } from './record-hashes.js';

export const VerifyQuery = z.strictObject({
  anchor: z.string().max(100).regex(ANCHOR_PATTERN, 'must be <event id>:<64 lowercase hex digits>').optional(),
});

const Reason = z.enum(BREAK_REASONS);

export const VerifyResponse = z.union([
  z.object({ ok: z.literal(true), events: z.number().int(), head: z.object({ id: z.number().int(), hash: z.string() }) }),
  z.object({
    ok: z.literal(false),
    events: z.number().int(),
    brokenAt: z.object({ id: z.number().int(), reason: Reason }),
    reason: Reason,
    record: z.object({ table: z.enum(RECORD_TABLES), id: z.number().int() }).optional(),
  }),
]);
