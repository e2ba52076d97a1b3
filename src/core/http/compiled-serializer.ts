import type { FastifySerializerCompiler } from 'fastify';
import fastJson from 'fast-json-stringify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Response serialization for the hot routes. By default a response is encoded
 * through its zod schema at run time and then JSON.stringify'd
 * (fastify-type-provider-zod); a schema marked here is instead compiled once,
 * from its JSON Schema, into a fast-json-stringify function. The output is the
 * same JSON (properties in schema order, optional ones left out when
 * undefined); what is lost is zod's run-time check of the response, so mark
 * only schemas whose values the service builds itself from typed rows
 * (test/core/compiled-serializer.test.ts compares both on real answers, and
 * the contract tests check every response against the OpenAPI document).
 */
const compiled = new WeakSet<z.ZodType>();

/** Serialize responses of this schema with a compiled serializer; returns the schema. */
export function compiledResponse<T extends z.ZodType>(schema: T): T {
  compiled.add(schema);
  return schema;
}

type Json = { [key: string]: unknown };

/**
 * What fast-json-stringify needs of a JSON Schema: types and properties. An
 * `anyOf` of one type and null becomes a type list (fast-json-stringify would
 * otherwise validate each value against the branches to pick one), and
 * keywords that only validate (enum, bounds) are dropped.
 */
function forSerializing(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forSerializing);
  if (typeof node !== 'object' || node === null) return node;
  const n = node as Json;
  const anyOf = n['anyOf'];
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const [a, b] = anyOf as Json[];
    const other = a?.['type'] === 'null' ? b : b?.['type'] === 'null' ? a : undefined;
    if (other && typeof other['type'] === 'string' && other['type'] !== 'object' && other['type'] !== 'array') {
      const rest = Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'anyOf'));
      return forSerializing({ ...rest, ...other, type: [other['type'], 'null'] });
    }
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === 'enum' || k === 'minimum' || k === 'maximum' || k === 'minLength' || k === 'maxLength' || k === 'pattern' || k === 'format' || k === '$schema') continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, forSerializing(s)])) : forSerializing(v);
  }
  return out;
}

/** fast-json-stringify from the schema's output JSON Schema. */
export function compileSerializer(schema: z.ZodType): (data: unknown) => string {
  const json = forSerializing(z.toJSONSchema(schema, { io: 'output', target: 'draft-07', unrepresentable: 'throw' }));
  return fastJson(json as Parameters<typeof fastJson>[0]);
}

export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = (route) => {
  const schema = route.schema;
  if (schema instanceof z.ZodType && compiled.has(schema)) return compileSerializer(schema);
  return zodSerializerCompiler(route);
};
