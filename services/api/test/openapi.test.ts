import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateOpenApi, OPENAPI_FILE } from '../../../scripts/openapi.ts';

interface Operation {
  summary?: string;
  description?: string;
}

/** The ingestion routes this module documents: each must carry a summary and at least one example. */
const INGESTION_ROUTES: [string, string][] = [
  ['post', '/v1/feedback'],
  ['get', '/v1/feedback'],
  ['get', '/v1/feedback/{id}'],
  ['post', '/v1/feedback:bulk'],
  ['patch', '/v1/feedback/{id}'],
  ['delete', '/v1/feedback/{id}'],
  ['get', '/v1/feedback/by-external/{source}/{externalId}'],
  ['patch', '/v1/feedback/by-external/{source}/{externalId}'],
  ['post', '/v1/feedback/{id}/acknowledge'],
  ['post', '/v1/feedback/{id}/investigate'],
  ['post', '/v1/feedback/{id}/resolve'],
  ['post', '/v1/feedback/{id}/close'],
  ['post', '/v1/feedback/{id}/escalate'],
  ['post', '/v1/imports'],
  ['get', '/v1/imports/{id}'],
  ['get', '/v1/import-profiles'],
  ['get', '/v1/import-profiles/{name}'],
  ['put', '/v1/import-profiles/{name}'],
  ['delete', '/v1/import-profiles/{name}'],
  ['post', '/v1/inbound/{source}'],
  ['post', '/v1/api-keys'],
  ['get', '/v1/api-keys'],
  ['delete', '/v1/api-keys/{id}'],
];

describe('openapi.json', () => {
  it('matches what the code generates (run `npx tsx scripts/openapi.ts` after changing a route)', async () => {
    const generated = await generateOpenApi();
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    expect(
      committed === generated,
      'openapi.json is out of date: run `npx tsx scripts/openapi.ts` and commit openapi.json',
    ).toBe(true);
  }, 60_000);

  it('documents every ingestion route with a summary and an example', () => {
    const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as {
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const [method, route] of INGESTION_ROUTES) {
      const op = doc.paths[route]?.[method];
      expect(op, `${method.toUpperCase()} ${route} is missing`).toBeDefined();
      expect(op?.summary, `${method.toUpperCase()} ${route} has no summary`).toBeTruthy();
      expect(JSON.stringify(op), `${method.toUpperCase()} ${route} has no example`).toMatch(/"examples?"/);
    }
  });
});
