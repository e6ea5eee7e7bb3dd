import { createAnalyser, defaultTaxonomy } from '@closeloop/analysis';
import { createApiKey } from '@closeloop/api';
import { createPublicationService, storeContact } from '@closeloop/core';
import {
  type AnalysisToStore,
  type Database,
  type Db,
  findOrganisationBySlug,
  findThemesByKeys,
  hashPassword,
  insertAction,
  insertOrganisation,
  insertStaffUser,
  insertWidgetSiteKey,
  linkActionFeedback,
  linkActionServicePoints,
  linkActionThemes,
  listThemes,
  queryRows,
  randomToken,
  recordActionStatus,
  type Sealer,
  saveAnalyses,
  schema,
  seedThemes,
  uuidv7,
} from '@closeloop/db';
import { channelDetailsSchema } from '@closeloop/domain';
import { sql } from 'drizzle-orm';
import { demoContent } from './content.ts';

const DAY = 86_400_000;

/** The demo's public widget site key, for `<script src="…/widget.js" data-site-key="pk_demo_local">`. */
export const DEMO_WIDGET_SITE_KEY = 'pk_demo_local';

export interface SeededDemo {
  orgId: string;
  apiKey: string;
  staff: { email: string; password: string };
}

/** A stable pseudo-random hour per item, so the demo looks lived-in without changing between runs. */
function hourOf(key: string): number {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 8 + (h % 10);
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Seeds "Demo Borough Council": groups, service points, engagements, the default taxonomy, ~300
 * analysed feedback items across every channel, actions in each state and a published board.
 * Returns null when the demo organisation already exists.
 */
export async function seedDemo(database: Database, sealer: Sealer, now = new Date()): Promise<SeededDemo | null> {
  const { db } = database;
  if (await findOrganisationBySlug(db, demoContent.organisation.slug)) return null;
  const c = demoContent;
  const password = randomToken(12);
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const org = await insertOrganisation(tx, {
      slug: c.organisation.slug,
      name: c.organisation.name,
      nameCy: c.organisation.nameCy,
      languages: c.organisation.languages,
      branding: { primaryColour: c.organisation.brandColour },
      kAnonymity: c.organisation.kAnonymityThreshold,
      settings: {
        sla: { acknowledgeDays: 3, resolveDays: 20 },
        caseRefPattern: 'DBC-{yyyy}-{seq:4}',
        requireDistinctApprover: false,
        triageThreshold: 0.5,
      },
    });
    const orgId = org.id;
    const groups = await tx
      .insert(schema.customerGroups)
      .values(
        c.customerGroups.map((g) => ({
          orgId,
          key: g.key,
          name: g.name,
          nameCy: g.nameCy,
          populationShare: g.populationShare,
        })),
      )
      .returning();
    const points = await tx
      .insert(schema.servicePoints)
      .values(c.servicePoints.map((p) => ({ orgId, key: p.key, name: p.name, nameCy: p.nameCy ?? null, kind: p.kind })))
      .returning();
    const engagements = await tx
      .insert(schema.engagements)
      .values(
        c.engagements.map((e) => ({
          orgId,
          key: e.key,
          title: e.title,
          kind: e.kind,
          method: e.method,
          invitedCount: e.invitedCount,
          startedAt: new Date(now.getTime() - e.startDaysAgo * DAY),
          endedAt: e.endDaysAgo === null ? null : new Date(now.getTime() - e.endDaysAgo * DAY),
        })),
      )
      .returning();
    await seedThemes(tx, orgId, defaultTaxonomy);
    const themes = await listThemes(tx, orgId);
    const themeId = new Map(themes.map((t) => [t.key, t.id]));
    const group = new Map(groups.map((g) => [g.key, g.id]));
    const point = new Map(points.map((p) => [p.key, p.id]));
    const engagement = new Map(engagements.map((e) => [e.key!, e.id]));

    const staffIds = new Map<string, string>();
    for (const s of c.staff) {
      const row = await insertStaffUser(tx, {
        orgId,
        email: s.email,
        name: s.name,
        role: s.role,
        passwordHash: hashPassword(password),
      });
      staffIds.set(s.email, row.id);
    }
    const admin = c.staff.find((s) => s.role === 'admin') ?? c.staff[0]!;

    const analyser = createAnalyser({ taxonomy: defaultTaxonomy });
    const feedbackIds = new Map<string, string>();
    const rows: (typeof schema.feedback.$inferInsert)[] = [];
    const analyses: AnalysisToStore[] = [];
    for (const item of c.feedback) {
      const receivedAt = new Date(now.getTime() - item.daysAgo * DAY);
      receivedAt.setUTCHours(hourOf(item.key), (item.key.length * 7) % 60, 0, 0);
      if (receivedAt > now) receivedAt.setTime(now.getTime() - 60_000);
      const rawDetails =
        item.channel === 'comment_card' && item.details
          ? { writtenOn: isoDay(receivedAt), ...item.details }
          : item.details;
      const details = rawDetails ? channelDetailsSchema.parse(rawDetails) : null;
      const id = uuidv7(receivedAt.getTime());
      const contactId = item.contact ? await storeContact(tx, sealer, orgId, item.contact, item.language) : null;
      rows.push({
        id,
        orgId,
        channel: item.channel,
        text: item.text,
        language: item.language,
        rating: item.rating,
        details,
        customerGroupId: item.customerGroup ? (group.get(item.customerGroup) ?? null) : null,
        servicePointId: item.servicePoint ? (point.get(item.servicePoint) ?? null) : null,
        engagementId: item.engagement ? (engagement.get(item.engagement) ?? null) : null,
        contactId,
        source: 'demo',
        externalId: item.key,
        receivedAt,
      });
      const question = details && 'questionText' in details ? (details.questionText ?? null) : null;
      const result = analyser.analyse({ id, text: item.text, question, channel: item.channel });
      analyses.push({
        orgId,
        feedbackId: id,
        language: item.language,
        redactedText: result.redacted,
        sentimentScore: result.sentiment.score,
        sentimentClass: result.sentiment.class,
        needsTriage: result.needsTriage,
        themes: result.themes.flatMap((hit) => {
          const tid = themeId.get(hit.key);
          return tid ? [{ themeId: tid, confidence: hit.confidence, source: hit.source, terms: hit.terms }] : [];
        }),
      });
      feedbackIds.set(item.key, id);
    }
    // Multi-row writes: the first start stays quick.
    for (let i = 0; i < rows.length; i += 100) await tx.insert(schema.feedback).values(rows.slice(i, i + 100));
    await saveAnalyses(tx, analyses);

    const actionIds = new Map<string, string>();
    for (const a of c.actions) {
      const completedAt = a.completedDaysAgo === undefined ? null : new Date(now.getTime() - a.completedDaysAgo * DAY);
      const action = await insertAction(tx, {
        orgId,
        title: a.title,
        titleCy: a.titleCy ?? null,
        description: a.description,
        status: a.status,
        ownerId: staffIds.get(a.ownerEmail) ?? null,
        dueOn: isoDay(new Date(now.getTime() + a.dueDaysFromNow * DAY)),
        publicStatement: a.publicStatement,
        publicStatementCy: a.publicStatementCy,
        declinedReason: a.declinedReason ?? null,
        impact: a.impact.map((m) => ({ ...m })),
        completedAt: a.status === 'done' ? (completedAt ?? now) : null,
        createdBy: staffIds.get(a.ownerEmail) ?? null,
      });
      actionIds.set(a.key, action.id);
      await recordActionStatus(tx, { orgId, actionId: action.id, fromStatus: null, toStatus: 'proposed' });
      if (a.status !== 'proposed') {
        await recordActionStatus(tx, { orgId, actionId: action.id, fromStatus: 'proposed', toStatus: a.status });
      }
      await linkActionThemes(
        tx,
        orgId,
        action.id,
        (await findThemesByKeys(tx, orgId, a.themeKeys)).map((t) => t.id),
      );
      await linkActionServicePoints(
        tx,
        orgId,
        action.id,
        a.servicePoints.flatMap((k) => point.get(k) ?? []),
      );
      await linkActionFeedback(
        tx,
        orgId,
        action.id,
        a.linkedFeedbackKeys.flatMap((k) => feedbackIds.get(k) ?? []),
        {
          via: 'staff',
          linkedBy: staffIds.get(a.ownerEmail) ?? null,
        },
      );
    }

    const publications = createPublicationService({ clock: () => now });
    const adminActor = { type: 'staff' as const, id: staffIds.get(admin.email) ?? null, canPublish: true };
    const periodStart = isoDay(new Date(now.getTime() - 180 * DAY));
    const periodEnd = isoDay(now);
    for (const p of c.publications) {
      const publication = await publications.create(
        tx,
        orgId,
        {
          themeKey: p.themeKey,
          periodStart,
          periodEnd,
          summary: p.summary,
          summaryCy: p.summaryCy,
          actionIds: p.actionKeys.flatMap((k) => actionIds.get(k) ?? []),
          quoteFeedbackIds: p.quotes.flatMap((k) => feedbackIds.get(k) ?? []),
        },
        adminActor,
      );
      // The demo's quotes were checked by a person: approve them as staff would.
      await queryRows(
        tx,
        sql`update you_said_quotes set approved_by = ${adminActor.id}, approved_at = ${now.toISOString()}::timestamptz
            where entry_id = ${publication.youSaidId}`,
      );
      if (p.state === 'approved' || p.state === 'published')
        await publications.approve(tx, orgId, publication.id, adminActor);
      if (p.state === 'published') await publications.publish(tx, orgId, publication.id, adminActor);
    }

    // The widget works on a local test page out of the box (site keys are public; origins guard them).
    await insertWidgetSiteKey(tx, {
      orgId,
      key: DEMO_WIDGET_SITE_KEY,
      name: 'Demo website (localhost)',
      allowedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
    });

    const { key } = await createApiKey(tx, {
      orgId,
      name: 'Demo key',
      scopes: ['feedback:write', 'feedback:read', 'actions:read', 'actions:write', 'admin'],
    });
    return { orgId, apiKey: key, staff: { email: admin.email, password } };
  });
}
