import { getAction, listAudit, listThemes, schema } from '@closeloop/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';
import { analysedFeedback, follow, get, post, type Session, signIn } from './helpers.ts';

describe('console themes and actions', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let manager: Session;
  let staff: Session;
  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('ta-org');
    other = await t.createOrg('ta-other');
    manager = await signIn(t, org, 'manager');
    staff = await signIn(t, org, 'staff');
  });
  afterAll(async () => {
    await t.close();
  });

  const theme = async (key: string) => (await listThemes(t.database.db, org.id)).find((th) => th.key === key)!;

  test("a manager edits a theme's rules; the change is stored and audited", async () => {
    const parking = await theme('transport.parking');
    const res = await post(t, manager, `/console/themes/${parking.id}`, {
      name: 'Parking',
      include: 'car park\nParking   permit, blue badge bay',
      exclude: 'bike parking',
      force: '',
      active: 'on',
    });
    expect(res.statusCode).toBe(303);
    const after = await theme('transport.parking');
    expect(after.name).toBe('Parking');
    expect(after.rules).toEqual({
      include: ['car park', 'parking permit', 'blue badge bay'],
      exclude: ['bike parking'],
    });
    expect((await listAudit(t.database.db, org.id, 'theme', parking.id)).map((a) => a.action)).toEqual([
      'theme.updated',
    ]);
    const page = await follow(t, manager, res);
    expect(page.body).toContain('Theme “Parking” saved.');
    expect(page.body).toContain('blue badge bay');
  });

  test('staff cannot edit rules, and a too-long phrase is shown back as an error', async () => {
    const waiting = await theme('waiting');
    expect((await post(t, staff, `/console/themes/${waiting.id}`, { name: 'X', include: 'queue' })).statusCode).toBe(
      403,
    );
    const bad = await post(t, manager, `/console/themes/${waiting.id}`, { name: 'Waiting', include: 'x'.repeat(101) });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Each phrase must be 100 characters or fewer');
    expect((await theme('waiting')).name).not.toBe('X');
  });

  test('a rising topic no theme covers is proposed on the dashboard and becomes a theme in one click', async () => {
    const monthAgo = new Date(Date.now() - 30 * 86_400_000);
    for (let i = 0; i < 20; i++) {
      await analysedFeedback(t, org.id, { text: `The bins were collected late on round ${i}`, receivedAt: monthAgo });
    }
    for (let i = 0; i < 5; i++) {
      await analysedFeedback(t, org.id, { text: `The electric scooters left on the pavement again (${i})` });
    }
    const dashboard = await get(t, manager, '/console');
    expect(dashboard.statusCode).toBe(200);
    const topic = /name="term" value="([^"]*scooter[^"]*)"/.exec(dashboard.body)?.[1];
    expect(topic).toBeDefined();
    const res = await post(t, manager, '/console/themes/from-topic', { term: topic!, score: '3.2', count: '5' });
    expect(res.statusCode).toBe(303);
    const created = (await listThemes(t.database.db, org.id)).find((th) => th.rules.include.includes(topic!));
    expect(created).toBeDefined();
    const [proposal] = await t.database.db
      .select()
      .from(schema.themeProposals)
      .where(and(eq(schema.themeProposals.orgId, org.id), eq(schema.themeProposals.term, topic!)));
    expect(proposal!.state).toBe('accepted');
    const again = await get(t, manager, '/console');
    expect(again.body).not.toContain(`name="term" value="${topic}"`);
  });

  test('the rising terms of one story are one topic; creating or dismissing it takes all of them', async () => {
    for (let i = 0; i < 5; i++) {
      await analysedFeedback(t, org.id, { text: `The self checkout kiosk swallowed my coins, round ${i}` });
      await analysedFeedback(t, org.id, { text: `Graffiti on the underpass mural near the station, ${i}` });
    }
    const dashboard = await get(t, manager, '/console');
    const forms = [
      ...dashboard.body.matchAll(/<form method="post" action="\/console\/themes\/from-topic">([\s\S]*?)<\/form>/g),
    ];
    const kiosk = forms.find((f) => /value="[^"]*(kiosk|coins|swallowed)[^"]*"/.test(f[1]!))?.[1] ?? '';
    const termsOf = (form: string): string[] =>
      [
        /name="term" value="([^"]*)"/.exec(form)?.[1],
        ...[...form.matchAll(/name="related" value="([^"]*)"/g)].map((m) => m[1]),
      ].filter((x): x is string => x !== undefined);
    const story = termsOf(kiosk);
    expect(story.length).toBeGreaterThanOrEqual(2);
    expect(story.some((x) => x.includes('coins'))).toBe(true);
    expect(story.some((x) => x.includes('kiosk'))).toBe(true);
    // no phrase across punctuation
    expect(story).not.toContain('coins round');
    // the other story is its own topic
    expect(story.some((x) => x.includes('mural') || x.includes('underpass'))).toBe(false);
    expect(dashboard.body).toContain('with “');
    const [term = '', ...related] = story;
    const res = await post(t, manager, '/console/themes/from-topic', { term, related, score: '3', count: '5' });
    expect(res.statusCode).toBe(303);
    const created = (await listThemes(t.database.db, org.id)).find((th) => th.rules.include[0] === term);
    expect(created?.rules.include).toEqual([term, ...related]);
    const after = await get(t, manager, '/console');
    for (const x of story) expect(after.body).not.toContain(`value="${x}"`);
    // dismissing the mural story turns down all its terms
    const mural = [
      ...after.body.matchAll(/<form method="post" action="\/console\/themes\/dismiss-topic">([\s\S]*?)<\/form>/g),
    ]
      .map((f) => termsOf(f[1]!))
      .find((ts) => ts.some((x) => x.includes('mural')));
    expect(mural).toBeDefined();
    const [head = '', ...rest] = mural ?? [];
    expect((await post(t, manager, '/console/themes/dismiss-topic', { term: head, related: rest })).statusCode).toBe(
      303,
    );
    const last = await get(t, manager, '/console');
    for (const x of mural!) expect(last.body).not.toContain(`value="${x}"`);
  });

  test('a manager creates an action; transitions follow the lifecycle and declining needs a reason', async () => {
    const created = await post(t, manager, '/console/actions', {
      title: 'Longer Saturday opening',
      dueOn: '30/06/2026',
      theme: (await theme('access')).id,
    });
    expect(created.statusCode).toBe(303);
    const id = String(created.headers.location).split('/').pop()!;
    expect(await getAction(t.database.db, org.id, id)).toMatchObject({ status: 'proposed', dueOn: '2026-06-30' });

    const skip = await post(t, manager, `/console/actions/${id}/status`, { status: 'done' });
    expect(skip.statusCode).toBe(422);
    expect(skip.body).toContain('cannot move from proposed to done');
    const decline = await post(t, manager, `/console/actions/${id}/status`, { status: 'declined' });
    expect(decline.statusCode).toBe(422);
    expect(decline.body).toContain('Give the public reason for declining');
    const plan = await post(t, manager, `/console/actions/${id}/status`, { status: 'planned', note: 'Budget agreed' });
    expect(plan.statusCode).toBe(303);
    expect((await getAction(t.database.db, org.id, id))!.status).toBe('planned');
    const page = await get(t, manager, `/console/actions/${id}`);
    expect(page.body).toContain('Budget agreed');
    expect(page.body).toContain('value="in_progress"');
    expect(page.body).not.toContain('value="proposed"');
    expect((await post(t, staff, `/console/actions/${id}/status`, { status: 'in_progress' })).statusCode).toBe(403);
  });

  test("feedback is linked to an action by id; another organisation's feedback and actions are refused", async () => {
    const created = await post(t, manager, '/console/actions', { title: 'Fix the lift' });
    const id = String(created.headers.location).split('/').pop()!;
    const mine = await analysedFeedback(t, org.id, { text: 'The lift is broken again' });
    const theirs = await analysedFeedback(t, other.id, { text: 'Their lift' });
    const refused = await post(t, manager, `/console/actions/${id}/link`, { feedbackIds: `${mine}\n${theirs}` });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Not feedback of this organisation');
    const linked = await post(t, manager, `/console/actions/${id}/link`, { feedbackIds: mine });
    expect(linked.statusCode).toBe(303);
    const page = await get(t, manager, `/console/actions/${id}`);
    expect(page.body).toContain('The lift is broken again');
    expect((await get(t, manager, '/console/actions')).body).toMatch(
      /Fix the lift<\/a><\/th>.*<td class="num">1<\/td>/s,
    );

    const foreign = await t.app.inject({
      method: 'POST',
      url: '/v1/actions',
      headers: { authorization: `Bearer ${other.apiKey}` },
      payload: { title: 'Their action' },
    });
    const foreignId = (foreign.json() as { id: string }).id;
    expect((await get(t, manager, `/console/actions/${foreignId}`)).statusCode).toBe(404);
    expect((await post(t, manager, `/console/actions/${foreignId}/status`, { status: 'planned' })).statusCode).toBe(
      404,
    );
    expect((await getAction(t.database.db, other.id, foreignId))!.status).toBe('proposed');
  });
});
