/**
 * The exactly-once outbox protocol (src/client/sync.ts) in Node: the cases the
 * browser tests cover through Chromium (lost answers, reloads mid-request,
 * another user's entries, refusals after moving on), here with an in-memory
 * store, a scripted server and a clock that only moves when told.
 */
import { describe, expect, it } from 'vitest';
import { Unreachable } from '../../src/client/api.js';
import { RETRY_MS } from '../../src/client/sync.js';
import { FakeClock, FakeServer, MemoryOutboxStore, openPage, outgoing, session, settle, type User } from './fake-sync.js';

function world(options: { store?: MemoryOutboxStore | null } = {}) {
  const store = options.store === undefined ? new MemoryOutboxStore() : options.store;
  const server = new FakeServer();
  const clock = new FakeClock();
  const live = new Set<string>();
  const current: { session: User | null } = { session: session('tom') };
  const page = (pageId = 'page-1') => openPage({ store: () => store, server, clock, pageId, live, session: () => current.session });
  return { store, server, clock, live, current, page };
}

const states = async (store: MemoryOutboxStore) => (await store.entries()).map((e) => `${e.username}:${e.what}:${e.state}`);

describe('a request that is answered', () => {
  it('is written ahead, sent once with its key, and gone from the outbox', async () => {
    const w = world();
    const { sync } = w.page();
    const out = outgoing('grade');
    const sent = await sync.post<{ n: number }>(w.current.session!, out, 'action');
    expect(sent).toEqual({ outcome: 'answered', body: { device: undefined, n: 1 } });
    expect(w.server.applied).toEqual([{ username: 'tom', key: out.key, path: out.path, body: out.body }]);
    expect(await w.store!.entries()).toEqual([]);
  });

  it('dates what it writes ahead by the injected clock, under the page that sent it', async () => {
    const w = world();
    const { sync } = w.page('page-7');
    w.server.script.push('hang');
    void sync.post(w.current.session!, outgoing('grade'), 'action');
    await settle();
    const [entry] = await w.store!.entries();
    expect(entry).toMatchObject({ state: 'sending', pageId: 'page-7', username: 'tom', queuedAt: '2026-03-01T10:00:00.000Z' });
  });
});

describe('an answer that is lost', () => {
  it('keeps the request waiting; the resend carries the same key and the server applies it once', async () => {
    const w = world();
    const { sync, told } = w.page();
    const out = outgoing('grade', { assetTag: 'IQ-1' });
    w.server.script.push('lost');
    expect(await sync.post(w.current.session!, out, 'action')).toEqual({ outcome: 'kept' });
    expect(await states(w.store!)).toEqual(['tom:grade:waiting']);
    await sync.drain();
    expect(w.server.received.map((r) => r.key)).toEqual([out.key, out.key]);
    expect(w.server.timesApplied(out.key)).toBe(1);
    expect(await w.store!.entries()).toEqual([]);
    expect(told).toContainEqual({ event: 'drained', touched: ['IQ-1'] });
    expect(told.at(-1)).toEqual({ event: 'sent', count: 1 });
  });

  it('counts a resend the server answers "applied before, answer lost" as sent, not refused', async () => {
    const w = world();
    const { sync, told } = w.page();
    w.server.script.push('lost', 'outcome_unknown');
    await sync.post(w.current.session!, outgoing('grade'), 'action');
    await sync.drain();
    expect(await w.store!.entries()).toEqual([]);
    expect(told.filter((t) => t.event === 'refused')).toEqual([]);
    expect(told.at(-1)).toEqual({ event: 'sent', count: 1 });
  });

  it('settles a first send the server answers "applied before" as applied', async () => {
    const w = world();
    const { sync } = w.page();
    w.server.script.push('outcome_unknown');
    expect(await sync.post(w.current.session!, outgoing('grade'), 'action')).toEqual({ outcome: 'applied' });
    expect(await w.store!.entries()).toEqual([]);
    expect(w.server.applied).toHaveLength(1);
  });
});

