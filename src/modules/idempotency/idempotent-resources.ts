/**
 * What other modules use of Idempotency-Key handling (docs/domain.md §4): the
 * resource a kept answer is about, and forgetting those answers.
 */
import type { Executor, Tx } from '../../core/db.js';
import { requestScope } from '../../core/request-context.js';
import { forgetAnswersAbout } from './idempotency.repository.js';

/** The kinds of resource whose stored answers may have to be forgotten with them. */
export type IdempotentResourceKind = 'participant';

const resourceName = (kind: IdempotentResourceKind, id: number) => `${kind}:${id}`;

/**
 * The answers kept for Idempotency-Key replays, by the resource they are
 * about: a use case names the resource it made, and can later forget every
 * kept answer about it, without knowing routes or the answers' text.
 */
export function createIdempotencyResources() {
  return {
    /**
     * Inside the write transaction of a use case: the answer kept for this
     * request (if it carries an Idempotency-Key) is about this resource.
     */
    async about(tx: Tx, kind: IdempotentResourceKind, id: number): Promise<void> {
      await requestScope.getStore()?.idempotency?.about(tx, resourceName(kind, id));
    },

    /**
     * Drops the kept answers about one resource (used on erasure of personal
     * data). The keys stay, so a replay still never applies twice: it answers
     * 409 idempotency.outcome_unknown instead.
     */
    forgetResource(tx: Executor, kind: IdempotentResourceKind, id: number): Promise<number> {
      return forgetAnswersAbout(tx, resourceName(kind, id));
    },
  };
}

export type IdempotencyResources = ReturnType<typeof createIdempotencyResources>;
