import { queryRows } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, withApp } from '../../../test/harness/app.ts';
import { demoContent } from '../../cli/src/demo/content.ts';
import { seedDemo } from '../../cli/src/demo/seed.ts';
import { computeLoopMetrics, type LoopFeedbackRow } from '../src/metrics/compute.ts';

const DAY = 86_400_000;

/** Median and p90 by hand: sort, then interpolate between the two closest ranks. */
function quantile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * p;
  const below = s[Math.floor(pos)]!;
  const above = s[Math.ceil(pos)]!;
  return below + (above - below) * (pos - Math.floor(pos));
}

/** The demo's receipt time of an item, as the demo describes it: `daysAgo` days back at a stable hour. */
function receivedAtOf(key: string, daysAgo: number, now: Date): number {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const at = new Date(now.getTime() - daysAgo * DAY);
  at.setUTCHours(8 + (h % 10), (key.length * 7) % 60, 0, 0);
  return at > now ? now.getTime() - 60_000 : at.getTime();
}

function addWorkingDays(from: number, days: number): number {
  const at = new Date(from);
  for (let left = days; left > 0; ) {
    at.setUTCDate(at.getUTCDate() + 1);
    if (at.getUTCDay() !== 0 && at.getUTCDay() !== 6) left--;
  }
  return at.getTime();
}

interface Dist {
  n: number;
  medianDays: number | null;
  p90Days: number | null;
}

function expectDist(actual: Dist, days: number[]) {
  expect(actual.n).toBe(days.length);
  const median = quantile(days, 0.5);
  const p90 = quantile(days, 0.9);
  if (median === null) expect(actual.medianDays).toBeNull();
  else expect(actual.medianDays).toBeCloseTo(median, 2);
  if (p90 === null) expect(actual.p90Days).toBeNull();
  else expect(actual.p90Days).toBeCloseTo(p90, 2);
}

