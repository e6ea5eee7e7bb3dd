import { readFileSync } from 'node:fs';
import path from 'node:path';
import { insertContact, insertFeedback, insertStaffUser, queryRows, schema, uuidv7 } from '@closeloop/db';
import { createLogger } from '@closeloop/logger';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createAnalyserCache } from '../src/analysers.ts';
import { createRetentionPurge } from '../src/processors/retention-purge.ts';
import { createRetrainer } from '../src/processors/retrain.ts';
import { createSlaCheck, type OutgoingMail } from '../src/processors/sla-check.ts';
import { type OrgDatabase, withOrgDatabase } from './fixture.ts';

type TestApp = OrgDatabase;
type TestOrg = Awaited<ReturnType<OrgDatabase['createOrg']>>;

const DAY = 86_400_000;
const logger = createLogger({ level: 'silent' });
const REPO = path.resolve(import.meta.dirname, '../../..');

async function addFeedback(
  t: TestApp,
  orgId: string,
  fields: Partial<typeof schema.feedback.$inferInsert> & { channel?: string },
): Promise<string> {
  const id = uuidv7();
  await insertFeedback(t.database.db, { id, orgId, channel: 'widget', text: 'A comment', ...fields });
  return id;
}

async function feedbackRow(t: TestApp, id: string) {
  const rows = await t.database.db.select().from(schema.feedback).where(eq(schema.feedback.id, id));
  return rows[0]!;
}

async function auditOf(t: TestApp, orgId: string, action: string) {
  return t.database.db
    .select()
    .from(schema.auditLog)
    .where(sql`${schema.auditLog.orgId} = ${orgId} and ${schema.auditLog.action} = ${action}`);
}

