/**
 * Signing in and out, for every front end. The session is kept per browser
 * tab (sessionStorage) under one key, so the station and the office share it:
 * signing in at one page of a tab signs in at the other. The storage is passed
 * in, so this runs in Node too.
 */
import type { z } from 'zod';
import type { LoginResponse as LoginResponseSchema } from '../modules/users/users.schemas.js';
import * as api from './api.js';
import type { KeyValueStorage } from './pages.js';

export type LoginResponse = z.infer<typeof LoginResponseSchema>;
export type User = LoginResponse['user'];

export interface Session {
  token: string;
  user: User;
}

export const SESSION_KEY = 'refurb-ledger.station.session';

export function readSession(storage: Pick<KeyValueStorage, 'getItem'>): Session | null {
  try {
    const raw = storage.getItem(SESSION_KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Session>) : null;
    return parsed && typeof parsed.token === 'string' && parsed.user ? (parsed as Session) : null;
  } catch {
    return null;
  }
}

export function writeSession(storage: Pick<KeyValueStorage, 'setItem' | 'removeItem'>, session: Session | null): void {
  try {
    if (session) storage.setItem(SESSION_KEY, JSON.stringify(session));
    else storage.removeItem(SESSION_KEY);
  } catch {
    // Storage blocked: the session lives as long as the page.
  }
}

/** POST /auth/login; a refusal (wrong password, disabled account) is thrown as api.Refused. */
export async function login(username: string, password: string): Promise<Session> {
  const res = await api.send('POST', '/api/v1/auth/login', { body: { username, password } });
  const body = (await res.json()) as LoginResponse;
  return { token: body.token, user: body.user };
}

/** POST /auth/logout. A session the server already ended, or no answer, still signs out here. */
export async function logout(session: Session): Promise<void> {
  try {
    await api.send('POST', '/api/v1/auth/logout', { token: session.token });
  } catch {
    // signed out locally either way
  }
}
