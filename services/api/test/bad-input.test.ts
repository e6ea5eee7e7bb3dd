import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestApp, type ApiTestOrg, withApiApp } from './helpers/app.ts';

/**
 * The error contract per endpoint family: 401 without or with a bad key, 403 without the scope, 400 for
 * malformed JSON, 413 over the body limit, 415 for a content type the route does not take, 422 with a field
 * list for invalid fields. Every answer is problem+json with a stable code.
 */
let t: ApiTestApp;
let org: ApiTestOrg;
let readOnly: string;
let feedbackId: string;
const IMPORT_LIMIT = 256 * 1024;

interface Family {
  name: string;
  method: 'POST' | 'PATCH' | 'PUT';
  url: () => string;
  /** A body that is valid JSON but has invalid fields, and the path the 422 must name. */
  invalid: unknown;
  invalidPath: string;
  /** The scope-less key lacks this family's scope. */
  limitBytes: number;
  json?: boolean;
}

const FAMILIES: Family[] = [
  {
    name: 'POST /v1/feedback',
    method: 'POST',
    url: () => '/v1/feedback',
    invalid: { channel: 'widget', text: 42 },
    invalidPath: 'body.text',
    limitBytes: 1_048_576,
  },
  {
    name: 'POST /v1/feedback:bulk',
    method: 'POST',
    url: () => '/v1/feedback:bulk',
    invalid: { items: 'nope' },
    invalidPath: 'body.items',
    limitBytes: 32 * 1024 * 1024,
  },
  {
    name: 'PATCH /v1/feedback/{id}',
    method: 'PATCH',
    url: () => `/v1/feedback/${feedbackId}`,
    invalid: { rating: 9 },
    invalidPath: 'body.rating',
    limitBytes: 1_048_576,
  },
  {
    name: 'POST /v1/feedback/{id}/resolve',
    method: 'POST',
    url: () => `/v1/feedback/${feedbackId}/resolve`,
    invalid: { outcome: 7 },
    invalidPath: 'body.outcome',
    limitBytes: 1_048_576,
  },
  {
    name: 'POST /v1/inbound/zendesk',
    method: 'POST',
    url: () => '/v1/inbound/zendesk',
    invalid: { hello: 'world' },
    invalidPath: '',
    limitBytes: 10 * 1024 * 1024,
  },
  {
    name: 'POST /v1/api-keys',
    method: 'POST',
    url: () => '/v1/api-keys',
    invalid: { name: '', scopes: [] },
    invalidPath: 'body.name',
    limitBytes: 1_048_576,
  },
  {
    name: 'PUT /v1/import-profiles/{name}',
    method: 'PUT',
    url: () => '/v1/import-profiles/cards',
    invalid: { kind: 'comment_cards', headerRows: 0, columns: { text: [] }, channel: 'comment_card' },
    invalidPath: 'body.headerRows',
    limitBytes: 1_048_576,
  },
  {
    name: 'POST /v1/actions',
    method: 'POST',
    url: () => '/v1/actions',
    invalid: { title: '' },
    invalidPath: 'body.title',
    limitBytes: 1_048_576,
  },
  {
    name: 'POST /v1/publications',
    method: 'POST',
    url: () => '/v1/publications',
    invalid: { summary: 'x' },
    invalidPath: 'body.periodStart',
    limitBytes: 1_048_576,
  },
];

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  code?: string,
) {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = JSON.parse(res.body) as { code: string; status: number };
  expect(body.status).toBe(status);
  if (code) expect(body.code).toBe(code);
  return body;
}

beforeAll(async () => {
  t = await withApiApp({ importLimitBytes: IMPORT_LIMIT });
  org = await t.createOrg('bad-input', undefined, { rateLimitPerMinute: 1_000_000 });
  readOnly = await t.keyFor(org.id, [], 1_000_000);
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/feedback',
    headers: { authorization: `Bearer ${org.apiKey}` },
    payload: { channel: 'complaint', text: 'x' },
  });
  feedbackId = (res.json() as { id: string }).id;
});
afterAll(async () => {
  await t.close();
});