describe('worker operations', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  const now = new Date();
  const iso = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();

  beforeAll(async () => {
    t = await withOrgDatabase();
    org = await t.createOrg('ops-main');
    other = await t.createOrg('ops-other');
  });
  afterAll(async () => {
    await t.close();
  });

  describe('complaint SLA check', () => {
    test('flags overdue acknowledgements and resolutions once, audits each and emails the admins', async () => {
      await insertStaffUser(t.database.db, { orgId: org.id, email: 'boss@ops.test', name: 'Boss', role: 'admin' });
      await insertStaffUser(t.database.db, { orgId: org.id, email: 'clerk@ops.test', name: 'Clerk', role: 'staff' });
      const overdueAck = await addFeedback(t, org.id, {
        channel: 'complaint',
        details: {
          kind: 'complaint',
          status: 'received',
          caseRef: 'C-1',
          acknowledgeDueAt: iso(-DAY),
          resolveDueAt: iso(10 * DAY),
        },
      });
      const overdueBoth = await addFeedback(t, org.id, {
        channel: 'complaint',
        details: { kind: 'complaint', status: 'received', acknowledgeDueAt: iso(-20 * DAY), resolveDueAt: iso(-DAY) },
      });
      const lateAck = await addFeedback(t, org.id, {
        channel: 'complaint',
        details: {
          kind: 'complaint',
          status: 'investigating',
          acknowledgeDueAt: iso(-5 * DAY),
          acknowledgedAt: iso(-3 * DAY),
          resolveDueAt: iso(5 * DAY),
        },
      });
      const onTime = await addFeedback(t, org.id, {
        channel: 'complaint',
        details: {
          kind: 'complaint',
          status: 'resolved',
          acknowledgeDueAt: iso(-5 * DAY),
          acknowledgedAt: iso(-6 * DAY),
          resolveDueAt: iso(-DAY),
          resolvedAt: iso(-2 * DAY),
        },
      });
      const notDue = await addFeedback(t, other.id, {
        channel: 'complaint',
        details: { kind: 'complaint', status: 'received', acknowledgeDueAt: iso(DAY), resolveDueAt: iso(20 * DAY) },
      });
      const mails: OutgoingMail[] = [];
      const check = createSlaCheck({
        database: t.database,
        logger,
        clock: () => now,
        sendMail: async (m) => {
          mails.push(m);
        },
      });
      const flagged = await check();
      expect(flagged.map((b) => `${b.feedbackId}:${b.kind}`).sort()).toEqual(
        [
          `${overdueAck}:acknowledge`,
          `${overdueBoth}:acknowledge`,
          `${overdueBoth}:resolve`,
          `${lateAck}:acknowledge`,
        ].sort(),
      );
      const breachesOf = async (id: string) =>
        ((await feedbackRow(t, id)).details as { slaBreached?: string[] }).slaBreached ?? [];
      expect(await breachesOf(overdueBoth)).toEqual(['acknowledge', 'resolve']);
      expect(await breachesOf(onTime)).toEqual([]);
      expect(await breachesOf(notDue)).toEqual([]);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toEqual(['boss@ops.test']);
      expect(mails[0]!.text).toContain('C-1');

      const again = await check();
      expect(again).toEqual([]);
      expect(await breachesOf(overdueBoth)).toEqual(['acknowledge', 'resolve']);
      expect(await auditOf(t, org.id, 'complaint.sla_breached')).toHaveLength(4);
      expect(mails).toHaveLength(1);
    });
  });

  describe('retention purge', () => {
    test("erases old raw text and old contact details by each organisation's periods, idempotently", async () => {
      await t.database.db
        .update(schema.organisations)
        .set({ settings: { retentionDays: { rawText: 30, contacts: 60 } } })
        .where(eq(schema.organisations.id, org.id));
      const oldAnalysed = await addFeedback(t, org.id, {
        text: 'Call me on 07700 900123 about the bins',
        redactedText: 'Call me on [PHONE] about the bins',
        status: 'analysed',
        sentimentScore: -0.4,
        receivedAt: new Date(now.getTime() - 40 * DAY),
      });
      const oldUnanalysed = await addFeedback(t, org.id, {
        text: 'Still waiting for analysis',
        receivedAt: new Date(now.getTime() - 40 * DAY),
      });
      const recent = await addFeedback(t, org.id, {
        text: 'Recent words',
        redactedText: 'Recent words',
        status: 'analysed',
        receivedAt: new Date(now.getTime() - 5 * DAY),
      });
      const otherOld = await addFeedback(t, other.id, {
        text: 'Other org keeps everything',
        redactedText: 'Other org keeps everything',
        status: 'analysed',
        receivedAt: new Date(now.getTime() - 400 * DAY),
      });
      await t.database.db.insert(schema.trainingExamples).values({
        orgId: org.id,
        feedbackId: oldAnalysed,
        text: 'Call me on 07700 900123 about the bins',
        labels: ['waste'],
      });
      const oldContact = await insertContact(t.database.db, {
        orgId: org.id,
        sealed: t.sealer.seal(JSON.stringify({ email: 'old@example.org' })),
        emailHash: 'h1',
        hasEmail: true,
        createdAt: new Date(now.getTime() - 70 * DAY),
      });
      const newContact = await insertContact(t.database.db, {
        orgId: org.id,
        sealed: t.sealer.seal(JSON.stringify({ email: 'new@example.org' })),
        emailHash: 'h2',
        hasEmail: true,
        createdAt: new Date(now.getTime() - 10 * DAY),
      });

      const purge = createRetentionPurge({ database: t.database, logger, clock: () => now });
      const first = await purge();
      expect(first.find((r) => r.orgId === org.id)).toEqual({ orgId: org.id, rawTextErased: 1, contactsErased: 1 });

      const erased = await feedbackRow(t, oldAnalysed);
      expect(erased.text).toBeNull();
      expect(erased.redactedText).toBe('Call me on [PHONE] about the bins');
      expect(erased.sentimentScore).toBeCloseTo(-0.4);
      expect((await feedbackRow(t, oldUnanalysed)).text).toBe('Still waiting for analysis');
      expect((await feedbackRow(t, recent)).text).toBe('Recent words');
      expect((await feedbackRow(t, otherOld)).text).toBe('Other org keeps everything');
      const example = await t.database.db
        .select()
        .from(schema.trainingExamples)
        .where(eq(schema.trainingExamples.feedbackId, oldAnalysed));
      expect(example[0]!.text).toBe('Call me on [PHONE] about the bins');
      const contacts = await t.database.db.select().from(schema.contacts).where(eq(schema.contacts.orgId, org.id));
      const byId = new Map(contacts.map((c) => [c.id, c]));
      expect(byId.get(oldContact)!.sealed).toBeNull();
      expect(byId.get(oldContact)!.emailHash).toBeNull();
      expect(byId.get(oldContact)!.erasedAt).not.toBeNull();
      expect(byId.get(newContact)!.sealed).not.toBeNull();
      const [count] = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from feedback where org_id = ${org.id}`,
      );
      expect(count!.n).toBeGreaterThanOrEqual(3);

      const second = await purge();
      expect(second.find((r) => r.orgId === org.id)).toEqual({ orgId: org.id, rawTextErased: 0, contactsErased: 0 });
      expect(await auditOf(t, org.id, 'retention.purged')).toHaveLength(1);
    });
  });

  describe('theme model retraining', () => {
    test('trains on the examples when enough are new, stores an evaluated active model, and workers hot-load it', async () => {
      const lines = readFileSync(path.resolve(REPO, '../shared/data/themes/train.jsonl'), 'utf8').split('\n');
      const examples = lines
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { text: string; major_themes: string[]; question?: string })
        .filter((e) => e.text.length > 20 && e.major_themes.length > 0)
        .slice(0, 400);
      const retrainOrg = await t.createOrg('ops-retrain');
      // on two worker threads (a thread that cannot start would be logged at warn level)
      const log = logger.child({});
      const warn = vi.spyOn(log, 'warn');
      const retrain = createRetrainer(
        { database: t.database, logger: log },
        { minNewExamples: 100, trainingThreads: 2 },
      );
      await t.database.db
        .insert(schema.trainingExamples)
        .values(examples.slice(0, 50).map((e) => ({ orgId: retrainOrg.id, text: e.text, labels: e.major_themes })));
      const tooFew = await retrain(retrainOrg.id);
      expect(tooFew).toMatchObject({ status: 'skipped', newExamples: 50 });

      await t.database.db
        .insert(schema.trainingExamples)
        .values(examples.slice(50).map((e) => ({ orgId: retrainOrg.id, text: e.text, labels: e.major_themes })));
      const cache = createAnalyserCache(t.database.db, { refreshMs: 0 });
      expect((await cache.get(retrainOrg.id)).modelVersion).toBe(0);

      const outcome = await retrain(retrainOrg.id);
      expect(outcome.status).toBe('trained');
      if (outcome.status !== 'trained') return;
      expect(outcome).toMatchObject({ version: 1, activated: true, trainedOn: examples.length });
      expect(outcome.metrics.holdout).toBeGreaterThan(40);
      expect(outcome.metrics.micro_f1).toBeGreaterThan(0.3);
      const models = await t.database.db
        .select()
        .from(schema.modelVersions)
        .where(eq(schema.modelVersions.orgId, retrainOrg.id));
      expect(models).toHaveLength(1);
      expect(models[0]).toMatchObject({ kind: 'themes', version: 1, active: true, trainedOn: examples.length });
      expect(models[0]!.metrics).toMatchObject({ evaluated_on: 'holdout' });
      expect((await cache.get(retrainOrg.id)).modelVersion).toBe(1);
      expect(warn).not.toHaveBeenCalled();

      expect(await retrain(retrainOrg.id)).toMatchObject({ status: 'skipped', newExamples: 0 });
      // per-theme holdout figures are stored with the others
      const perLabel = models[0]!.metrics.per_label as Record<string, { f1: number; support: number }>;
      expect(Object.keys(perLabel).length).toBeGreaterThan(1);
      expect(Object.values(perLabel).every((f) => f.f1 >= 0 && f.f1 <= 1 && f.support >= 0)).toBe(true);
    });

    test('a forced retrain trains below the new-example threshold, but still needs the minimum examples', async () => {
      const lines = readFileSync(path.resolve(REPO, '../shared/data/themes/train.jsonl'), 'utf8').split('\n');
      const examples = lines
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { text: string; major_themes: string[] })
        .filter((e) => e.text.length > 20 && e.major_themes.length > 0);
      const forcedOrg = await t.createOrg('ops-retrain-forced');
      const retrain = createRetrainer({ database: t.database, logger }, { trainingThreads: 1 });
      const add = (from: number, to: number) =>
        t.database.db
          .insert(schema.trainingExamples)
          .values(examples.slice(from, to).map((e) => ({ orgId: forcedOrg.id, text: e.text, labels: e.major_themes })));
      await add(0, 20);
      expect(await retrain(forcedOrg.id, logger, true)).toMatchObject({
        status: 'skipped',
        reason: '20 labelled examples (< 30)',
      });
      await add(20, 40);
      expect(await retrain(forcedOrg.id)).toMatchObject({ status: 'skipped', newExamples: 40 });
      expect(await retrain(forcedOrg.id, logger, true)).toMatchObject({ status: 'trained', version: 1, trainedOn: 40 });
      const [audit] = await auditOf(t, forcedOrg.id, 'model.activated');
      expect(audit?.data).toMatchObject({ forced: true });
      expect(audit?.data).not.toHaveProperty('per_label');
    });
  });
});
