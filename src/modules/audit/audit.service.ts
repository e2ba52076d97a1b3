import { autoincrementHighWater, type Db } from '../../core/db.js';
import { GENESIS_HASH, chainHash, iterateEvents } from './audit.repository.js';

export type VerifyResult =
  | { ok: true; events: number; head: string }
  | { ok: false; events: number; brokenAt: { id: number; reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'id_gap' | 'truncated' } };

export function createAuditService(deps: { db: Db }) {
  return {
    /** Recomputes the whole chain and reports the first event that does not fit. */
    verify(): VerifyResult {
      let prev = GENESIS_HASH;
      let expectedId = 1;
      let count = 0;
      for (const e of iterateEvents(deps.db)) {
        if (e.id !== expectedId) return { ok: false, events: count, brokenAt: { id: e.id, reason: 'id_gap' } };
        if (e.prevHash !== prev) return { ok: false, events: count, brokenAt: { id: e.id, reason: 'prev_hash_mismatch' } };
        if (chainHash(prev, e) !== e.hash) return { ok: false, events: count, brokenAt: { id: e.id, reason: 'hash_mismatch' } };
        prev = e.hash;
        expectedId += 1;
        count += 1;
      }
      // Events cut from the end leave no gap; the id counter still remembers them.
      if (autoincrementHighWater(deps.db, 'audit_events') > count) {
        return { ok: false, events: count, brokenAt: { id: count + 1, reason: 'truncated' } };
      }
      return { ok: true, events: count, head: prev };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
