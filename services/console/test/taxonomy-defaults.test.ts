import { listAudit, listThemes, schema } from '@closeloop/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestApp, type TestOrg, withApp } from '../../../test/harness/app.ts';
import { follow, get, post, type Session, signIn } from './helpers.ts';

/** An organisation set up before the default taxonomy grew: no Activities theme, fewer Parking phrases. */
describe('console: taking up what the default taxonomy added', () => {
  let t: TestApp;
  let org: TestOrg;
  let manager: Session;
  let staff: Session;
  const themes = () => listThemes(t.database.db, org.id);
  const theme = async (key: string) => (await themes()).find((th) => th.key === key);

  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('defaults-org');
    manager = await signIn(t, org, 'manager');
    staff = await signIn(t, org, 'staff');
    const db = t.database.db;
    await db.delete(schema.themes).where(and(eq(schema.themes.orgId, org.id), eq(schema.themes.key, 'activities')));
    const parking = (await theme('transport.parking'))!;
    // staff's own edit: a phrase of theirs, and two default phrases gone
    await db
      .update(schema.themes)
      .set({ rules: { include: ['parking', 'car park', 'residents bay'] } })
      .where(eq(schema.themes.id, parking.id));
  });
  afterAll(async () => {
    await t.close();
  });

  test('the Themes page offers the missing phrases and theme to a manager, not to staff', async () => {
    const page = await get(t, manager, '/console/themes');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("From closeloop's default taxonomy");
    expect(page.body).toContain('value="include|transport.parking|parcio"');
    expect(page.body).toContain('value="include|activities|yoga"');
    // what the organisation has is not offered again ("parking", and "car park" said by its own rules)
    expect(page.body).not.toContain('value="include|transport.parking|car park"');
    expect((await get(t, staff, '/console/themes')).body).not.toContain('/console/themes/defaults');
  });

  test('adding ticked phrases keeps the organisation’s own, creates the missing theme, and is audited', async () => {
    const res = await post(t, manager, '/console/themes/defaults', {
      decision: 'add',
      pick: ['include|transport.parking|parcio', 'include|transport.parking|=maes parcio', 'include|activities|yoga'],
    });
    expect(res.statusCode).toBe(303);
    expect((await follow(t, manager, res)).body).toContain('Added 3 phrases and 1 theme from the default taxonomy');
    const parking = (await theme('transport.parking'))!;
    expect(parking.rules.include).toEqual(['parking', 'car park', 'residents bay', 'parcio', '=maes parcio']);
    const activities = (await theme('activities'))!;
    expect(activities).toMatchObject({
      name: 'Activities, events and classes',
      nameCy: 'Gweithgareddau, digwyddiadau a dosbarthiadau',
      parentId: null,
      rules: { include: ['yoga'] },
    });
    expect((await listAudit(t.database.db, org.id, 'theme', parking.id)).map((a) => a.action)).toContain(
      'theme.updated',
    );
    expect((await listAudit(t.database.db, org.id, 'theme', activities.id)).map((a) => a.action)).toEqual([
      'theme.created',
    ]);
    const page = await get(t, manager, '/console/themes');
    expect(page.body).not.toContain('value="include|transport.parking|parcio"');
    expect(page.body).toContain('value="include|activities|gym"');
  });

  test('turned-down phrases are not offered again; anything not offered cannot be added or turned down', async () => {
    expect((await get(t, manager, '/console/themes')).body).toContain('value="include|activities|gym"');
    const res = await post(t, manager, '/console/themes/defaults', {
      decision: 'dismiss',
      pick: ['include|activities|gym'],
    });
    expect(res.statusCode).toBe(303);
    expect((await follow(t, manager, res)).body).toContain('1 default phrase will not be offered again.');
    expect((await get(t, manager, '/console/themes')).body).not.toContain('value="include|activities|gym"');
    const parking = (await theme('transport.parking'))!.rules;
    const activities = (await theme('activities'))!.rules;
    const forged = await post(t, manager, '/console/themes/defaults', {
      decision: 'add',
      pick: ['include|activities|gym', 'include|transport.parking|anything at all', 'include|nope|x'],
    });
    expect(forged.statusCode).toBe(303);
    expect((await theme('transport.parking'))!.rules).toEqual(parking);
    expect((await theme('activities'))!.rules).toEqual(activities);
    expect((await themes()).map((th) => th.key)).not.toContain('nope');
    // only offered phrases are recorded as turned down
    await post(t, manager, '/console/themes/defaults', {
      decision: 'dismiss',
      pick: ['include|transport.parking|made up', 'include|nope|x'],
    });
    const turnedDown = await t.database.db
      .select()
      .from(schema.themeProposals)
      .where(eq(schema.themeProposals.orgId, org.id));
    expect(turnedDown.map((p) => p.term)).toEqual(['default:activities:include:gym']);
  });

  test('staff cannot add defaults, and a form without a CSRF token is refused', async () => {
    expect(
      (await post(t, staff, '/console/themes/defaults', { decision: 'add', pick: 'include|activities|gym' }))
        .statusCode,
    ).toBe(403);
    const noCsrf = await post(
      t,
      manager,
      '/console/themes/defaults',
      { decision: 'add', pick: 'include|activities|gym' },
      { csrf: false },
    );
    expect(noCsrf.statusCode).toBe(403);
    expect((await theme('activities'))!.rules.include).toEqual(['yoga']);
  });
});
