import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/**
 * Request validation. Path parameters that are plain strings with length
 * bounds (`{ tag: z.string().min(1).max(100) }`, the lookup's) are checked by
 * a function prepared once per route instead of a zod parse per request; any
 * other schema, and every failure, goes to zod, so an invalid request gets
 * exactly the error zod gives (test/core/compiled-validator.test.ts).
 *
 * A string holding U+0000 anywhere in the path, the querystring or a JSON
 * body is refused, 400 request.invalid naming the field, on either engine:
 * PostgreSQL's text cannot store it (SQLSTATE 22021, a 500 there), and the
 * service answers the same on both (docs/domain.md §4). Uploads read as text
 * or bytes refuse NUL bytes in their own parsers.
 */

interface Bounds {
  key: string;
  min: number;
  max: number;
}

type Def = { type?: string; shape?: Record<string, { _zod?: { def?: Def } }>; catchall?: { _zod?: { def?: Def } }; checks?: Array<{ _zod?: { def?: Record<string, unknown> } }>; coerce?: boolean };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | null)?._zod?.def;

/** The bounds of each key when the schema is a strict object of plain strings with only length checks; undefined otherwise. */
export function plainStringParams(schema: unknown): Bounds[] | undefined {
  const def = defOf(schema);
  if (def?.type !== 'object' || !def.shape || defOf(def.catchall)?.type !== 'never') return undefined;
  const bounds: Bounds[] = [];
  for (const [key, field] of Object.entries(def.shape)) {
    const f = defOf(field);
    if (f?.type !== 'string' || f.coerce) return undefined;
    let min = 0;
    let max = Infinity;
    for (const check of f.checks ?? []) {
      const c = check._zod?.def;
      if (c?.['check'] === 'min_length' && typeof c['minimum'] === 'number') min = Math.max(min, c['minimum']);
      else if (c?.['check'] === 'max_length' && typeof c['maximum'] === 'number') max = Math.min(max, c['maximum']);
      // A pattern, a trim, a transform: zod's to run.
      else return undefined;
    }
    bounds.push({ key, min, max });
  }
  return bounds;
}

const NUL = '\u0000';

function withoutNul(schema: z.ZodType): z.ZodType {
  return schema.superRefine((value, ctx) => {
    const walk = (v: unknown, path: PropertyKey[]): void => {
      if (typeof v === 'string') {
        if (v.includes(NUL)) ctx.addIssue({ code: 'custom', message: 'must not contain the NUL character (U+0000)', path, input: v });
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    // A body that is one string or bytes (an uploaded file) is its parser's to read.
    if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) walk(value, []);
  });
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const zod = zodValidatorCompiler({ ...route, schema: withoutNul(route.schema) });
  const bounds = route.httpPart === 'params' ? plainStringParams(route.schema) : undefined;
  if (!bounds) return zod;
  const keys = bounds.length;
  return (data: unknown) => {
    const params = data as Record<string, unknown>;
    let count = 0;
    for (const key in params) {
      if (Object.hasOwn(params, key)) count++;
    }
    if (count !== keys) return zod(data);
    for (const { key, min, max } of bounds) {
      const value = params[key];
      if (typeof value !== 'string' || value.length < min || value.length > max || value.includes(NUL)) return zod(data);
    }
    return { value: data };
  };
};
