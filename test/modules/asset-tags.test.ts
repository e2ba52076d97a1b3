import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCharacter, formatTag, parseTag } from '../../src/modules/asset-tags/asset-tag.js';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The valid tags given in docs/domain.md §3. */
const SPEC_EXAMPLES = ['IQ-000001-Z', 'IQ-000042-T', 'IQ-000123-R'];

/** A deterministic pseudo-random sequence (LCG), so the property loops are reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

/** Valid tags to mutate: the documented examples, every 2-letter prefix, 3/4-letter prefixes and sampled sequences. */
function sampleTags(): string[] {
  const tags = new Set<string>(SPEC_EXAMPLES);
  const letters = ALPHABET.slice(10);
  for (const a of letters) for (const b of letters) tags.add(formatTag(a + b, 314_159));
  const next = lcg(2026);
  for (const prefix of ['IQ', 'ARV', 'KUGA', 'ZZ', 'AZ']) {
    for (let i = 0; i < 60; i++) tags.add(formatTag(prefix, 1 + (next() % 999_999)));
  }
  // Every pair of digits at every pair of neighbouring digit positions.
  for (let pos = 0; pos < 5; pos++) {
    for (let a = 0; a < 10; a++) {
      for (let b = 0; b < 10; b++) {
        const digits = ['1', '0', '0', '0', '0', '0'];
        digits[pos] = String(a);
        digits[pos + 1] = String(b);
        const seq = Number(digits.join(''));
        if (seq >= 1) tags.add(formatTag('IQ', seq));
      }
    }
  }
  return [...tags];
}

/** The tag as its three parts: prefix, digits and check character. */
function split(tag: string): { prefix: string; digits: string; check: string } {
  const [prefix, digits, check] = tag.split('-') as [string, string, string];
  return { prefix, digits, check };
}

describe('asset tag check character (Luhn mod 36)', () => {
  it('accepts the documented examples and formats the same tags from their sequence numbers', () => {
    for (const tag of SPEC_EXAMPLES) {
      const { prefix, digits, check } = split(tag);
      expect(parseTag(tag)).toEqual({ kind: 'valid', tag, prefix, seq: Number(digits) });
      expect(checkCharacter(prefix + digits)).toBe(check);
    }
    expect(formatTag('IQ', 1)).toBe('IQ-000001-Z');
    expect(formatTag('IQ', 42)).toBe('IQ-000042-T');
    expect(formatTag('IQ', 123)).toBe('IQ-000123-R');
  });

  it('formats six zero-padded digits and refuses sequences outside 1..999999', () => {
    expect(formatTag('KUGA', 999_999)).toMatch(/^KUGA-999999-[0-9A-Z]$/);
    expect(parseTag(formatTag('KUGA', 999_999)).kind).toBe('valid');
    expect(() => formatTag('IQ', 0)).toThrow();
    expect(() => formatTag('IQ', 1_000_000)).toThrow();
    expect(() => formatTag('IQ', 1.5)).toThrow();
  });

  it('detects every single-character substitution of a valid tag', () => {
    let mutations = 0;
    let shapedLikeATag = 0;
    const undetected: string[] = [];
    for (const tag of sampleTags()) {
      expect(parseTag(tag).kind).toBe('valid');
      for (let i = 0; i < tag.length; i++) {
        if (tag[i] === '-') continue;
        for (const c of ALPHABET) {
          if (c === tag[i]) continue;
          const typo = tag.slice(0, i) + c + tag.slice(i + 1);
          const parsed = parseTag(typo);
          mutations++;
          if (parsed.kind !== 'not_a_tag') shapedLikeATag++;
          if (parsed.kind === 'valid') undetected.push(`${tag} -> ${typo}`);
        }
      }
    }
    expect(undetected).toEqual([]);
    // The loop must have exercised typos that keep the tag's shape, where only the check character can catch them.
    expect(mutations).toBeGreaterThan(100_000);
    expect(shapedLikeATag).toBeGreaterThan(50_000);
  });

  it('detects every swap of two adjacent differing characters in the prefix and digits', () => {
    let swaps = 0;
    const undetected: string[] = [];
    for (const tag of sampleTags()) {
      const { prefix, digits, check } = split(tag);
      const payload = prefix + digits;
      for (let i = 0; i + 1 < payload.length; i++) {
        if (payload[i] === payload[i + 1]) continue;
        const swapped = payload.slice(0, i) + payload[i + 1] + payload[i] + payload.slice(i + 2);
        const typo = `${swapped.slice(0, prefix.length)}-${swapped.slice(prefix.length)}-${check}`;
        swaps++;
        if (parseTag(typo).kind === 'valid') undetected.push(`${tag} -> ${typo}`);
      }
      // The last digit swapped with the check character is caught as well.
      if (digits.at(-1) !== check) {
        const typo = `${prefix}-${digits.slice(0, -1)}${check}-${digits.at(-1)!}`;
        swaps++;
        if (parseTag(typo).kind === 'valid') undetected.push(`${tag} -> ${typo}`);
      }
    }
    expect(undetected).toEqual([]);
    expect(swaps).toBeGreaterThan(3_000);
  });

  it('parseTag forgives lower case and surrounding spaces, and normalises the tag', () => {
    expect(parseTag('iq-000123-r')).toEqual({ kind: 'valid', tag: 'IQ-000123-R', prefix: 'IQ', seq: 123 });
    expect(parseTag('  Iq-000042-t\t')).toEqual({ kind: 'valid', tag: 'IQ-000042-T', prefix: 'IQ', seq: 42 });
    expect(parseTag('\niq-000001-z \r\n')).toEqual({ kind: 'valid', tag: 'IQ-000001-Z', prefix: 'IQ', seq: 1 });
    // Forgiving the case does not forgive a wrong check character.
    expect(parseTag(' iq-000123-s ')).toEqual({ kind: 'bad_check', tag: 'IQ-000123-S' });
  });

  it('parseTag tells a wrong check character apart from something that is not a tag', () => {
    expect(parseTag('IQ-000123-Q')).toEqual({ kind: 'bad_check', tag: 'IQ-000123-Q' });
    for (const notATag of ['', 'hello', 'IQ000123R', 'IQ-00123-R', 'IQ-0000123-R', 'I-000123-R', 'IQALU-000123-R', 'IQ-000123-', 'IQ-000123-RR', 'I9-000123-R']) {
      expect(parseTag(notATag), notATag).toEqual({ kind: 'not_a_tag' });
    }
  });
});

