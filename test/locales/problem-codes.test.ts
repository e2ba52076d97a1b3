/**
 * Every error code the front ends can meet has a reason of its own in the
 * locale files (`problem.<code>`, src/client/problems.ts) with a note for
 * translators. The codes are those the OpenAPI document declares: each
 * operation's problem answers and the Problem schema's list.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors.js';
import en from '../../src/locales/en.json' with { type: 'json' };
import notes from '../../src/locales/notes.json' with { type: 'json' };

type Json = Record<string, unknown>;
const doc = JSON.parse(readFileSync(new URL('../fixtures/openapi.json', import.meta.url), 'utf8')) as Json;

/** Every `code` enum under a problem+json answer, and the Problem schema's. */
function declaredCodes(): Set<string> {
  const codes = new Set<string>();
  const walk = (node: unknown, inProblem: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, inProblem));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === 'application/problem+json') walk(v, true);
      else if (inProblem && k === 'code' && v && typeof v === 'object' && Array.isArray((v as Json)['enum'])) for (const c of (v as { enum: string[] }).enum) codes.add(c);
      else walk(v, inProblem);
    }
  };
  walk(doc['paths'], false);
  const problem = ((doc['components'] as Json)['schemas'] as Json)['Problem'] as { properties: { code: { enum: string[] } } };
  for (const c of problem.properties.code.enum) codes.add(c);
  return codes;
}

describe('refusals in the reader’s language', () => {
  const codes = [...declaredCodes()].sort();
  const english = en as Record<string, unknown>;
  const noted = notes as Record<string, string>;

  it('the document declares the service’s codes, and operations declare their own', () => {
    expect(codes).toEqual(Object.keys(ERROR_CODES).sort());
    expect(codes).toContain('users.username_taken');
  });

  it('every declared code has a reason in en.json and a note for translators', () => {
    expect(codes.filter((c) => typeof english[`problem.${c}`] !== 'string')).toEqual([]);
    expect(codes.filter((c) => !(noted[`problem.${c}`]?.includes(c) ?? false))).toEqual([]);
  });

  it('no reason is kept for a code the service no longer has', () => {
    // The keys that are not a code's: the general sentence, the status line and the fields' reasons.
    const reasons = Object.keys(english).filter((k) => k.startsWith('problem.') && !k.startsWith('problem.field.') && !['problem.unknown', 'problem.currentStatus'].includes(k));
    expect(reasons.map((k) => k.slice('problem.'.length)).filter((c) => !codes.includes(c))).toEqual([]);
  });

  it('the general sentence names the code', () => {
    expect(english['problem.unknown']).toContain('{code}');
  });
});
