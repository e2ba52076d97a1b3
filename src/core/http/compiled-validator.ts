import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/**
 * Request validation. Path parameters that are plain strings with length
 * bounds (`{ tag: z.string().min(1).max(100) }`, the lookup's) are checked by
 * a function prepared once per route instead of a zod parse per request; any
 * other schema, and every failure, goes to zod, so an invalid request gets
 * exactly the error zod gives (test/core/compiled-validator.test.ts).
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

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const zod = zodValidatorCompiler(route);
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
      if (typeof value !== 'string' || value.length < min || value.length > max) return zod(data);
    }
    return { value: data };
  };
};