describe('loop metrics on the demo organisation, checked against values worked out from the demo content', () => {
  let t: TestApp;
  let apiKey: string;
  // Links and declines are stamped by the database at seeding; seeding "now" keeps them at the seed's now.
  const now = new Date();
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - 200 * DAY).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await withApp();
    const seeded = await seedDemo(t.database, t.sealer, now);
    apiKey = seeded!.apiKey;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  test('times to link and to a finished action, published-outcome share and complaint SLA match the content', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/metrics/loop?from=${from}&to=${to}`,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json() as {
      feedback: number;
      reachedPublishedOutcome: number;
      publishedOutcomeShare: number;
      overall: { linked: Dist; actionClosed: Dist; told: Dist };
      byChannel: { channel: string; feedback: number; linked: Dist; actionClosed: Dist; told: Dist }[];
      complaints: {
        total: number;
        acknowledge: { met: number; breached: number; pending: number; unknown: number; share: number | null };
        resolve: { met: number; breached: number; pending: number; unknown: number; share: number | null };
      };
    };

    // By hand from demoContent.
    const c = demoContent;
    const received = new Map(c.feedback.map((f) => [f.key, receivedAtOf(f.key, f.daysAgo, now)]));
    const closedAt = new Map<string, number>();
    for (const a of c.actions) {
      if (a.status === 'done') closedAt.set(a.key, now.getTime() - (a.completedDaysAgo ?? 0) * DAY);
      if (a.status === 'declined') closedAt.set(a.key, now.getTime());
    }
    const published = new Set(c.publications.filter((p) => p.state === 'published').flatMap((p) => p.actionKeys));
    const linkedTo = new Map<string, string[]>();
    for (const a of c.actions)
      for (const k of a.linkedFeedbackKeys) linkedTo.set(k, [...(linkedTo.get(k) ?? []), a.key]);

    const stage = (keys: string[]) => {
      const linked: number[] = [];
      const closed: number[] = [];
      for (const key of keys) {
        const actions = linkedTo.get(key) ?? [];
        const r = received.get(key)!;
        if (actions.length > 0) linked.push((now.getTime() - r) / DAY);
        const ends = actions.flatMap((a) => (closedAt.has(a) ? [closedAt.get(a)!] : []));
        if (ends.length > 0) closed.push(Math.max(0, Math.min(...ends) - r) / DAY);
      }
      return { linked, closed };
    };

    const allKeys = c.feedback.map((f) => f.key);
    expect(m.feedback).toBe(allKeys.length);
    const reached = allKeys.filter((k) =>
      (linkedTo.get(k) ?? []).some((a) => closedAt.has(a) && published.has(a)),
    ).length;
    expect(m.reachedPublishedOutcome).toBe(reached);
    expect(m.publishedOutcomeShare).toBeCloseTo(reached / allKeys.length, 4);

    const overall = stage(allKeys);
    expectDist(m.overall.linked, overall.linked);
    expectDist(m.overall.actionClosed, overall.closed);
    expectDist(m.overall.told, []);

    const channels = [...new Set(c.feedback.map((f) => f.channel))];
    expect(m.byChannel.map((b) => b.channel).sort()).toEqual(channels.sort());
    for (const channel of channels) {
      const keys = c.feedback.filter((f) => f.channel === channel).map((f) => f.key);
      const row = m.byChannel.find((b) => b.channel === channel)!;
      expect(row.feedback).toBe(keys.length);
      const s = stage(keys);
      expectDist(row.linked, s.linked);
      expectDist(row.actionClosed, s.closed);
    }

    // Complaints: the demo sets statuses but no timestamps; due dates come from the SLA (3 and 20 working days).
    const complaints = c.feedback.filter((f) => f.channel === 'complaint');
    const statusOf = (f: (typeof complaints)[number]) =>
      (f.details && 'status' in f.details ? f.details.status : undefined) ?? 'received';
    const judge = (doneByStatus: boolean, due: number) =>
      doneByStatus ? 'unknown' : now.getTime() > due ? 'breached' : 'pending';
    const ack = complaints.map((f) => judge(statusOf(f) !== 'received', addWorkingDays(received.get(f.key)!, 3)));
    const resolve = complaints.map((f) =>
      judge(['resolved', 'closed'].includes(statusOf(f)), addWorkingDays(received.get(f.key)!, 20)),
    );
    const tally = (list: string[]) => ({
      met: 0,
      breached: list.filter((x) => x === 'breached').length,
      pending: list.filter((x) => x === 'pending').length,
      unknown: list.filter((x) => x === 'unknown').length,
      share: list.includes('breached') ? 0 : null,
    });
    expect(m.complaints.total).toBe(complaints.length);
    expect(m.complaints.acknowledge).toEqual(tally(ack));
    expect(m.complaints.resolve).toEqual(tally(resolve));
  });

  test('a contributor told by email counts in the told stage; its time is the email’s send time', async () => {
    const [row] = await queryRows<{ action_id: string; contact_id: string; feedback_id: string }>(
      t.database.db,
      sql`select af.action_id, f.contact_id, f.id as feedback_id from action_feedback af
          join feedback f on f.id = af.feedback_id join improvement_actions a on a.id = af.action_id
          where a.status = 'done' and f.contact_id is not null order by f.received_at limit 1`,
    );
    const sentAt = new Date(now.getTime() + 2 * DAY);
    await queryRows(
      t.database.db,
      sql`insert into notifications (org_id, action_id, contact_id, feedback_id, medium, state, sent_at)
          select org_id, ${row!.action_id}, ${row!.contact_id}, ${row!.feedback_id}, 'email', 'sent', ${sentAt.toISOString()}::timestamptz
          from feedback where id = ${row!.feedback_id}`,
    );
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/metrics/loop?from=${from}&to=${to}`,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const m = res.json() as { overall: { told: Dist } };
    const [fb] = await queryRows<{ received_ms: number }>(
      t.database.db,
      sql`select extract(epoch from received_at)::float8 * 1000 as received_ms from feedback where id = ${row!.feedback_id}`,
    );
    expect(m.overall.told.n).toBe(1);
    expect(m.overall.told.medianDays).toBeCloseTo((sentAt.getTime() - Number(fb!.received_ms)) / DAY, 3);
  });

  test('the pure computation: type-7 percentiles, events before receipt count as 0, complaint judgements', () => {
    const base = Date.UTC(2026, 0, 5);
    const row = (i: number, extra: Partial<LoopFeedbackRow>): LoopFeedbackRow => ({
      id: String(i),
      channel: 'widget',
      themeKeys: ['a'],
      receivedAt: base,
      linkedAt: null,
      closedAt: null,
      toldAt: null,
      publishedOutcome: false,
      complaint: null,
      ...extra,
    });
    const rows = [1, 2, 3, 4, 10].map((d, i) => row(i, { linkedAt: base + d * DAY }));
    rows.push(row(9, { closedAt: base - DAY, publishedOutcome: true }));
    rows.push(
      row(10, {
        channel: 'complaint',
        complaint: {
          status: 'resolved',
          acknowledgeDueAt: base + 3 * DAY,
          resolveDueAt: base + 20 * DAY,
          acknowledgedAt: base + DAY,
          resolvedAt: base + 25 * DAY,
          breached: [],
        },
      }),
    );
    const m = computeLoopMetrics(rows, base + 30 * DAY);
    expect(m.overall.linked).toEqual({ n: 5, medianDays: 3, p90Days: 7.6 });
    expect(m.overall.actionClosed).toEqual({ n: 1, medianDays: 0, p90Days: 0 });
    expect(m.publishedOutcomeShare).toBeCloseTo(1 / 7, 4);
    expect(m.complaints.acknowledge).toMatchObject({ met: 1, breached: 0, share: 1 });
    expect(m.complaints.resolve).toMatchObject({ met: 0, breached: 1, share: 0 });
  });
});
