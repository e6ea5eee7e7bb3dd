import {
  actionsOfPublications,
  type Db,
  findOrganisationById,
  getPublication,
  getYouSaid,
  insertAudit,
  insertPublication,
  insertQuotes,
  insertYouSaid,
  linkPublicationActions,
  listQuotes,
  type PublicationRow,
  queryRows,
  recordPublicationVersion,
  schema,
  updatePublication,
} from '@closeloop/db';
import {
  ConflictError,
  ForbiddenError,
  InvalidTransitionError,
  NotFoundError,
  PUBLICATION_TRANSITIONS,
  type PublicationState,
  ROLE_PERMISSIONS,
  type StaffRole,
  ValidationError,
} from '@closeloop/domain';
import { and, eq, sql } from 'drizzle-orm';
import { type Actor, actorUuid, resolveThemeIds } from '../actions/service.ts';
import { poolSmallCells, representativeQuotes, storeQuotes } from '../youSaid/service.ts';

/** 422 `validation_failed` on `periodEnd` when a period (ISO dates) ends before it starts. */
export function requireOrderedPeriod(periodStart: string, periodEnd: string): void {
  if (periodEnd < periodStart) {
    throw new ValidationError('The period ends before it starts', [
      { path: 'periodEnd', message: 'must not be before periodStart' },
    ]);
  }
}

export interface PublicationActor extends Actor {
  canPublish: boolean;
}

export interface YouSaidStats {
  count: number;
  previousCount: number;
  channelMix: { channel: string; count: number }[];
  groupMix: { group: string; count: number }[];
  sentiment: { positive: number; neutral: number; negative: number; mean: number | null };
}

