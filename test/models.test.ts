import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createApiKey } from '@closeloop/api';
import { listAudit, queryRows, schema } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { follow, get, post, signIn } from '../services/console/test/helpers.ts';
import { eventually, type TestApp, type TestOrg, withApp } from './harness/app.ts';

const REPO = path.resolve(import.meta.dirname, '..');

interface ModelItem {
  version: number;
  kind: string;
  active: boolean;
  trainedAt: string;
  trainedOn: number;
  evaluation: {
    microF1: number | null;
    macroF1: number | null;
    exactMatch: number | null;
    holdout: number | null;
    previousMicroF1: number | null;
    perLabel: Record<string, { precision: number; recall: number; f1: number; support: number }> | null;
  };
}

function examples(n: number) {
  return readFileSync(path.resolve(REPO, '../shared/data/themes/train.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { text: string; major_themes: string[] })
    .filter((e) => e.text.length > 20 && e.major_themes.length > 0)
    .slice(0, n);
}

describe('theme models: GET /v1/models, POST /v1/models/retrain and the console page', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let readKey: string;

  const call = (key: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const models = async (key: string) => {
    const res = await call(key, 'GET', '/v1/models');
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };

  beforeAll(async () => {
    t = await withApp();
    org = await t.createOrg('models-main');
    other = await t.createOrg('models-other');
    readKey = (await createApiKey(t.database.db, { orgId: org.id, name: 'read', scopes: ['actions:read'] })).key;
    // 40 staff labels: fewer than the 50 new ones the nightly retrain waits for, more than the 30 it needs
    await t.database.db
      .insert(schema.trainingExamples)
      .values(examples(40).map((e) => ({ orgId: org.id, text: e.text, labels: e.major_themes })));
    // another organisation's model, with weights that must never be shown
    await t.database.db.insert(schema.modelVersions).values({
      orgId: other.id,
      kind: 'themes',
      version: 7,
      model: JSON.stringify({ weights: 'SECRET-WEIGHTS' }),
      metrics: { micro_f1: 0.5, macro_f1: 0.4, exact_match: 0.3, holdout: 9, previous_micro_f1: null },
      trainedOn: 45,
      active: true,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  test("GET lists only the caller's organisation's versions, without the weights", async () => {
    expect((await models(readKey)).json()).toEqual({ items: [] });
    const res = await models(other.apiKey);
    expect(res.body).not.toContain('SECRET-WEIGHTS');
    const [item] = (res.json() as { items: (ModelItem & { model?: unknown })[] }).items;
    expect(item).toMatchObject({
      version: 7,
      kind: 'themes',
      active: true,
      trainedOn: 45,
      evaluation: { microF1: 0.5, macroF1: 0.4, exactMatch: 0.3, holdout: 9, previousMicroF1: null, perLabel: null },
    });
    expect(item).not.toHaveProperty('model');
  });

  test('POST needs the admin scope, and a valid body', async () => {
    const noScope = await call(readKey, 'POST', '/v1/models/retrain', { force: true });
    expect(noScope.statusCode).toBe(403);
    expect((noScope.json() as { code: string }).code).toBe('insufficient_scope');
    const writeOnly = (await createApiKey(t.database.db, { orgId: org.id, name: 'w', scopes: ['feedback:write'] })).key;
    expect((await call(writeOnly, 'GET', '/v1/models')).statusCode).toBe(403);

    for (const payload of [{ force: 'yes' }, { force: true, extra: 1 }]) {
      const bad = await call(org.apiKey, 'POST', '/v1/models/retrain', payload);
      expect(bad.statusCode, bad.body).toBe(422);
      expect(String(bad.headers['content-type'])).toContain('application/problem+json');
      expect((bad.json() as { code: string }).code).toBe('validation_failed');
    }
    expect(
      await queryRows(
        t.database.db,
        sql`select 1 from audit_log where org_id = ${org.id} and action = 'model.retrain_requested'`,
      ),
    ).toHaveLength(0);
  });

  test('POST with force trains from fewer than 50 new labels; a second request while queued returns the same job', async () => {
    const first = await call(org.apiKey, 'POST', '/v1/models/retrain', { force: true });
    expect(first.statusCode, first.body).toBe(202);
    const job = first.json() as { jobId: string; queue: string; state: string; created: boolean };
    expect(job).toMatchObject({ queue: 'retrain', state: 'waiting', created: true });
    const again = await call(org.apiKey, 'POST', '/v1/models/retrain', {});
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json()).toMatchObject({ jobId: job.jobId, created: false });
    expect((await t.queue.getJob('retrain', job.jobId))?.payload).toEqual({ orgId: org.id, force: true });

    await t.startWorker();
    const trained = await eventually(async () => {
      const items = ((await models(readKey)).json() as { items: ModelItem[] }).items;
      return items.length > 0 ? items : null;
    }, 60_000);
    expect(trained).toHaveLength(1);
    const [v1] = trained;
    expect(v1).toMatchObject({ version: 1, kind: 'themes', active: true, trainedOn: 40 });
    expect(v1!.evaluation.holdout).toBeGreaterThan(0);
    expect(v1!.evaluation.microF1).toEqual(expect.any(Number));
    expect(v1!.evaluation.macroF1).toEqual(expect.any(Number));
    const perLabel = v1!.evaluation.perLabel!;
    expect(Object.keys(perLabel).length).toBeGreaterThan(0);
    for (const f of Object.values(perLabel)) {
      expect(f).toEqual({
        precision: expect.any(Number),
        recall: expect.any(Number),
        f1: expect.any(Number),
        support: expect.any(Number),
      });
    }
    const body = (await models(readKey)).body;
    expect(body).not.toContain('"weights"');
    expect(body).not.toContain('SECRET-WEIGHTS');

    // the finished job is not returned again: a new request queues a new one
    await eventually(async () => (await t.queue.getJob('retrain', job.jobId))?.state === 'completed', 10_000);
    const later = await call(org.apiKey, 'POST', '/v1/models/retrain'); // no body: force defaults to true
    expect(later.statusCode, later.body).toBe(202);
    expect(later.json()).toMatchObject({ created: true });
    expect((later.json() as { jobId: string }).jobId).not.toBe(job.jobId);
    // the other organisation's list is unchanged
    expect(((await models(other.apiKey)).json() as { items: ModelItem[] }).items.map((i) => i.version)).toEqual([7]);
  });

  test('console: the model page shows the figures; an admin retrains from it, a viewer cannot', async () => {
    const admin = await signIn(t, org, 'admin');
    const themesPage = await get(t, admin, '/console/themes');
    expect(themesPage.body).toContain('href="/console/themes/model"');
    const page = await get(t, admin, '/console/themes/model');
    expect(page.statusCode).toBe(200);
    const [v1] = ((await models(readKey)).json() as { items: ModelItem[] }).items.filter((i) => i.version === 1);
    expect(page.body).toContain(v1!.evaluation.microF1!.toFixed(3));
    expect(page.body).toContain(v1!.evaluation.macroF1!.toFixed(3));
    expect(page.body).toContain('Per theme, on the holdout');
    expect(page.body).toContain('action="/console/themes/model/retrain"');
    expect(page.body).toContain('Retrain now');

    await eventually(async () => {
      const jobs = await queryRows<{ jobId: string }>(
        t.database.db,
        sql`select data->>'jobId' as "jobId" from audit_log where org_id = ${org.id} and action = 'model.retrain_requested' order by id desc limit 1`,
      );
      const state = jobs[0] ? (await t.queue.getJob('retrain', jobs[0].jobId))?.state : undefined;
      return state === 'completed' || state === 'failed';
    }, 60_000);
    expect((await post(t, admin, '/console/themes/model/retrain', {}, { csrf: false })).statusCode).toBe(403);
    const res = await post(t, admin, '/console/themes/model/retrain');
    expect(res.statusCode).toBe(303);
    expect((await follow(t, admin, res)).body).toContain('Retraining has been queued.');
    const audit = await listAudit(t.database.db, org.id, 'model_version', 'themes');
    expect(audit.filter((a) => a.action === 'model.retrain_requested' && a.actorType === 'staff')).toHaveLength(1);

    const viewer = await signIn(t, org, 'viewer');
    const viewed = await get(t, viewer, '/console/themes/model');
    expect(viewed.statusCode).toBe(200);
    expect(viewed.body).toContain(v1!.evaluation.microF1!.toFixed(3));
    expect(viewed.body).not.toContain('Retrain now');
    expect((await post(t, viewer, '/console/themes/model/retrain')).statusCode).toBe(403);

    // another organisation's staff see only their own model
    const otherAdmin = await signIn(t, other, 'admin');
    const otherPage = await get(t, otherAdmin, '/console/themes/model');
    expect(otherPage.body).toContain('0.500');
    expect(otherPage.body).toContain('this version has none');
    expect(otherPage.body).not.toContain('Per theme, on the holdout');
  });
});