describe('POST /asset-tags/reserve', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const reserve = (token: string | null, body: unknown) => {
    const req = t.http.post('/api/v1/asset-tags/reserve');
    return token === null ? req.send(body as object) : req.set(bearer(token)).send(body as object);
  };

  it('reserves consecutive valid tags, starting at the first sequence number', async () => {
    const res = await reserve(await t.token('trainee'), { count: 3 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ tags: ['IQ-000001-Z', formatTag('IQ', 2), formatTag('IQ', 3)] });
    for (const tag of res.body.tags as string[]) expect(parseTag(tag).kind).toBe('valid');
  });

  it('continues the sequence across reservations and roles, never handing out a tag twice', async () => {
    const first = await reserve(await t.token('coordinator'), { count: 2 });
    const second = await reserve(await t.token('admin'), { count: 41 });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const all = [...(first.body.tags as string[]), ...(second.body.tags as string[])];
    expect(all.map((tag) => (parseTag(tag) as { seq: number }).seq)).toEqual(Array.from({ length: 43 }, (_, i) => i + 1));
    expect(all[41]).toBe('IQ-000042-T');
  });

  it('reserves up to 1000 tags at once, all valid, distinct and consecutive', async () => {
    const res = await reserve(await t.token('trainee'), { count: 1000 });
    expect(res.status).toBe(201);
    const tags = res.body.tags as string[];
    expect(tags).toHaveLength(1000);
    expect(new Set(tags).size).toBe(1000);
    tags.forEach((tag, i) => {
      const parsed = parseTag(tag);
      expect(parsed).toEqual({ kind: 'valid', tag, prefix: 'IQ', seq: i + 1 });
    });
  });

  it.each([
    ['count 0', { count: 0 }],
    ['count 1001', { count: 1001 }],
    ['a fractional count', { count: 1.5 }],
    ['a negative count', { count: -1 }],
    ['a count sent as a string', { count: '5' }],
    ['no count', {}],
  ])('refuses %s with 400 request.invalid naming body.count, and reserves nothing', async (_label, body) => {
    const token = await t.token('trainee');
    const res = await reserve(token, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request.invalid');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.count' })]));
    // The refused request took no sequence numbers.
    const next = await reserve(token, { count: 1 });
    expect(next.body).toEqual({ tags: ['IQ-000001-Z'] });
  });

  it('refuses an unknown property by name', async () => {
    const res = await reserve(await t.token('trainee'), { count: 2, prefix: 'AB' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request.invalid');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.prefix' })]);
  });

  it('is 403 for staff and 401 without a token, before the body is even looked at', async () => {
    const staff = await t.token('staff');
    for (const body of [{ count: 5 }, { count: 0 }, {}]) {
      const forbidden = await reserve(staff, body);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe('auth.forbidden');
      const anonymous = await reserve(null, body);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('auth.unauthenticated');
    }
    const bogus = await reserve('not-a-real-token-but-long-enough', { count: 5 });
    expect(bogus.status).toBe(401);
    // Nothing was reserved by the refused calls.
    const next = await reserve(await t.token('trainee'), { count: 1 });
    expect(next.body).toEqual({ tags: ['IQ-000001-Z'] });
  });

  it('intake without a tag assigns the next sequence number after the reserved ones, never a reserved tag', async () => {
    const token = await t.token('trainee');
    const reserved = (await reserve(token, { count: 3 })).body.tags as string[];
    const intake = await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop());
    expect(intake.status).toBe(201);
    expect(intake.body.device.assetTag).toBe(formatTag('IQ', 4));
    expect(reserved).not.toContain(intake.body.device.assetTag);
    const after = await reserve(token, { count: 1 });
    expect(after.body.tags).toEqual([formatTag('IQ', 5)]);
  });
});
