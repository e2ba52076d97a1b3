import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainStringParams, validatorCompiler } from '../../src/core/http/compiled-validator.js';
import { DeviceParams } from '../../src/modules/devices/devices.schemas.js';

const route = (schema: z.ZodType, httpPart = 'params') => ({ schema, method: 'GET', url: '/x/:tag', httpPart }) as Parameters<typeof validatorCompiler>[0];

describe('the prepared path parameter check', () => {
  it('takes plain strings with length bounds, and leaves anything else to zod', () => {
    expect(plainStringParams(DeviceParams)).toEqual([{ key: 'tag', min: 1, max: 100 }]);
    expect(plainStringParams(z.strictObject({ a: z.string(), b: z.string().max(3) }))).toEqual([
      { key: 'a', min: 0, max: Infinity },
      { key: 'b', min: 0, max: 3 },
    ]);
    expect(plainStringParams(z.strictObject({ tag: z.string().trim().min(1) }))).toBeUndefined();
    expect(plainStringParams(z.strictObject({ tag: z.string().regex(/^A/) }))).toBeUndefined();
    expect(plainStringParams(z.strictObject({ id: z.coerce.number().int() }))).toBeUndefined();
    expect(plainStringParams(z.object({ tag: z.string() }))).toBeUndefined();
    expect(plainStringParams(z.string())).toBeUndefined();
  });

  it('answers what zod answers, for valid and invalid parameters', () => {
    const prepared = validatorCompiler(route(DeviceParams));
    const zod = zodValidatorCompiler(route(DeviceParams));
    // The prepared check passes the parameters through as they are; zod's parse copies them.
    const params = { tag: 'LT-000123-K' };
    expect((prepared(params) as { value?: unknown }).value).toBe(params);
    const cases: unknown[] = [
      { tag: 'LT-000123-K' },
      { tag: 'x' },
      { tag: 'é'.repeat(100) },
      { tag: '' },
      { tag: 'x'.repeat(101) },
      { tag: 'x', other: 'y' },
      {},
      { tag: 42 },
      { tag: undefined },
    ];
    for (const params of cases) {
      const a = prepared(params) as { value?: unknown; error?: unknown };
      const b = zod(params) as { value?: unknown; error?: unknown };
      expect(a.value, JSON.stringify(params)).toEqual(b.value);
      expect(String(a.error), JSON.stringify(params)).toEqual(String(b.error));
      expect((a.error as { validation?: unknown } | undefined)?.validation, JSON.stringify(params)).toEqual((b.error as { validation?: unknown } | undefined)?.validation);
    }
    expect((prepared({ tag: '' }) as { error?: unknown }).error).toBeDefined();
  });

  it('uses zod for bodies and queries', () => {
    const schema = z.strictObject({ tag: z.string() });
    expect(plainStringParams(schema)).toBeDefined();
    for (const part of ['body', 'querystring']) {
      const data = { tag: 'x' };
      const value = (validatorCompiler(route(schema, part))(data) as { value?: unknown }).value;
      expect(value).toEqual(data);
      expect(value, part).not.toBe(data);
    }
  });
});