for (const f of FAMILIES) {
  describe(f.name, () => {
    const send = (headers: Record<string, string>, payload: string | Buffer) =>
      t.app.inject({
        method: f.method,
        url: f.url(),
        headers: { 'content-type': 'application/json', ...headers },
        payload,
      });

    it('401 missing_api_key without a key, invalid_api_key with an unknown one', async () => {
      expectProblem(await send({}, '{}'), 401, 'missing_api_key');
      expectProblem(await send({ authorization: 'Bearer cl_nope_nope' }, '{}'), 401, 'invalid_api_key');
    });

    it('403 insufficient_scope with a key lacking the scope', async () => {
      expectProblem(await send({ authorization: `Bearer ${readOnly}` }, '{}'), 403, 'insufficient_scope');
    });

    it('400 malformed_json for a body that is not JSON', async () => {
      expectProblem(
        await send({ authorization: `Bearer ${org.apiKey}` }, '{"channel": "widget",'),
        400,
        'malformed_json',
      );
    });

    it('413 payload_too_large over the body limit', async () => {
      const big = Buffer.alloc(f.limitBytes + 1024, 0x20);
      big.write('{"a":"');
      expectProblem(await send({ authorization: `Bearer ${org.apiKey}` }, big), 413, 'payload_too_large');
    });

    it('415 unsupported_media_type for a content type the route does not take', async () => {
      const res = await t.app.inject({
        method: f.method,
        url: f.url(),
        headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'a=1',
      });
      expectProblem(res, 415, 'unsupported_media_type');
    });

    it('422 with the invalid fields named', async () => {
      const res = await send({ authorization: `Bearer ${org.apiKey}` }, JSON.stringify(f.invalid));
      const body = expectProblem(res, 422) as { code: string; errors?: { path: string }[] };
      if (f.invalidPath) expect(body.errors?.map((e) => e.path)).toContain(f.invalidPath);
      else expect(body.code).toBe('unrecognised_payload');
    });
  });
}

describe('POST /v1/imports', () => {
  const auth = () => ({ authorization: `Bearer ${org.apiKey}` });
  it('401 and 403 before reading the file', async () => {
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/v1/imports',
        headers: { 'content-type': 'text/csv' },
        payload: 'a\n1',
      }),
      401,
      'missing_api_key',
    );
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/v1/imports',
        headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'text/csv' },
        payload: 'a\n1',
      }),
      403,
      'insufficient_scope',
    );
  });

  it('415 for JSON, 413 past the import limit, 422 for an unreadable file and for bad query fields', async () => {
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/v1/imports',
        headers: { ...auth(), 'content-type': 'application/json' },
        payload: '{}',
      }),
      415,
      'unsupported_media_type',
    );
    const big = `Comment\n${'x'.repeat(IMPORT_LIMIT + 10)}\n`;
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/v1/imports',
        headers: { ...auth(), 'content-type': 'text/csv' },
        payload: big,
      }),
      413,
      'payload_too_large',
    );
    const xlsx = await t.app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { ...auth(), 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      payload: Buffer.from('not a zip at all'),
    });
    expectProblem(xlsx, 422);
    const query = await t.app.inject({
      method: 'POST',
      url: '/v1/imports?dryRun=maybe',
      headers: { ...auth(), 'content-type': 'text/csv' },
      payload: 'Comment\nhello\n',
    });
    expect((expectProblem(query, 422) as unknown as { errors: { path: string }[] }).errors[0]!.path).toContain(
      'dryRun',
    );
    const profile = await t.app.inject({
      method: 'POST',
      url: '/v1/imports?profile=missing',
      headers: { ...auth(), 'content-type': 'text/csv' },
      payload: 'Comment\nhello\n',
    });
    expectProblem(profile, 404, 'import_profile_not_found');
  });

  it('accepts multipart/form-data with a file part, and a dry run stores nothing', async () => {
    const boundary = '----closeloop';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="comment-cards.csv"',
      'Content-Type: text/csv',
      '',
      'Date,Location,Comment,Rating',
      '14/10/2024,Library,Great staff who helped me find large-print books,5',
      '15/10/2024,Leisure centre,The showers were cold again and nobody seemed to know why,2',
      '16/10/2024,Library,Two of the six computers were out of order,3',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const headers = { ...auth(), 'content-type': `multipart/form-data; boundary=${boundary}` };
    const dry = await t.app.inject({ method: 'POST', url: '/v1/imports?dryRun=true', headers, payload: body });
    expect(dry.statusCode, dry.body).toBe(200);
    const preview = dry.json() as { dryRun: boolean; profile: { kind: string }; rows: { ok: boolean }[] };
    expect(preview.profile.kind).toBe('comment_cards');
    expect(preview.rows).toHaveLength(3);
    const real = await t.app.inject({ method: 'POST', url: '/v1/imports', headers, payload: body });
    expect(real.statusCode, real.body).toBe(201);
    expect((real.json() as { imported: number }).imported).toBe(3);
  });
});

describe('POST /v1/inbound/{source}', () => {
  const auth = () => ({ authorization: `Bearer ${org.apiKey}` });
  it('an unknown source answers 404 unknown_source', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/inbound/myspace',
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: '{}',
    });
    expectProblem(res, 404, 'unknown_source');
  });

  it('email takes message/rfc822, rss takes XML, JSON sources take JSON: a mismatch is 415', async () => {
    const email = await t.app.inject({
      method: 'POST',
      url: '/v1/inbound/email',
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: '{}',
    });
    expectProblem(email, 415, 'unsupported_media_type');
    const rss = await t.app.inject({
      method: 'POST',
      url: '/v1/inbound/rss',
      headers: { ...auth(), 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expectProblem(rss, 415, 'unsupported_media_type');
    const broken = await t.app.inject({
      method: 'POST',
      url: '/v1/inbound/rss',
      headers: { ...auth(), 'content-type': 'application/xml' },
      payload: '<rss><channel><item>',
    });
    expectProblem(broken, 422);
  });
});
