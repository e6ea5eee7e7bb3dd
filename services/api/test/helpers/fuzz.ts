import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { expect } from 'vitest';

export const FUZZ_RUNS = 2_000;
export const FUZZ_SEED = 20_241_014;

/** A valid body with one random change: a field set to any JSON, removed, or an unknown one added. */
export function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc
    .tuple(fc.constantFrom(...keys), fc.jsonValue(), fc.constantFrom('set', 'delete', 'add', 'deep'), fc.string())
    .map(([key, value, op, name]) => {
      const copy: Record<string, unknown> = structuredClone(valid);
      if (op === 'set') copy[key] = value;
      else if (op === 'delete') delete copy[key];
      else if (op === 'add') copy[name || 'extra'] = value;
      else copy[key] = { nested: value, [name]: [value] };
      return copy;
    });
}

/** Random JSON, random strings and mutations of a valid body, serialised; sometimes not JSON at all. */
export function bodies(valid: Record<string, unknown>): fc.Arbitrary<string | Buffer> {
  return fc.oneof(
    { weight: 4, arbitrary: mutated(valid).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  );
}

export interface InjectResult {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** The fuzzing contract: never a 5xx, and every error is problem+json with a stable code. */
export function expectNoServerError(res: InjectResult, input: unknown): void {
  if (res.statusCode >= 500) {
    throw new Error(`${res.statusCode} for ${JSON.stringify(String(input)).slice(0, 300)}: ${res.body.slice(0, 300)}`);
  }
  if (res.statusCode >= 400) {
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    const body = JSON.parse(res.body) as { code?: unknown };
    expect(typeof body.code).toBe('string');
  }
}

export async function fuzz(
  app: FastifyInstance,
  arbitrary: fc.Arbitrary<string | Buffer>,
  request: (payload: string | Buffer) => InjectOptions,
): Promise<{ runs: number; statuses: Record<number, number> }> {
  const statuses: Record<number, number> = {};
  await fc.assert(
    fc.asyncProperty(arbitrary, async (payload) => {
      const res = (await app.inject(request(payload))) as unknown as InjectResult;
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      expectNoServerError(res, payload);
    }),
    { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
  );
  return { runs: FUZZ_RUNS, statuses };
}