function dayAfter(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Counts what people said on a theme (and its sub-themes) in a period, with the period before for change. */
export async function youSaidStats(
  db: Db,
  orgId: string,
  themeId: string,
  periodStart: string,
  periodEnd: string,
  servicePointId: string | null,
): Promise<YouSaidStats> {
  const end = dayAfter(periodEnd);
  const days = Math.round((Date.parse(end) - Date.parse(periodStart)) / 86_400_000);
  const prevStart = new Date(Date.parse(periodStart) - days * 86_400_000).toISOString().slice(0, 10);
  const spFilter = servicePointId ? sql`and f.service_point_id = ${servicePointId}` : sql``;
  const matching = (from: string, to: string) => sql`
    select distinct f.id, f.channel, f.sentiment_score, f.customer_group_id from feedback f
    join feedback_themes ft on ft.feedback_id = f.id
    join themes t on t.id = ft.theme_id
    where f.org_id = ${orgId} and (t.id = ${themeId} or t.parent_id = ${themeId})
      and f.received_at >= ${from}::date and f.received_at < ${to}::date and f.erased_at is null ${spFilter}`;
  // One after another: `db` may be a transaction's single connection, which cannot run queries side by side
  // (node-postgres queues them and warns that pg 9 will refuse).
  const channels = await queryRows<{ channel: string; n: number }>(
    db,
    sql`select channel, count(*)::int as n from (${matching(periodStart, end)}) m group by channel order by n desc, channel`,
  );
  const groups = await queryRows<{ name: string; n: number }>(
    db,
    sql`select coalesce(cg.name, 'Not known') as name, count(*)::int as n from (${matching(periodStart, end)}) m
        left join customer_groups cg on cg.id = m.customer_group_id group by 1 order by n desc, name`,
  );
  const sentiment = await queryRows<{ positive: number; neutral: number; negative: number; mean: number | null }>(
    db,
    sql`select count(*) filter (where sentiment_score > 0.15)::int as positive,
               count(*) filter (where sentiment_score between -0.15 and 0.15)::int as neutral,
               count(*) filter (where sentiment_score < -0.15)::int as negative,
               avg(sentiment_score)::float8 as mean
        from (${matching(periodStart, end)}) m`,
  );
  const previous = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (${matching(prevStart, periodStart)}) m`,
  );
  const channelMix = channels.map((c) => ({ channel: c.channel, count: c.n }));
  return {
    count: channelMix.reduce((a, c) => a + c.count, 0),
    previousCount: previous[0]?.n ?? 0,
    channelMix,
    groupMix: groups.map((g) => ({ group: g.name, count: g.n })),
    sentiment: sentiment[0] ?? { positive: 0, neutral: 0, negative: 0, mean: null },
  };
}

export interface CreatePublicationInput {
  themeKey?: string | undefined;
  themeId?: string | undefined;
  servicePointId?: string | undefined;
  periodStart: string;
  periodEnd: string;
  summary: string;
  summaryCy?: string | undefined;
  actionIds: string[];
  quoteFeedbackIds?: string[] | undefined;
}

/**
 * Whether the actor may approve, publish or unpublish. Staff: their role's permissions (ROLE_PERMISSIONS)
 * as stored now, not as claimed by the caller; API keys: the `admin` scope (carried in `canPublish`).
 */
export async function mayPublish(db: Db, orgId: string, actor: PublicationActor): Promise<boolean> {
  if (actor.type === 'system') return actor.canPublish;
  if (actor.type === 'api_key') return actor.canPublish;
  if (!actor.id) return false;
  const [staff] = await queryRows<{ role: string }>(
    db,
    sql`select role from staff_users where org_id = ${orgId} and id = ${actor.id} and disabled_at is null`,
  );
  return staff ? (ROLE_PERMISSIONS[staff.role as StaffRole] ?? []).includes('publish') : false;
}

/** Who last wrote the content (created or edited it), from the audit log: a staff user or an API key. */
export async function authorOf(db: Db, orgId: string, publicationId: string) {
  const [row] = await queryRows<{ actor_type: string; actor_id: string | null }>(
    db,
    sql`select actor_type, actor_id from audit_log
        where org_id = ${orgId} and entity_type = 'publication' and entity_id = ${publicationId}
          and action in ('publication.created', 'publication.edited')
        order by id desc limit 1`,
  );
  return row ? { type: row.actor_type, id: row.actor_id } : null;
}

/** Throws 403 `publish_permission_required` unless the actor may publish (see mayPublish). */
export async function requirePublishPermission(db: Db, orgId: string, actor: PublicationActor, what: string) {
  if (!(await mayPublish(db, orgId, actor))) {
    throw new ForbiddenError('publish_permission_required', `${what} needs the publish permission`);
  }
}

/**
 * Reads a publication and locks its row until the transaction ends. Every change that reads the snapshot
 * (or the quotes it is built from) and writes it back takes this lock first, so an erasure running at the
 * same time (which locks the same rows) cannot be undone by a snapshot read before it committed.
 */
async function lockPublication(db: Db, orgId: string, id: string): Promise<PublicationRow | null> {
  const [row] = await db
    .select()
    .from(schema.publications)
    .where(and(eq(schema.publications.orgId, orgId), eq(schema.publications.id, id)))
    .for('update')
    .limit(1);
  return row ?? null;
}

export interface EditPublicationInput {
  summary?: string | undefined;
  summaryCy?: string | null | undefined;
  actionIds?: string[] | undefined;
}

export function createPublicationService(deps: { clock?: () => Date }) {
  const now = deps.clock ?? (() => new Date());

  async function transition(
    db: Db,
    orgId: string,
    id: string,
    to: PublicationState,
    actor: PublicationActor,
    set: Partial<typeof schema.publications.$inferInsert> = {},
  ): Promise<PublicationRow> {
    const current = await lockPublication(db, orgId, id);
    if (!current) throw new NotFoundError('publication', id);
    const from = current.state as PublicationState;
    if (!PUBLICATION_TRANSITIONS[from].includes(to)) throw new InvalidTransitionError('publication', from, to);
    const version = current.version + (to === 'draft' ? 1 : 0);
    const updated = await updatePublication(db, orgId, id, { ...set, state: to, version });
    if (!updated) throw new NotFoundError('publication', id);
    await recordPublicationVersion(db, {
      orgId,
      publicationId: id,
      version,
      state: to,
      snapshot: updated.snapshot ?? null,
      changedBy: actorUuid(actor),
    });
    await insertAudit(db, {
      orgId,
      actorType: actor.type,
      actorId: actor.id,
      action: `publication.${to}`,
      entityType: 'publication',
      entityId: id,
      data: { from, to, version },
    });
    return updated;
  }

  async function toDraft(
    db: Db,
    orgId: string,
    current: PublicationRow,
    actor: PublicationActor,
    auditAction: string,
    data: Record<string, unknown>,
  ): Promise<PublicationRow> {
    const version = current.version + 1;
    const updated = await updatePublication(db, orgId, current.id, {
      state: 'draft',
      version,
      approvedBy: null,
      approvedAt: null,
    });
    if (!updated) throw new NotFoundError('publication', current.id);
    await recordPublicationVersion(db, {
      orgId,
      publicationId: current.id,
      version,
      state: 'draft',
      snapshot: current.snapshot ?? null,
      changedBy: actorUuid(actor),
    });
    await insertAudit(db, {
      orgId,
      actorType: actor.type,
      actorId: actor.id,
      action: auditAction,
      entityType: 'publication',
      entityId: current.id,
      data: { from: current.state, to: 'draft', version, ...data },
    });
    return updated;
  }

  return {
    async create(
      db: Db,
      orgId: string,
      input: CreatePublicationInput,
      actor: PublicationActor,
    ): Promise<PublicationRow> {
      if (!input.themeKey && !input.themeId) {
        throw new ValidationError('A publication needs a theme', [
          { path: 'themeKey', message: 'themeKey or themeId is required' },
        ]);
      }
      requireOrderedPeriod(input.periodStart, input.periodEnd);
      const [themeId] = await resolveThemeIds(
        db,
        orgId,
        input.themeKey ? [input.themeKey] : [],
        input.themeId ? [input.themeId] : [],
      );
      const actionIds = [...new Set(input.actionIds)];
      const owned = await queryRows<{ id: string }>(
        db,
        sql`select id from improvement_actions where org_id = ${orgId} and id = any(${sql.param(actionIds)}::uuid[])`,
      );
      if (owned.length !== actionIds.length) {
        throw new ValidationError('Unknown actions', [
          { path: 'actionIds', message: 'one or more actions do not exist' },
        ]);
      }
      const stats = await youSaidStats(
        db,
        orgId,
        themeId!,
        input.periodStart,
        input.periodEnd,
        input.servicePointId ?? null,
      );
      const entry = await insertYouSaid(db, {
        orgId,
        themeId: themeId!,
        servicePointId: input.servicePointId ?? null,
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        count: stats.count,
        previousCount: stats.previousCount,
        channelMix: stats.channelMix,
        groupMix: stats.groupMix,
        sentiment: stats.sentiment,
        summary: input.summary,
        summaryCy: input.summaryCy ?? null,
      });
      if (input.quoteFeedbackIds === undefined) {
        // Chosen automatically: the texts nearest the theme's centre for the period, stored unapproved.
        const quotes = await representativeQuotes(db, orgId, {
          themeId: themeId!,
          periodStart: input.periodStart,
          periodEnd: input.periodEnd,
          servicePointId: input.servicePointId ?? null,
        });
        await storeQuotes(db, orgId, entry.id, quotes);
      } else if (input.quoteFeedbackIds.length > 0) {
        const quoted = await db
          .select({ id: schema.feedback.id, text: schema.feedback.redactedText })
          .from(schema.feedback)
          .where(
            and(
              eq(schema.feedback.orgId, orgId),
              sql`${schema.feedback.id} = any(${sql.param(input.quoteFeedbackIds)}::uuid[])`,
            ),
          );
        // Only redacted text is ever offered as a quote; it appears publicly once a staff member approves it.
        await insertQuotes(
          db,
          quoted
            .filter((q) => q.text)
            .slice(0, 3)
            .map((q, position) => ({ orgId, entryId: entry.id, feedbackId: q.id, text: q.text!, position })),
        );
      }
      const publication = await insertPublication(db, {
        orgId,
        youSaidId: entry.id,
        state: 'draft',
        authorId: actorUuid(actor),
      });
      await linkPublicationActions(db, orgId, publication.id, actionIds);
      await recordPublicationVersion(db, {
        orgId,
        publicationId: publication.id,
        version: 1,
        state: 'draft',
        changedBy: actorUuid(actor),
      });
      await insertAudit(db, {
        orgId,
        actorType: actor.type,
        actorId: actor.id,
        action: 'publication.created',
        entityType: 'publication',
        entityId: publication.id,
        data: { themeId, actionIds },
      });
      return publication;
    },

    async approve(db: Db, orgId: string, id: string, actor: PublicationActor): Promise<PublicationRow> {
      await requirePublishPermission(db, orgId, actor, 'Approving');
      const current = await lockPublication(db, orgId, id);
      if (!current) throw new NotFoundError('publication', id);
      const org = await findOrganisationById(db, orgId);
      if (org?.settings.requireDistinctApprover) {
        // The author is whoever last wrote the content: a staff user, or an API key (author key ≠ approver key).
        const author = await authorOf(db, orgId, id);
        const authorId = author?.id ?? current.authorId;
        if (authorId !== null && authorId === actor.id && (author === null || author.type === actor.type)) {
          throw new ForbiddenError(
            'approver_is_author',
            'This organisation requires someone other than the author to approve',
          );
        }
      }
      return transition(db, orgId, id, 'approved', actor, { approvedBy: actorUuid(actor), approvedAt: now() });
    },

    async publish(db: Db, orgId: string, id: string, actor: PublicationActor): Promise<PublicationRow> {
      await requirePublishPermission(db, orgId, actor, 'Publishing');
      if (!(await lockPublication(db, orgId, id))) throw new NotFoundError('publication', id);
      const snapshot = await buildSnapshot(db, orgId, id, now());
      return transition(db, orgId, id, 'published', actor, { publishedAt: now(), snapshot });
    },

    async archive(db: Db, orgId: string, id: string, actor: PublicationActor): Promise<PublicationRow> {
      await requirePublishPermission(db, orgId, actor, 'Archiving');
      return transition(db, orgId, id, 'archived', actor, { archivedAt: now() });
    },

    /**
     * Takes a published entry off the board and back to draft with a new version; the published snapshot
     * stays in publication_versions, so the history of what the public saw is kept.
     */
    async unpublish(db: Db, orgId: string, id: string, actor: PublicationActor): Promise<PublicationRow> {
      await requirePublishPermission(db, orgId, actor, 'Unpublishing');
      const current = await lockPublication(db, orgId, id);
      if (!current) throw new NotFoundError('publication', id);
      if (current.state !== 'published') throw new InvalidTransitionError('publication', current.state, 'draft');
      return toDraft(db, orgId, current, actor, 'publication.unpublished', {});
    },

    /**
     * Edits the summary (and the actions). Every edit is a new version; editing an approved or published
     * publication sends it back to draft, so the new text needs approval (and publishing) again.
     */
    async edit(
      db: Db,
      orgId: string,
      id: string,
      input: EditPublicationInput,
      actor: PublicationActor,
    ): Promise<PublicationRow> {
      const current = await lockPublication(db, orgId, id);
      if (!current) throw new NotFoundError('publication', id);
      if (current.state === 'archived') {
        throw new ConflictError('publication_archived', 'An archived publication cannot be edited; restore it first');
      }
      const set: { summary?: string; summaryCy?: string | null } = {};
      if (input.summary !== undefined) set.summary = input.summary;
      if (input.summaryCy !== undefined) set.summaryCy = input.summaryCy;
      if (Object.keys(set).length > 0) {
        await db.update(schema.youSaidEntries).set(set).where(eq(schema.youSaidEntries.id, current.youSaidId));
      }
      if (input.actionIds) {
        const actionIds = [...new Set(input.actionIds)];
        const owned = await queryRows<{ id: string }>(
          db,
          sql`select id from improvement_actions where org_id = ${orgId} and id = any(${sql.param(actionIds)}::uuid[])`,
        );
        if (owned.length !== actionIds.length) {
          throw new ValidationError('Unknown actions', [
            { path: 'actionIds', message: 'one or more actions do not exist' },
          ]);
        }
        await queryRows(db, sql`delete from publication_actions where publication_id = ${id}`);
        await linkPublicationActions(db, orgId, id, actionIds);
      }
      return toDraft(db, orgId, current, actor, 'publication.edited', {
        fields: Object.keys(input).filter((k) => input[k as keyof EditPublicationInput] !== undefined),
      });
    },

    async backToDraft(db: Db, orgId: string, id: string, actor: PublicationActor): Promise<PublicationRow> {
      return transition(db, orgId, id, 'draft', actor, { approvedBy: null, approvedAt: null });
    },
  };
}

export type PublicationService = ReturnType<typeof createPublicationService>;

/**
 * Freezes what the public will see: the board renders snapshots, so later edits need a new approval,
 * counts below the organisation's k are suppressed, and only approved quotes appear.
 */
export async function buildSnapshot(
  db: Db,
  orgId: string,
  publicationId: string,
  at: Date,
): Promise<Record<string, unknown>> {
  const publication = await getPublication(db, orgId, publicationId);
  if (!publication) throw new NotFoundError('publication', publicationId);
  const entry = await getYouSaid(db, orgId, publication.youSaidId);
  if (!entry) throw new NotFoundError('you_said', publication.youSaidId);
  const org = await findOrganisationById(db, orgId);
  const k = org?.kAnonymity ?? 5;
  const [theme] = await db.select().from(schema.themes).where(eq(schema.themes.id, entry.themeId));
  const servicePoint = entry.servicePointId
    ? (await db.select().from(schema.servicePoints).where(eq(schema.servicePoints.id, entry.servicePointId)))[0]
    : undefined;
  const actions = await actionsOfPublications(db, orgId, [publicationId]);
  const quotes = (await listQuotes(db, orgId, [entry.id])).filter((q) => q.approvedAt !== null);
  const suppressed = entry.count < k;
  return {
    id: publication.id,
    themeKey: theme?.key ?? null,
    themeName: theme?.name ?? '',
    themeNameCy: theme?.nameCy ?? null,
    periodStart: entry.periodStart,
    periodEnd: entry.periodEnd,
    servicePoint: servicePoint?.name ?? null,
    youSaid: {
      summary: entry.summary,
      summaryCy: entry.summaryCy,
      count: suppressed ? null : entry.count,
      suppressedBelow: suppressed ? k : null,
      previousCount: suppressed || entry.previousCount === null || entry.previousCount < k ? null : entry.previousCount,
      channelMix: suppressed ? [] : poolSmallCells(entry.channelMix, 'channel', k),
      groupMix: suppressed ? [] : poolSmallCells(entry.groupMix, 'group', k),
      sentiment:
        suppressed || !entry.sentiment
          ? null
          : {
              positive: entry.sentiment.positive,
              neutral: entry.sentiment.neutral,
              negative: entry.sentiment.negative,
            },
      quotes: quotes.map((q) => q.text),
    },
    weDid: actions.map(({ action }) => ({
      title: action.title,
      titleCy: action.titleCy,
      statement: action.publicStatement ?? action.title,
      statementCy: action.publicStatementCy,
      status: action.status,
      declinedReason: action.declinedReason,
      declinedReasonCy: action.declinedReasonCy,
      completedAt: action.completedAt ? action.completedAt.toISOString() : null,
      impact: action.impact.map((m) => ({ name: m.name, unit: m.unit, before: m.before, after: m.after })),
    })),
    publishedAt: at.toISOString(),
    updatedAt: at.toISOString(),
    version: publication.version,
  };
}
