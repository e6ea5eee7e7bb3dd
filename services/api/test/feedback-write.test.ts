import { CHUNK_SIZE } from '@closeloop/core';
import { queryRows, schema } from '@closeloop/db';
import { ANALYSE_BATCH_MAX } from '@closeloop/queue';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestApp as TestApp, type ApiTestOrg as TestOrg, withApiApp as withApp } from './helpers/app.ts';

let t: TestApp;
let org: TestOrg;
const auth = () => ({ authorization: `Bearer ${org.apiKey}` });

async function count(orgId: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from feedback where org_id = ${orgId}`,
  );
  return rows[0]!.n;
}

beforeAll(async () => {
  t = await withApp();
  org = await t.createOrg('bulk-org');
});
afterAll(async () => {
  await t.close();
});

describe('POST /v1/feedback (group commit)', () => {
  /** Every analyse job that covers one of `ids` (a job of one row has the row id, a group job `b-<first id>`). */
  async function analyseJobsOf(ids: string[]) {
    const found = new Map<string, { feedbackId: string; batch?: string[] }>();
    for (const id of ids) {
      for (const jobId of [id, `b-${id}`]) {
        const job = await t.queue.getJob('analyse', jobId);
        if (job) found.set(jobId, job.payload as { feedbackId: string; batch?: string[] });
      }
    }
    return [...found.values()];
  }

  it('concurrent submissions are committed together and analysed by one job per group', async () => {
    const before = await count(org.id);
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/feedback',
          headers: auth(),
          payload: { channel: 'widget', text: `Concurrent note ${i}`, rating: (i % 5) + 1 },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(30).fill(202));
    const ids = responses.map((r) => (r.json() as { id: string }).id);
    expect(new Set(ids).size).toBe(30);
    expect(await count(org.id)).toBe(before + 30);
    const jobs = await analyseJobsOf(ids);
    expect(jobs.length).toBeLessThan(30);
    expect(jobs.flatMap((j) => [j.feedbackId, ...(j.batch ?? [])]).sort()).toEqual([...ids].sort());
  });

  it('a row the database refuses fails only its own request; its group-mates are stored', async () => {
    await t.database.db.execute(sql`create or replace function refuse_poison() returns trigger language plpgsql as $$
      begin if new.text = 'poison' then raise exception 'poisoned row'; end if; return new; end $$`);
    await t.database.db.execute(sql`create trigger refuse_poison before insert on feedback
      for each row execute function refuse_poison()`);
    try {
      const before = await count(org.id);
      const texts = ['good one', 'poison', 'good two', 'good three'];
      const responses = await Promise.all(
        texts.map((text) =>
          t.app.inject({ method: 'POST', url: '/v1/feedback', headers: auth(), payload: { channel: 'widget', text } }),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual([202, 500, 202, 202]);
      expect(responses[1]!.headers['content-type']).toContain('application/problem+json');
      expect(await count(org.id)).toBe(before + 3);
      const ids = [0, 2, 3].map((i) => (responses[i]!.json() as { id: string }).id);
      const jobs = await analyseJobsOf(ids);
      expect(jobs.flatMap((j) => [j.feedbackId, ...(j.batch ?? [])]).sort()).toEqual([...ids].sort());
    } finally {
      await t.database.db.execute(sql`drop trigger refuse_poison on feedback`);
    }
  });
});

describe('GET /v1/feedback?q=', () => {
  it('finds rows still waiting for analysis and analysed rows alike', async () => {
    const post = (text: string) =>
      t.app.inject({ method: 'POST', url: '/v1/feedback', headers: auth(), payload: { channel: 'widget', text } });
    const fresh = (await post('The zebra crossing by the school is faded')).json() as { id: string };
    const done = (await post('Repaint the zebra crossing please')).json() as { id: string };
    await post('Nothing about roads here');
    await t.database.db.execute(
      sql`update feedback set status = 'analysed', analysed_at = now() where id = ${done.id}`,
    );
    const res = await t.app.inject({ method: 'GET', url: '/v1/feedback?q=zebra%20crossing', headers: auth() });
    expect(res.statusCode).toBe(200);
    const ids = (res.json() as { items: { id: string }[] }).items.map((i) => i.id).sort();
    expect(ids).toEqual([fresh.id, done.id].sort());
  });
});

describe('POST /v1/feedback:bulk', () => {
  it('stores good items, rejects bad ones with field errors, one result per item in order', async () => {
    const items = [
      { channel: 'survey', text: 'More evening slots please', rating: 4 },
      { channel: 'widget', text: '' },
      { channel: 'nope', text: 'x' },
      {
        channel: 'crm',
        text: 'Bin missed',
        source: 'zendesk',
        externalId: 'z-1',
        details: { kind: 'crm', system: 'zendesk', externalId: 'z-1' },
        contact: { email: 'megan@example.org', consentContact: true },
      },
    ];
    const res = await t.app.inject({ method: 'POST', url: '/v1/feedback:bulk', headers: auth(), payload: { items } });
    expect(res.statusCode).toBe(202);
    const body = res.json() as {
      accepted: number;
      rejected: number;
      results: { index: number; status: string; id?: string; errors?: { path: string }[] }[];
    };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(2);
    expect(body.results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected', 'accepted']);
    expect(body.results.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(body.results[1]!.errors?.[0]?.path).toBe('text');
    expect(body.results[2]!.errors?.[0]?.path).toBe('channel');
    const stored = await t.database.db
      .select()
      .from(schema.feedback)
      .where(eq(schema.feedback.id, body.results[3]!.id!));
    expect(stored[0]?.contactId).not.toBeNull();
    const contact = await t.database.db
      .select()
      .from(schema.contacts)
      .where(eq(schema.contacts.id, stored[0]!.contactId!));
    expect(contact[0]?.sealed).not.toContain('megan');
  });

  it('stores 1,200 items across three chunks and enqueues analysis for each', async () => {
    const before = await count(org.id);
    const items = Array.from({ length: 1200 }, (_, i) => ({ channel: 'widget', text: `Item number ${i}` }));
    const res = await t.app.inject({ method: 'POST', url: '/v1/feedback:bulk', headers: auth(), payload: { items } });
    expect(res.statusCode).toBe(202);
    expect((res.json() as { accepted: number }).accepted).toBe(1200);
    expect(await count(org.id)).toBe(before + 1200);
    // One analyse job per ANALYSE_BATCH_MAX committed rows (chunks are multiples of it), together covering every row.
    const ids = (res.json() as { results: { id: string }[] }).results.map((r) => r.id);
    expect(CHUNK_SIZE % ANALYSE_BATCH_MAX).toBe(0);
    const covered: string[] = [];
    for (let i = 0; i < ids.length; i += ANALYSE_BATCH_MAX) {
      const job = await t.queue.getJob('analyse', `b-${ids[i]}`);
      const payload = job?.payload as { orgId: string; feedbackId: string; batch: string[] };
      expect(payload.orgId).toBe(org.id);
      covered.push(payload.feedbackId, ...payload.batch);
    }
    expect(covered).toEqual(ids);
  });

  it('plain items (written with COPY) keep quotes, commas, newlines, backslashes and any script exactly', async () => {
    const tricky = [
      'He said "no", then left',
      'line one\nline two\r\nline three',
      'tab\there, back\\slash \\N and \\.',
      'Croeso i Gymru — ŵ ŷ ☃ 👍🏽',
      ',"",',
    ];
    const items = Array.from({ length: 60 }, (_, i) => ({
      channel: 'survey',
      text: tricky[i % tricky.length],
      rating: (i % 5) + 1,
      language: i % 2 ? 'cy' : 'en',
      details: { kind: 'survey', questionText: `Q "${i}", ok?`, answer: tricky[(i + 1) % tricky.length] },
    }));
    const res = await t.app.inject({ method: 'POST', url: '/v1/feedback:bulk', headers: auth(), payload: { items } });
    expect(res.statusCode).toBe(202);
    const ids = (res.json() as { results: { id: string }[] }).results.map((r) => r.id);
    const rows = await t.database.db.select().from(schema.feedback).where(inArray(schema.feedback.id, ids));
    const byId = new Map(rows.map((r) => [r.id, r]));
    ids.forEach((id, i) => {
      const row = byId.get(id)!;
      expect(row.text).toBe(items[i]!.text);
      expect(row.rating).toBe(items[i]!.rating);
      expect(row.language).toBe(items[i]!.language);
      expect(row.details).toMatchObject(items[i]!.details);
      expect(row.status).toBe('received');
    });
  });

  it('a repeat of a (source, externalId) in a later request updates the row instead of adding one', async () => {
    const item = {
      channel: 'crm',
      text: 'Ticket first text',
      source: 'hubspot',
      externalId: 'h-9',
      details: { kind: 'crm', system: 'hubspot', externalId: 'h-9' },
    };
    const first = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback:bulk',
      headers: auth(),
      payload: { items: [item] },
    });
    const second = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback:bulk',
      headers: auth(),
      payload: { items: [{ ...item, text: 'Ticket edited text' }] },
    });
    const a = (first.json() as { results: { id: string; created: boolean }[] }).results[0]!;
    const b = (second.json() as { results: { id: string; created: boolean }[] }).results[0]!;
    expect(b.id).toBe(a.id);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    const row = await t.database.db.select().from(schema.feedback).where(eq(schema.feedback.id, a.id));
    expect(row[0]?.text).toBe('Ticket edited text');
  });

  it('rejects a second item with the same source and externalId in one request', async () => {
    const item = { channel: 'widget', text: 'dup', source: 'x', externalId: 'same' };
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback:bulk',
      headers: auth(),
      payload: { items: [item, item] },
    });
    const body = res.json() as { results: { status: string }[] };
    expect(body.results.map((r) => r.status)).toEqual(['accepted', 'rejected']);
  });

  it('a replay with the same Idempotency-Key and body creates no rows and returns the same response', async () => {
    const payload = {
      items: [
        { channel: 'widget', text: 'replay me' },
        { channel: 'widget', text: 'and me' },
      ],
    };
    const headers = { ...auth(), 'idempotency-key': 'bulk-replay-1' };
    const first = await t.app.inject({ method: 'POST', url: '/v1/feedback:bulk', headers, payload });
    const before = await count(org.id);
    const second = await t.app.inject({ method: 'POST', url: '/v1/feedback:bulk', headers, payload });
    expect(second.statusCode).toBe(202);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await count(org.id)).toBe(before);
  });

  it('the same Idempotency-Key with another body answers 422 idempotency_key_reused and stores nothing', async () => {
    const headers = { ...auth(), 'idempotency-key': 'bulk-replay-2' };
    await t.app.inject({
      method: 'POST',
      url: '/v1/feedback:bulk',
      headers,
      payload: { items: [{ channel: 'widget', text: 'a' }] },
    });
    const before = await count(org.id);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback:bulk',
      headers,
      payload: { items: [{ channel: 'widget', text: 'b' }] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((res.json() as { code: string }).code).toBe('idempotency_key_reused');
    expect(await count(org.id)).toBe(before);
  });

  it('answers 422 with item paths when no item is acceptable, and refuses more than 10,000 items', async () => {
    const none = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback:bulk',
      headers: auth(),
      payload: { items: [{ channel: 'widget' }] },
    });
    expect(none.statusCode).toBe(422);
    expect((none.json() as { errors: { path: string }[] }).errors[0]!.path).toBe('items.0.text');
    const many = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback:bulk',
      headers: auth(),
      payload: { items: Array.from({ length: 10_001 }, () => ({ channel: 'widget', text: 'x' })) },
    });
    expect(many.statusCode).toBe(422);
  });
});

describe('PATCH, DELETE and lookup by external id', () => {
  it('sets staff themes (confirmed, source staff) and records a training example', async () => {
    const posted = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: auth(),
      payload: { channel: 'widget', text: 'The bins were not collected' },
    });
    const { id } = posted.json() as { id: string };
    const themes = await queryRows<{ key: string }>(
      t.database.db,
      sql`select key from themes where org_id = ${org.id} limit 2`,
    );
    const keys = themes.map((th) => th.key);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/feedback/${id}`,
      headers: auth(),
      payload: { themes: keys, rating: 2 },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { rating: number; themes: { key: string; source: string; confirmed: boolean }[] };
    expect(body.rating).toBe(2);
    expect(body.themes.map((th) => th.key).sort()).toEqual([...keys].sort());
    expect(body.themes.every((th) => th.source === 'staff' && th.confirmed)).toBe(true);
    const examples = await t.database.db
      .select()
      .from(schema.trainingExamples)
      .where(eq(schema.trainingExamples.feedbackId, id));
    expect(examples[0]?.labels.sort()).toEqual([...keys].sort());
  });

  it('refuses unknown theme keys and unknown service points with a field list', async () => {
    const posted = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: auth(),
      payload: { channel: 'widget', text: 'x y z' },
    });
    const { id } = posted.json() as { id: string };
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/feedback/${id}`,
      headers: auth(),
      payload: { themes: ['no.such.theme'], servicePointId: '0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77' },
    });
    expect(res.statusCode).toBe(422);
    const paths = (res.json() as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
    expect(paths).toEqual(['servicePointId', 'themes.0']);
  });

  it('DELETE erases text, personal details and contact data but keeps the anonymous row', async () => {
    const posted = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: auth(),
      payload: {
        channel: 'email',
        text: 'My name is Megan and the bins are late',
        details: { kind: 'email', from: 'megan@example.org', subject: 'Bins' },
        contact: { email: 'megan@example.org', consentContact: true },
      },
    });
    const { id } = posted.json() as { id: string };
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/feedback/${id}`, headers: auth() });
    expect(del.statusCode).toBe(204);
    const [row] = await t.database.db.select().from(schema.feedback).where(eq(schema.feedback.id, id));
    expect(row?.text).toBeNull();
    expect(row?.status).toBe('erased');
    expect(row?.channel).toBe('email');
    expect(row?.details).toEqual({ kind: 'email' });
    const [contact] = await t.database.db.select().from(schema.contacts).where(eq(schema.contacts.id, row!.contactId!));
    expect(contact?.sealed).toBeNull();
    expect(contact?.erasedAt).not.toBeNull();
    const again = await t.app.inject({ method: 'DELETE', url: `/v1/feedback/${id}`, headers: auth() });
    expect(again.statusCode).toBe(204);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/v1/feedback/${id}`,
      headers: auth(),
      payload: { rating: 3 },
    });
    expect(patch.statusCode).toBe(409);
  });

  it('finds and corrects an item by source and external id', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: auth(),
      payload: {
        channel: 'crm',
        text: 'Pothole on Station Road',
        source: 'zendesk',
        externalId: '123',
        details: { kind: 'crm', system: 'zendesk', externalId: '123' },
      },
    });
    const got = await t.app.inject({ method: 'GET', url: '/v1/feedback/by-external/zendesk/123', headers: auth() });
    expect(got.statusCode).toBe(200);
    expect((got.json() as { text: string }).text).toBe('Pothole on Station Road');
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/v1/feedback/by-external/zendesk/123',
      headers: auth(),
      payload: { language: 'cy' },
    });
    expect((patched.json() as { language: string }).language).toBe('cy');
    const missing = await t.app.inject({ method: 'GET', url: '/v1/feedback/by-external/zendesk/999', headers: auth() });
    expect(missing.statusCode).toBe(404);
  });
});