describe('a server that does not answer', () => {
  it('keeps requests in order and sends them oldest first when it is back; a new action queues behind them', async () => {
    const w = world();
    const { sync } = w.page();
    const a = outgoing('first');
    const b = outgoing('second');
    const c = outgoing('third');
    w.server.mode = 'down';
    expect(await sync.post(w.current.session!, a, 'action')).toEqual({ outcome: 'kept' });
    // The drain it starts gets no answer for the first: the second waits behind it without being tried.
    expect(await sync.post(w.current.session!, b, 'action')).toEqual({ outcome: 'kept' });
    expect(w.server.received.map((r) => r.key)).toEqual([a.key, a.key]);
    w.server.mode = 'up';
    // The third drains the queue first, then goes itself.
    expect((await sync.post(w.current.session!, c, 'action')).outcome).toBe('answered');
    expect(w.server.applied.map((x) => x.key)).toEqual([a.key, b.key, c.key]);
  });

  it('stops a drain at the first request that gets no answer, and at a busy server', async () => {
    const w = world();
    const { sync } = w.page();
    w.server.mode = 'down';
    await sync.post(w.current.session!, outgoing('a'), 'action');
    await sync.post(w.current.session!, outgoing('b'), 'action');
    w.server.mode = 'up';
    w.server.script.push('busy');
    await sync.drain();
    expect(await states(w.store!)).toEqual(['tom:a:waiting', 'tom:b:waiting']);
    w.server.script.push('in_progress');
    await sync.drain();
    expect(await states(w.store!)).toEqual(['tom:a:waiting', 'tom:b:waiting']);
    await sync.drain();
    expect(w.server.applied.map((x) => (x.body as { what: string }).what)).toEqual(['a', 'b']);
  });

  it('keeps a busy or in-progress first send with its key', async () => {
    const w = world();
    const { sync } = w.page();
    w.server.script.push('busy', 'in_progress');
    const a = outgoing('a');
    expect(await sync.post(w.current.session!, a, 'action')).toEqual({ outcome: 'kept' });
    expect(await sync.post(w.current.session!, outgoing('b'), 'scan')).toEqual({ outcome: 'kept' });
    expect((await w.store!.entries()).map((e) => e.idempotencyKey)[0]).toBe(a.key);
  });

  it('retries on the clock while something waits, and stops when nothing does', async () => {
    const w = world();
    const { sync } = w.page();
    w.server.mode = 'down';
    await sync.post(w.current.session!, outgoing('a'), 'action');
    await sync.keepTrying('tom');
    expect(w.clock.running).toBe(1);
    // Asked again while it runs: still one timer.
    await sync.keepTrying('tom');
    expect(w.clock.running).toBe(1);
    w.clock.tick(RETRY_MS);
    await settle();
    expect(await states(w.store!)).toEqual(['tom:a:waiting']);
    w.server.mode = 'up';
    w.clock.tick(RETRY_MS - 1);
    await settle();
    expect(w.server.applied).toEqual([]);
    w.clock.tick(1);
    await settle();
    expect(w.server.applied).toHaveLength(1);
    await sync.keepTrying('tom');
    expect(w.clock.running).toBe(0);
  });

  it('does not retry for entries of another user', async () => {
    const w = world();
    const { sync } = w.page();
    w.server.mode = 'down';
    await sync.post(session('ann'), outgoing('a'), 'action');
    await sync.keepTrying('tom');
    expect(w.clock.running).toBe(0);
  });
});

