/**
 * Telling every instance on one database that what it remembers has changed
 * (docs/postgresql.md "Several instances"), so that a short in-memory cache
 * (the sessions of src/modules/users) can be kept without ever outliving a
 * revocation made on another instance.
 *
 * On SQLite there is one process: nothing to tell, and the cache's owner
 * clears it itself. On PostgreSQL each instance LISTENs on one channel. A
 * change is announced by `pg_notify` inside the transaction that makes it,
 * so the notice and the change commit together. What makes "at once" exact
 * is a lease:
 *
 * - each instance NOTIFYs itself a ping every PING_MS on its listening
 *   connection and notes when it sent each one;
 * - PostgreSQL delivers notices to a listener in the order their
 *   transactions committed, so once a ping sent at time s is heard, every
 *   change committed before s has been heard too;
 * - an instance trusts what it remembers only while the last ping it heard
 *   was sent less than LEASE_MS ago (`trusted()`);
 * - the instance that made a change answers only LEASE_MS after the commit
 *   (`settled()`).
 *
 * So a request that reaches any instance after the change was answered finds
 * that instance either no longer trusting its memory, or having heard the
 * change: never serving what the change revoked. A lost listening connection
 * stops the pings, so the instance stops trusting within LEASE_MS and asks
 * the database until it is back.
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { engineOf, postgresPoolOf, selectRows, type Db, type Executor } from './db.js';

export interface ChangeNotices {
  /** This instance's name among those listening (its listening connection's application_name ends with it). */
  readonly instance: string;
  /** Whether memory checked earlier may be used now. */
  trusted(): boolean;
  /** Moves on every change heard: an entry remembered under another generation is not used. */
  generation(): number;
  /** Inside the transaction that makes a change: every instance hears of it when it commits. */
  announce(tx: Executor): Promise<void>;
  /** After that transaction committed: resolves once no instance can still trust what it remembered before. */
  settled(): Promise<void>;
  /** Starts listening (a server; a one-off script never trusts, and still announces). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** One process on one SQLite file: always trusted; its owner forgets on each change itself. */
export const localChangeNotices = (): ChangeNotices => ({
  instance: 'local',
  trusted: () => true,
  generation: () => 0,
  announce: async () => undefined,
  settled: async () => undefined,
  start: async () => undefined,
  close: async () => undefined,
});

export const CHANGE_CHANNEL = 'refurb_changes';
/** The listening connection's application_name, before the instance's name (pg_stat_activity shows it). */
export const LISTENER_NAME = 'refurb-notices';
export const LEASE_MS = 500;
export const PING_MS = 100;
/** Waited beyond the lease by the instance that made a change: timers' rounding, and clocks that run at slightly different rates. */
const SETTLE_MARGIN_MS = 5;

export interface PostgresNoticeOptions {
  leaseMs?: number;
  pingMs?: number;
  /** Elapsed time in ms (a monotonic clock; not the app's clock, which tests stop). */
  now?: () => number;
  /** Where the loss and the return of the listening connection are told (the server's log). */
  log?: NoticeLog | undefined;
}

export interface NoticeLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export function changeNoticesFor(db: Db, options: PostgresNoticeOptions = {}): ChangeNotices {
  return engineOf(db) === 'postgres' ? postgresChangeNotices(db, options) : localChangeNotices();
}

