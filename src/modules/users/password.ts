import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt from node:crypto (memory-hard). N=2^15, r=8 uses 32 MiB per hash and
 * takes tens of milliseconds on the workshop's small server. The parameters
 * travel in the stored string so they can be raised later.
 */
export const DEFAULT_SCRYPT_N = 32768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `costN` is scrypt's N (a power of two); only tests lower it, to keep the suite fast. */
export async function hashPassword(password: string, costN = DEFAULT_SCRYPT_N): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, { N: costN, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${costN}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, 'base64url');
  const key = await scryptAsync(password, Buffer.from(saltB64, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * 1024 * 1024,
  });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password, to spend the same time on unknown usernames as on known ones. */
const decoys = new Map<number, Promise<string>>();
export function decoyHash(costN = DEFAULT_SCRYPT_N): Promise<string> {
  let decoy = decoys.get(costN);
  if (!decoy) {
    decoy = hashPassword(randomBytes(18).toString('base64url'), costN);
    decoys.set(costN, decoy);
  }
  return decoy;
}
