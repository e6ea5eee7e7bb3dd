import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';

describe('POST /v1/feedback rejects bad input with problem+json and a stable code', () => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('bad-input', ['feedback:write', 'feedback:read']);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (headers: Record<string, string>, payload: string | object) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: { 'content-type': 'application/json', ...headers },
      payload,
    });

  function expectProblem(
    res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
    status: number,
    code: string,
  ) {
    expect(res.statusCode).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const body = res.json() as { code: string; status: number; type: string; title: string };
    expect(body.code).toBe(code);
    expect(body.status).toBe(status);
    expect(body.type).toContain(code);
    return body;
  }

  test('missing key → 401 missing_api_key', async () => {
    expectProblem(await post({}, { channel: 'widget', text: 'x' }), 401, 'missing_api_key');
  });

  test('unknown key → 401 invalid_api_key', async () => {
    expectProblem(
      await post({ authorization: 'Bearer cl_nope_nope' }, { channel: 'widget', text: 'x' }),
      401,
      'invalid_api_key',
    );
  });

  test('key without the scope → 403 insufficient_scope', async () => {
    const readOnly = await t.createOrg('bad-input-ro', ['feedback:read']);
    expectProblem(
      await post({ authorization: `Bearer ${readOnly.apiKey}` }, { channel: 'widget', text: 'x' }),
      403,
      'insufficient_scope',
    );
  });

  test('malformed JSON → 400 malformed_json', async () => {
    expectProblem(
      await post({ authorization: `Bearer ${org.apiKey}` }, '{"channel": "widget", "text": '),
      400,
      'malformed_json',
    );
  });

  test('body over the limit → 413 payload_too_large', async () => {
    const big = JSON.stringify({ channel: 'widget', text: 'a'.repeat(1_100_000) });
    expectProblem(await post({ authorization: `Bearer ${org.apiKey}` }, big), 413, 'payload_too_large');
  });

  test('invalid fields → 422 validation_failed with a field list', async () => {
    const body = expectProblem(
      await post({ authorization: `Bearer ${org.apiKey}` }, { channel: 'pigeon', text: '', rating: 9, extra: true }),
      422,
      'validation_failed',
    ) as unknown as { errors: { path: string; message: string }[] };
    const paths = body.errors.map((e) => e.path).join(' ');
    expect(paths).toContain('channel');
    expect(paths).toContain('text');
    expect(paths).toContain('rating');
    expect(body.errors.some((e) => /extra|unrecognized/i.test(`${e.path} ${e.message}`))).toBe(true);
  });

  test('details of another channel → 422', async () => {
    expectProblem(
      await post(
        { authorization: `Bearer ${org.apiKey}` },
        { channel: 'widget', text: 'ok', details: { kind: 'email', subject: 's' } },
      ),
      422,
      'validation_failed',
    );
  });

  test('a service point of another organisation → 422, nothing stored', async () => {
    const res = await post(
      { authorization: `Bearer ${org.apiKey}` },
      { channel: 'widget', text: 'ok', servicePointId: '00000000-0000-4000-8000-000000000000' },
    );
    expectProblem(res, 422, 'validation_failed');
  });

  test('wrong content type → 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/x-unknown' },
      payload: 'hello',
    });
    expectProblem(res, 415, 'unsupported_media_type');
  });

  test('unicode text is stored as sent', async () => {
    const text = 'Roedd y staff yn garedig iawn 👍 — ŵ ŷ â';
    const res = await post({ authorization: `Bearer ${org.apiKey}` }, { channel: 'widget', text });
    expect(res.statusCode).toBe(202);
    const got = await t.app.inject({
      method: 'GET',
      url: `/v1/feedback/${(res.json() as { id: string }).id}`,
      headers: { authorization: `Bearer ${org.apiKey}` },
    });
    expect((got.json() as { text: string }).text).toBe(text);
  });

  test('another organisation’s feedback id → 404 feedback_not_found', async () => {
    const other = await t.createOrg('bad-input-other', ['feedback:write', 'feedback:read']);
    const res = await post({ authorization: `Bearer ${other.apiKey}` }, { channel: 'widget', text: 'mine' });
    const id = (res.json() as { id: string }).id;
    const got = await t.app.inject({
      method: 'GET',
      url: `/v1/feedback/${id}`,
      headers: { authorization: `Bearer ${org.apiKey}` },
    });
    expectProblem(got, 404, 'feedback_not_found');
  });

  test('an unknown route → 404 route_not_found', async () => {
    expectProblem(await t.app.inject({ method: 'GET', url: '/v1/nothing' }), 404, 'route_not_found');
  });
});