function postgresChangeNotices(db: Db, options: PostgresNoticeOptions): ChangeNotices {
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const pingMs = options.pingMs ?? PING_MS;
  const now = options.now ?? (() => performance.now());
  const me = crypto.randomBytes(6).toString('hex');
  /** When each ping still unheard was sent, by its number. */
  const sent = new Map<number, number>();
  let seq = 0;
  /** When the last ping heard was sent (monotonic), and when it was heard (wall clock: a suspended machine's monotonic clock stands still). */
  let heardSentAt = -Infinity;
  let heardWallAt = -Infinity;
  let generation = 0;
  let client: pg.Client | undefined;
  /** When the ping in flight was sent; undefined when none is. */
  let pingingSince: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  /** Whether the loss of the connection (or a failure to open it) has been logged and its return not yet. */
  let down = false;
  const log = options.log;
  const wentDown = (message: string, err?: unknown) => {
    if (down || closed) return;
    down = true;
    log?.warn({ instance: me, ...(err instanceof Error ? { err: err.message } : {}) }, `${message}: every request reads its session from the database until it is back`);
  };

  const distrust = () => {
    heardSentAt = -Infinity;
    heardWallAt = -Infinity;
    sent.clear();
    generation++;
  };

  function onNotice(message: pg.Notification): void {
    if (message.channel !== CHANGE_CHANNEL) return;
    const payload = message.payload ?? '';
    const ping = /^ping (\w+) (\d+)$/.exec(payload);
    if (!ping) {
      generation++;
      return;
    }
    if (ping[1] !== me) return;
    const n = Number(ping[2]);
    const at = sent.get(n);
    if (at === undefined) return;
    for (const k of sent.keys()) if (k <= n) sent.delete(k);
    heardSentAt = Math.max(heardSentAt, at);
    heardWallAt = Date.now();
  }

  async function ping(): Promise<void> {
    const c = client;
    if (!c) return;
    if (pingingSince !== undefined) {
      // A ping unanswered for several leases: a half-open connection, which TCP may take minutes to report. Start again.
      if (now() - pingingSince > leaseMs * 4) {
        wentDown(`Change notices: a ping went unanswered for ${Math.round(now() - pingingSince)} ms, so the listening connection is opened again`);
        void c.end().catch(() => undefined);
      }
      return;
    }
    const n = ++seq;
    const at = now();
    pingingSince = at;
    sent.set(n, at);
    try {
      await c.query('select pg_notify($1, $2)', [CHANGE_CHANNEL, `ping ${me} ${n}`]);
    } catch {
      // The connection's 'error' or 'end' reconnects.
    } finally {
      if (client === c || client === undefined) pingingSince = undefined;
    }
  }

  async function connect(): Promise<void> {
    if (closed) return;
    const c = new pg.Client({ ...postgresPoolOf(db).options, application_name: `${LISTENER_NAME} ${me}`, keepAlive: true });
    c.on('notification', onNotice);
    const retry = (ms: number) => {
      if (!closed) setTimeout(() => void connect(), ms).unref();
    };
    const lost = (err?: unknown) => {
      if (client !== c) return;
      wentDown('Change notices: the listening connection was lost', err);
      client = undefined;
      pingingSince = undefined;
      distrust();
      c.end().catch(() => undefined);
      retry(pingMs);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    try {
      await c.connect();
      // A ping is worth nothing after a crash: no need to wait for the disk.
      await c.query('set synchronous_commit = off');
      await c.query(`listen ${CHANGE_CHANNEL}`);
    } catch (err) {
      wentDown('Change notices: the listening connection could not be opened', err);
      c.removeAllListeners('end');
      await c.end().catch(() => undefined);
      retry(pingMs * 5);
      return;
    }
    if (closed) {
      c.removeAllListeners('end');
      await c.end().catch(() => undefined);
      return;
    }
    // Changes committed before this connection listened were never heard: nothing remembered until now is used again.
    generation++;
    client = c;
    if (down) {
      down = false;
      log?.info({ instance: me }, 'Change notices: listening again');
    }
    void ping();
  }

  return {
    instance: me,
    trusted: () => now() - heardSentAt < leaseMs && Date.now() - heardWallAt < leaseMs,
    generation: () => generation,
    async announce(tx) {
      await selectRows(tx, sql`select pg_notify(${CHANGE_CHANNEL}, 'changed')`);
    },
    async settled() {
      // A timer may fire up to a millisecond early by the monotonic clock that trusted() reads: wait it out, with a margin.
      const until = now() + leaseMs + SETTLE_MARGIN_MS;
      while (now() < until) await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(until - now()))));
    },
    async start() {
      await connect();
      if (closed) return;
      timer = setInterval(() => void ping(), pingMs);
      timer.unref();
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      const c = client;
      client = undefined;
      distrust();
      if (c) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
      }
    },
  };
}