describe('a reload while a request is on its way', () => {
  it('sends the request again from the next page, with its key: applied once', async () => {
    const w = world();
    const first = w.page('page-1');
    const out = outgoing('sanitize', { assetTag: 'IQ-1' });
    w.server.script.push('hang');
    void first.sync.post(w.current.session!, out, 'action');
    await settle();
    expect(await states(w.store!)).toEqual(['tom:sanitize:sending']);
    first.close();
    const second = w.page('page-2');
    await second.sync.drain();
    expect(w.server.received.map((r) => r.key)).toEqual([out.key, out.key]);
    expect(w.server.timesApplied(out.key)).toBe(1);
    expect(await w.store!.entries()).toEqual([]);
  });

  it('leaves a request another live page is sending alone: a new action waits behind it, a scan does not', async () => {
    const w = world();
    const other = w.page('page-1');
    const out = outgoing('sanitize');
    w.server.script.push('hang');
    void other.sync.post(w.current.session!, out, 'action');
    await settle();
    const here = w.page('page-2');
    await here.sync.drain();
    expect(w.server.received).toHaveLength(1);
    expect((await here.sync.post(w.current.session!, outgoing('scan'), 'scan')).outcome).toBe('answered');
    expect(await here.sync.post(w.current.session!, outgoing('grade'), 'action')).toEqual({ outcome: 'kept' });
    expect(w.server.received).toHaveLength(2);
    expect(await states(w.store!)).toEqual(['tom:sanitize:sending', 'tom:grade:waiting']);
    // Nor does a drain send it past the older one still out.
    await here.sync.drain();
    expect(w.server.received).toHaveLength(2);
    // This page retries while the other page's request is out (that page may stop).
    await here.sync.keepTrying('tom');
    expect(w.clock.running).toBe(1);
  });

  it('does not wait for a request of its own page that is still sending', async () => {
    const w = world();
    const { sync } = w.page('page-1');
    w.server.script.push('hang');
    void sync.post(w.current.session!, outgoing('a'), 'action');
    await settle();
    await sync.keepTrying('tom');
    expect(w.clock.running).toBe(0);
  });
});

describe("another user's entries", () => {
  it('are not sent by this user, and do not hold this user back', async () => {
    const w = world();
    const { sync } = w.page();
    w.server.mode = 'down';
    w.current.session = session('ann');
    await sync.post(w.current.session, outgoing('ann-grade'), 'action');
    w.server.mode = 'up';
    w.current.session = session('tom');
    expect((await sync.post(w.current.session, outgoing('tom-grade'), 'action')).outcome).toBe('answered');
    await sync.drain();
    expect(w.server.applied.map((a) => a.username)).toEqual(['tom']);
    expect(await states(w.store!)).toEqual(['ann:ann-grade:waiting']);
    w.current.session = session('ann');
    await sync.drain();
    expect(w.server.applied.map((a) => `${a.username}:${(a.body as { what: string }).what}`)).toEqual(['tom:tom-grade', 'ann:ann-grade']);
  });

  it('stops a drain when someone else logs in meanwhile', async () => {
    const w = world();
    const { sync } = w.page();
    w.server.mode = 'down';
    await sync.post(w.current.session!, outgoing('a'), 'action');
    await sync.post(w.current.session!, outgoing('b'), 'action');
    w.server.mode = 'up';
    const tom = w.current.session!;
    const send = w.server.send;
    // The first answer comes after Ann has logged in.
    w.server.send = async (as, request) => {
      const answer = await send(as, request);
      w.current.session = session('ann');
      return answer as never;
    };
    await sync.drain();
    expect(w.server.applied.map((a) => (a.body as { what: string }).what)).toEqual(['a']);
    expect(await states(w.store!)).toEqual(['tom:b:waiting']);
    // A new request of Tom's, finished after the switch, waits for him too.
    w.server.send = send;
    expect(await sync.post(tom, outgoing('c'), 'action')).toEqual({ outcome: 'kept' });
  });
});

describe('refusals', () => {
  it('returns a refusal with its written-ahead entry; listed as refused once the user has moved on', async () => {
    const w = world();
    const { sync } = w.page();
    const sent = await sync.post(w.current.session!, outgoing('grade', { refuse: true }), 'action');
    expect(sent).toMatchObject({ outcome: 'refused', problem: { code: 'devices.invalid_transition' } });
    if (sent.outcome !== 'refused') throw new Error('expected a refusal');
    expect(await sync.refuseLater(sent.seq, sent.problem)).toBe(true);
    expect(await w.store!.entries()).toMatchObject([{ state: 'refused', problem: { code: 'devices.invalid_transition' } }]);
    // Listed, never resent.
    await sync.drain();
    expect(w.server.received).toHaveLength(1);
    expect(await sync.refuseLater(null, sent.problem)).toBe(false);
  });

  it('settles a refusal the user has seen: nothing is left', async () => {
    const w = world();
    const { sync } = w.page();
    const sent = await sync.post(w.current.session!, outgoing('grade', { refuse: true }), 'action');
    if (sent.outcome !== 'refused') throw new Error('expected a refusal');
    await sync.settle(sent.seq);
    expect(await w.store!.entries()).toEqual([]);
  });

  it('lists a resend the server refuses, says so, and goes on with the next', async () => {
    const w = world();
    const { sync, told } = w.page();
    w.server.mode = 'down';
    await sync.post(w.current.session!, outgoing('recycle', { refuse: true, assetTag: 'IQ-2' }), 'action');
    await sync.post(w.current.session!, outgoing('grade'), 'action');
    w.server.mode = 'up';
    await sync.drain();
    expect(await states(w.store!)).toEqual(['tom:recycle:refused']);
    expect(told).toContainEqual({ event: 'refused', what: 'recycle', code: 'devices.invalid_transition' });
    expect(told).toContainEqual({ event: 'drained', touched: ['IQ-2'] });
    expect(told.at(-1)).toEqual({ event: 'sent', count: 1 });
  });
});

