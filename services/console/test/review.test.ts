import { findOrganisationBySlug, listCustomerGroups } from '@closeloop/db';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, withApp } from '../../../test/harness/app.ts';
import { seedDemo } from '../../cli/src/demo/seed.ts';
import { computeReview, flagOf, type ReviewInput } from '../src/review/compute.ts';
import { loadReviewInput } from '../src/review/queries.ts';
import { get, signIn } from './helpers.ts';

const handMade: ReviewInput = {
  groups: [
    { id: 'a', name: 'A', populationShare: 0.3 },
    { id: 'b', name: 'B', populationShare: 0.5 },
    { id: 'c', name: 'C', populationShare: 0.2 },
    { id: 'd', name: 'D', populationShare: null },
  ],
  counts: [
    { channel: 'widget', groupId: 'a', n: 6 },
    { channel: 'widget', groupId: 'b', n: 1 },
    { channel: 'widget', groupId: null, n: 3 },
    { channel: 'survey', groupId: 'a', n: 2 },
    { channel: 'survey', groupId: 'b', n: 1 },
    { channel: 'phone', groupId: 'd', n: 1 },
  ],
  engagements: [
    { id: 'e1', title: 'Survey', kind: 'survey', method: null, invited: 200, responses: 30 },
    { id: 'e2', title: 'Drop-in', kind: 'consultation', method: null, invited: 0, responses: 4 },
    { id: 'e3', title: 'Open form', kind: 'survey', method: null, invited: null, responses: 9 },
  ],
  channels: [
    { channel: 'widget', total: 10, consentContact: 4, consentOutcome: 3, publishedOutcome: 1 },
    { channel: 'phone', total: 0, consentContact: 0, consentOutcome: 0, publishedOutcome: 0 },
  ],
};

describe('engagement review computation', () => {
  const review = computeReview(handMade);
  const group = (id: string) => review.groups.find((g) => g.id === id)!;

  test('shares count only feedback with a recorded group: 11 of 14', () => {
    expect(review).toMatchObject({ total: 14, withGroup: 11, withoutGroup: 3 });
    expect(group('a').count).toBe(8);
    expect(group('a').feedbackShare).toBeCloseTo(8 / 11, 10);
    expect(group('b').feedbackShare).toBeCloseTo(2 / 11, 10);
    expect(group('c').feedbackShare).toBe(0);
  });

  test('representation index is feedback share over population share, flagged below 0.5 and above 2', () => {
    expect(group('a').index).toBeCloseTo(8 / 11 / 0.3, 10); // 2.424…
    expect(group('a').flag).toBe('over');
    expect(group('b').index).toBeCloseTo(2 / 11 / 0.5, 10); // 0.364…
    expect(group('b').flag).toBe('under');
    expect(group('c')).toMatchObject({ index: 0, flag: 'under' });
    expect(group('d')).toMatchObject({ index: null, flag: null, count: 1 });
    expect([flagOf(0.49), flagOf(0.5), flagOf(0.79), flagOf(0.8), flagOf(2), flagOf(2.01), flagOf(null)]).toEqual([
      'under',
      'below',
      'below',
      null,
      null,
      'over',
      null,
    ]);
  });

  test('each group lists the channels that reached it, most first', () => {
    expect(group('a').channels).toEqual([
      { channel: 'widget', n: 6 },
      { channel: 'survey', n: 2 },
    ]);
    expect(group('c').channels).toEqual([]);
  });

  test('the method × group table has rows per channel, a "not recorded" column and totals', () => {
    expect(review.matrix.channels).toEqual(['phone', 'survey', 'widget']);
    expect(review.matrix.columns.map((c) => c.id)).toEqual(['a', 'b', 'c', 'd', null]);
    expect(review.matrix.cells).toEqual([
      [0, 0, 0, 1, 0],
      [2, 1, 0, 0, 0],
      [6, 1, 0, 0, 3],
    ]);
    expect(review.matrix.rowTotals).toEqual([1, 3, 10]);
    expect(review.matrix.columnTotals).toEqual([8, 2, 0, 1, 3]);
  });

  test('response rate is responses over invited, unknown when nobody was counted as invited', () => {
    expect(review.engagements.map((e) => e.responseRate)).toEqual([0.15, null, null]);
  });

  test('consent and published-outcome shares per channel, unknown for an empty channel', () => {
    expect(review.channels[0]).toMatchObject({
      consentContactShare: 0.4,
      consentOutcomeShare: 0.3,
      publishedOutcomeShare: 0.1,
    });
    expect(review.channels[1]).toMatchObject({
      consentContactShare: null,
      consentOutcomeShare: null,
      publishedOutcomeShare: null,
    });
  });

  test('feedback of a group the organisation no longer has counts as not recorded', () => {
    const r = computeReview({
      ...handMade,
      counts: [...handMade.counts, { channel: 'widget', groupId: 'gone', n: 2 }],
    });
    expect(r).toMatchObject({ total: 16, withGroup: 11, withoutGroup: 5 });
    expect(r.matrix.cells[2]).toEqual([6, 1, 0, 0, 5]);
  });
});

