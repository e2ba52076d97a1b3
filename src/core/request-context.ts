import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Per-request state that the transaction helper needs without threading it
 * through every service: the Idempotency-Key of the request, so that the key
 * is recorded in the same transaction as the effect it guards.
 */
export interface IdempotencyScope {
  /**
   * Called inside the first write transaction of the request, with that
   * transaction (db.ts's Tx; not named here, since db.ts imports this file).
   */
  record(tx: unknown): Promise<void>;
  /**
   * Called first in that transaction, once it holds the write lock: throws if
   * another instance committed the key meanwhile (PostgreSQL, several
   * instances), so the request does not run its effect a second time.
   */
  claim(tx: unknown): Promise<void>;
  recorded: boolean;
  /** Names the resource the request's stored answer is about (`participant:42`), in the transaction that makes it. */
  about(tx: unknown, resource: string): Promise<void>;
}

export interface RequestScope {
  idempotency?: IdempotencyScope | undefined;
  idempotencyRow?: { userId: number; route: string; key: string } | undefined;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();
