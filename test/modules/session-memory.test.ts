/**
 * The sessions an instance remembers (src/modules/users/users.service.ts):
 * a remembered session answers a request only while the instance's change
 * notices are trusted and no change was heard since it was remembered
 * (src/core/db-notices.ts). Run with notices of the test's own, so that
 * hearing a change and losing trust happen exactly when the test says; the
 * session is revoked behind the service's back (in the database), so that
 * only what the service remembers can still let the token in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeNotices } from '../../src/core/db-notices.js';
import { bearer, createTestApp, USER_PASSWORD, type TestApp } from '../helpers.js';

const API = '/api/v1';

function stubNotices() {
  const state = { trusted: true, generation: 0, changeDuringNextRead: false };
  const notices: ChangeNotices = {
    instance: 'stub',
    trusted: () => state.trusted,
    generation: () => {
      const g = state.generation;
      // The first call of a request is before the database is asked; a change "heard" then lands while it answers.
      if (state.changeDuringNextRead) {
        state.changeDuringNextRead = false;
        state.generation++;
      }
      return g;
    },
    announce: async () => undefined,
    settled: async () => undefined,
    start: async () => undefined,
    close: async () => undefined,
  };
  return { state, notices };
}

describe('remembered sessions', () => {
  let t: TestApp;
  let stub: ReturnType<typeof stubNotices>;
  let token: string;
  const me = () => t.http.get(`${API}/me`).set(bearer(token));
  const revokeBehindTheService = () => t.exec('update sessions set revoked_at = ? where revoked_at is null', '2026-03-02T15:00:00.000Z');

  beforeEach(async () => {
    stub = stubNotices();
    t = await createTestApp({ notices: stub.notices });
    token = (await t.createUser('pat', 'trainee')).token;
    expect((await me()).status).toBe(200);
    await revokeBehindTheService();
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers from memory while trusted and nothing was heard (which is why a change must be announced)', async () => {
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
  });

  it('asks the database once a change is heard', async () => {
    stub.state.generation++;
    expect((await me()).status).toBe(401);
  });

  it('asks the database while the notices are not trusted, and again once they are', async () => {
    stub.state.trusted = false;
    expect((await me()).status).toBe(401);
    stub.state.trusted = true;
    expect((await me()).status).toBe(401);
  });

  it('does not keep an answer read while a change was heard', async () => {
    // A new session, read from the database while a change is heard: remembered under the generation before the change, if at all.
    token = await t.login('pat', USER_PASSWORD);
    stub.state.generation++;
    stub.state.changeDuringNextRead = true;
    expect((await me()).status).toBe(200);
    await revokeBehindTheService();
    expect((await me()).status).toBe(401);
  });
});