describe('the console on the demo organisation', () => {
  let t: TestApp;
  let orgId: string;
  beforeAll(async () => {
    t = await withApp();
    await seedDemo(t.database, t.sealer);
    orgId = (await findOrganisationBySlug(t.database.db, 'demo'))!.id;
  });
  afterAll(async () => {
    await t.close();
  });

  // Demo (last 365 days): 300 items, 128 with a group. Young people 5/128 against 12% of the population
  // (index 0.33), minority ethnic 3/128 against 7% (0.33): under-represented. Working-age adults 11/128
  // against 15% (0.57) and carers 6/128 against 6% (0.78) are heard less than their share.
  test('young people and minority ethnic communities are under-represented; working-age adults and carers below their share', async () => {
    const now = new Date();
    const from = new Date(now.getTime() - 365 * 86_400_000).toISOString().slice(0, 10);
    const review = computeReview(await loadReviewInput(t.database.db, orgId, from, now.toISOString().slice(0, 10)));
    const keys = new Map((await listCustomerGroups(t.database.db, orgId)).map((g) => [g.id, g.key]));
    const flagged = (flag: string) =>
      review.groups
        .filter((g) => g.flag === flag)
        .map((g) => keys.get(g.id))
        .sort();
    expect(flagged('under')).toEqual(['minority_ethnic', 'young_people']);
    expect(flagged('below')).toEqual(['carers', 'working_age']);
    const young = review.groups.find((g) => keys.get(g.id) === 'young_people')!;
    expect(young.index).toBeCloseTo(5 / 128 / 0.12, 6);
    const older = review.groups.find((g) => keys.get(g.id) === 'older_people')!;
    expect(older.flag).not.toBe('under');
    expect(review.engagements.find((e) => e.title.startsWith('Youth forum'))!.responseRate).toBeLessThan(0.5);
  });

  test('the review page names the under-represented groups for a signed-in viewer', async () => {
    const viewer = await signIn(t, { id: orgId, slug: 'demo' }, 'viewer');
    const page = await get(t, viewer, '/console/review');
    expect(page.statusCode).toBe(200);
    const findings = page.body.slice(page.body.indexOf('id="finding-h"'), page.body.indexOf('id="rep-h"'));
    expect(findings).toContain('Young people (16–24)');
    expect(findings).toContain('Minority ethnic communities');
    expect(findings).toContain('Working-age adults');
    expect(page.body).toContain('<caption class="visually-hidden">Feedback count by channel');
  });

  test('every page renders for every role, with a skip link, one h1 and the current page marked', async () => {
    const pages = [
      '/console',
      '/console/feedback',
      '/console/triage',
      '/console/review',
      '/console/themes',
      '/console/actions',
    ];
    for (const role of ['viewer', 'staff', 'manager', 'admin'] as const) {
      const session = await signIn(t, { id: orgId, slug: 'demo' }, role);
      for (const url of pages) {
        const res = await get(t, session, url);
        expect(res.statusCode, `${role} ${url}`).toBe(200);
        expect(res.body).toContain('<a class="skip" href="#main">');
        expect(res.body.match(/<h1>/g), `${role} ${url}`).toHaveLength(1);
        expect(res.body).toMatch(/aria-current="page"/);
      }
      const cards = await get(t, session, '/console/cards');
      expect(cards.statusCode).toBe(role === 'viewer' ? 403 : 200);
    }
    const admin = await signIn(t, { id: orgId, slug: 'demo' }, 'admin');
    const list = await get(t, admin, '/console/feedback');
    const firstItem = /href="(\/console\/feedback\/[0-9a-f-]{36})"/.exec(list.body)![1]!;
    expect((await get(t, admin, firstItem)).statusCode).toBe(200);
    const actions = await get(t, admin, '/console/actions');
    const firstAction = /href="(\/console\/actions\/[0-9a-f-]{36})"/.exec(actions.body)![1]!;
    expect((await get(t, admin, firstAction)).statusCode).toBe(200);
  });
});
