import { queryRows } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestApp, type ApiTestOrg, withApiApp } from './helpers/app.ts';

/**
 * Every route that names a resource, called with organisation B's all-scopes key on organisation A's ids:
 * each answers 404 problem+json and A's row is byte-for-byte the same afterwards.
 */
let t: ApiTestApp;
let a: ApiTestOrg;
let b: ApiTestOrg;
const ids: Record<string, string> = {};

async function as(org: ApiTestOrg, method: string, url: string, payload?: unknown, type?: string) {
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${org.apiKey}`, ...(type ? { 'content-type': type } : {}) },
    ...(payload !== undefined ? { payload: payload as string } : {}),
  });
}

async function snapshot(table: string, where: string): Promise<string> {
  const rows = await queryRows<Record<string, unknown>>(
    t.database.db,
    sql.raw(`select to_jsonb(x) as row from ${table} x where ${where}`),
  );
  return JSON.stringify(rows);
}

beforeAll(async () => {
  t = await withApiApp();
  a = await t.createOrg('tenant-a');
  b = await t.createOrg('tenant-b');
  const fb = await as(a, 'POST', '/v1/feedback', {
    channel: 'complaint',
    text: 'Bins missed on Mill Lane',
    source: 'zendesk',
    externalId: 'A-1',
    contact: { email: 'a@example.org' },
  });
  ids.feedback = (fb.json() as { id: string }).id;
  const theme = await queryRows<{ key: string }>(
    t.database.db,
    sql`select key from themes where org_id = ${a.id} limit 1`,
  );
  const action = await as(a, 'POST', '/v1/actions', {
    title: 'Extra collection round',
    themeKeys: [theme[0]!.key],
    feedbackIds: [ids.feedback],
    status: 'done',
    publicStatement: 'We added a round',
  });
  ids.action = (action.json() as { id: string }).id;
  const pub = await as(a, 'POST', '/v1/publications', {
    themeKey: theme[0]!.key,
    periodStart: '2024-01-01',
    periodEnd: '2030-12-31',
    summary: 'You told us about bins',
    actionIds: [ids.action],
  });
  ids.publication = (pub.json() as { id: string }).id;
  const key = await as(a, 'POST', '/v1/api-keys', { name: 'A key', scopes: ['feedback:read'] });
  ids.apiKey = (key.json() as { id: string }).id;
  const imp = await as(a, 'POST', '/v1/imports', 'Date,Comment\n14/10/2024,Lovely staff\n', 'text/csv');
  ids.import = (imp.json() as { importId: string }).importId;
  await as(a, 'PUT', '/v1/import-profiles/cards', {
    kind: 'comment_cards',
    headerRows: 1,
    columns: { text: ['Comment'] },
    channel: 'comment_card',
  });
});
afterAll(async () => {
  await t.close();
});

interface Route {
  name: string;
  method: string;
  url: () => string;
  payload?: unknown;
  /** The row of A that must not change. */
  table: string;
  where: () => string;
}

const fbRow = () => `id = '${ids.feedback}'`;
const ROUTES: Route[] = [
  { name: 'GET feedback', method: 'GET', url: () => `/v1/feedback/${ids.feedback}`, table: 'feedback', where: fbRow },
  {
    name: 'GET feedback by external id',
    method: 'GET',
    url: () => '/v1/feedback/by-external/zendesk/A-1',
    table: 'feedback',
    where: fbRow,
  },
  {
    name: 'PATCH feedback',
    method: 'PATCH',
    url: () => `/v1/feedback/${ids.feedback}`,
    payload: { rating: 1 },
    table: 'feedback',
    where: fbRow,
  },
  {
    name: 'PATCH feedback by external id',
    method: 'PATCH',
    url: () => '/v1/feedback/by-external/zendesk/A-1',
    payload: { rating: 1 },
    table: 'feedback',
    where: fbRow,
  },
  {
    name: 'DELETE feedback',
    method: 'DELETE',
    url: () => `/v1/feedback/${ids.feedback}`,
    table: 'feedback',
    where: fbRow,
  },
  ...['acknowledge', 'investigate', 'close', 'escalate'].map((step) => ({
    name: `POST ${step}`,
    method: 'POST',
    url: () => `/v1/feedback/${ids.feedback}/${step}`,
    payload: {},
    table: 'feedback',
    where: fbRow,
  })),
  {
    name: 'POST resolve',
    method: 'POST',
    url: () => `/v1/feedback/${ids.feedback}/resolve`,
    payload: { outcome: 'x' },
    table: 'feedback',
    where: fbRow,
  },
  {
    name: 'GET action',
    method: 'GET',
    url: () => `/v1/actions/${ids.action}`,
    table: 'improvement_actions',
    where: () => `id = '${ids.action}'`,
  },
  {
    name: 'PATCH action',
    method: 'PATCH',
    url: () => `/v1/actions/${ids.action}`,
    payload: { title: 'hijacked' },
    table: 'improvement_actions',
    where: () => `id = '${ids.action}'`,
  },
  {
    name: 'POST action feedback link',
    method: 'POST',
    url: () => `/v1/actions/${ids.action}/feedback`,
    payload: () => ({ feedbackIds: [ids.feedback] }),
    table: 'improvement_actions',
    where: () => `id = '${ids.action}'`,
  },
  ...['', '/approve', '/publish', '/archive'].map((step) => ({
    name: `${step ? 'POST' : 'GET'} publication${step}`,
    method: step ? 'POST' : 'GET',
    url: () => `/v1/publications/${ids.publication}${step}`,
    table: 'publications',
    where: () => `id = '${ids.publication}'`,
  })),
  {
    name: 'DELETE api key',
    method: 'DELETE',
    url: () => `/v1/api-keys/${ids.apiKey}`,
    table: 'api_keys',
    where: () => `id = '${ids.apiKey}'`,
  },
  {
    name: 'GET import',
    method: 'GET',
    url: () => `/v1/imports/${ids.import}`,
    table: 'imports',
    where: () => `id = '${ids.import}'`,
  },
  {
    name: 'GET import profile',
    method: 'GET',
    url: () => '/v1/import-profiles/cards',
    table: 'import_profiles',
    where: () => `org_id = '${a.id}'`,
  },
  {
    name: 'DELETE import profile',
    method: 'DELETE',
    url: () => '/v1/import-profiles/cards',
    table: 'import_profiles',
    where: () => `org_id = '${a.id}'`,
  },
];

describe("another organisation's key on this organisation's resources", () => {
  it('the fixtures exist', () => {
    expect(Object.keys(ids).sort()).toEqual(['action', 'apiKey', 'feedback', 'import', 'publication']);
    expect(Object.values(ids).every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
  });

  for (const route of ROUTES) {
    it(`${route.name} answers 404 and changes nothing`, async () => {
      const before = await snapshot(route.table, route.where());
      expect(before).not.toBe('[]');
      const payload = typeof route.payload === 'function' ? (route.payload as () => unknown)() : route.payload;
      const res = await as(b, route.method, route.url(), payload);
      expect(res.statusCode, res.body).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((res.json() as { code: string }).code).toMatch(/_not_found$/);
      expect(await snapshot(route.table, route.where())).toBe(before);
    });
  }

  it("B's lists never show A's rows", async () => {
    const feedback = await as(b, 'GET', '/v1/feedback');
    expect((feedback.json() as { items: unknown[] }).items).toEqual([]);
    const keys = await as(b, 'GET', '/v1/api-keys');
    expect(keys.body).not.toContain(ids.apiKey);
    const profiles = await as(b, 'GET', '/v1/import-profiles');
    expect((profiles.json() as { items: unknown[] }).items).toEqual([]);
  });

  it("A's own key still reads its resources (the 404s are about the tenant, not the ids)", async () => {
    expect((await as(a, 'GET', `/v1/feedback/${ids.feedback}`)).statusCode).toBe(200);
    expect((await as(a, 'GET', `/v1/imports/${ids.import}`)).statusCode).toBe(200);
    expect((await as(a, 'GET', '/v1/import-profiles/cards')).statusCode).toBe(200);
  });
});