describe('a session the server ended', () => {
  it('keeps the request for the same user and says the session ended', async () => {
    const w = world();
    const { sync, told } = w.page();
    w.server.script.push('expired');
    expect(await sync.post(w.current.session!, outgoing('grade'), 'action')).toEqual({ outcome: 'ended' });
    expect(await states(w.store!)).toEqual(['tom:grade:waiting']);
    expect(told).toContainEqual({ event: 'sessionEnded', username: 'tom', lost: null });
  });

  it('names what was lost when it cannot be kept', async () => {
    const w = world({ store: null });
    const { sync, told } = w.page();
    w.server.script.push('expired');
    expect(await sync.post(w.current.session!, outgoing('grade'), 'action')).toEqual({ outcome: 'ended' });
    expect(told).toEqual([
      { event: 'notKept', what: 'grade' },
      { event: 'sessionEnded', username: 'tom', lost: 'grade' },
    ]);
  });

  it('stops a drain, leaving the rest waiting', async () => {
    const w = world();
    const { sync, told } = w.page();
    w.server.mode = 'down';
    await sync.post(w.current.session!, outgoing('a'), 'action');
    w.server.mode = 'up';
    w.server.script.push('expired');
    await sync.drain();
    expect(await states(w.store!)).toEqual(['tom:a:waiting']);
    expect(told).toContainEqual({ event: 'sessionEnded', username: 'tom', lost: null });
    expect(told.some((t) => t.event === 'sent')).toBe(false);
  });
});

describe('a browser that cannot keep anything', () => {
  it('still sends, and says so when a request gets no answer', async () => {
    const w = world({ store: null });
    const { sync, told } = w.page();
    expect((await sync.post(w.current.session!, outgoing('a'), 'action')).outcome).toBe('answered');
    w.server.mode = 'down';
    expect(await sync.post(w.current.session!, outgoing('b'), 'action')).toEqual({ outcome: 'not_kept' });
    expect(told).toEqual([{ event: 'notKept', what: 'b' }]);
    expect(await sync.entries()).toEqual([]);
  });

  it('sends without writing ahead when the store is full, and reports a request it cannot keep', async () => {
    const w = world();
    const { sync, told } = w.page();
    w.store!.full = true;
    expect((await sync.post(w.current.session!, outgoing('a'), 'action')).outcome).toBe('answered');
    w.server.mode = 'down';
    expect(await sync.post(w.current.session!, outgoing('b'), 'action')).toEqual({ outcome: 'not_kept' });
    expect(told).toEqual([{ event: 'notKept', what: 'b' }]);
  });
});

describe('an entry another tab already sent', () => {
  it('is not kept again when its answer is lost here', async () => {
    const w = world();
    const { sync } = w.page();
    const store = w.store!;
    const send = w.server.send;
    // Another tab sends and removes the entry while this page waits for an answer that never comes.
    w.server.send = async () => {
      for (const e of await store.entries()) await store.remove(e.seq!);
      w.server.send = send;
      throw new Unreachable('no answer');
    };
    expect(await sync.post(w.current.session!, outgoing('a'), 'action')).toEqual({ outcome: 'kept' });
    expect(await store.entries()).toEqual([]);
  });
});
