import { entryUrl, loadOutcomeContext, notificationAction, unsealContact } from '@closeloop/core';
import { type Db, getAction, insertAudit, queryRows } from '@closeloop/db';
import { NotFoundError } from '@closeloop/domain';
import {
  type CallListRow,
  findSystemFonts,
  type Letter,
  outcomeLines,
  renderCallListCsv,
  renderLetterBatch,
} from '@closeloop/publishing';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';

const idParams = z.strictObject({ id: z.uuid() });

const linkOut = z.object({
  feedbackId: z.uuid(),
  channel: z.string(),
  receivedAt: z.string(),
  redactedText: z.string().nullable(),
  via: z.string(),
  linkedBy: z.object({
    type: z.enum(['staff', 'api_key', 'unknown']),
    id: z.uuid().nullable(),
    name: z.string().nullable(),
  }),
  linkedAt: z.string(),
});

export interface ActionLink {
  feedbackId: string;
  channel: string;
  receivedAt: string;
  redactedText: string | null;
  via: string;
  linkedBy: { type: 'staff' | 'api_key' | 'unknown'; id: string | null; name: string | null };
  linkedAt: string;
}

/** Linked feedback of an action with who linked it (a staff user or an API key) and when. */
export async function listActionLinks(db: Db, orgId: string, actionId: string): Promise<ActionLink[]> {
  const rows = await queryRows<{
    feedback_id: string;
    channel: string;
    received_ms: number;
    redacted: string | null;
    via: string;
    linked_by: string | null;
    staff_name: string | null;
    key_name: string | null;
    linked_ms: number;
  }>(
    db,
    sql`select af.feedback_id, f.channel, extract(epoch from f.received_at) * 1000 as received_ms,
          f.redacted_text as redacted, af.via, af.linked_by, s.name as staff_name, k.name as key_name,
          extract(epoch from af.created_at) * 1000 as linked_ms
        from action_feedback af join feedback f on f.id = af.feedback_id
        left join staff_users s on s.id = af.linked_by and s.org_id = af.org_id
        left join api_keys k on k.id = af.linked_by and k.org_id = af.org_id
        where af.org_id = ${orgId} and af.action_id = ${actionId}
        order by af.created_at, af.feedback_id limit 10000`,
  );
  return rows.map((r) => ({
    feedbackId: r.feedback_id,
    channel: r.channel,
    receivedAt: new Date(Number(r.received_ms)).toISOString(),
    redactedText: r.redacted,
    via: r.via,
    linkedBy: r.staff_name
      ? { type: 'staff', id: r.linked_by, name: r.staff_name }
      : r.key_name
        ? { type: 'api_key', id: r.linked_by, name: r.key_name }
        : { type: 'unknown', id: r.linked_by, name: null },
    linkedAt: new Date(Number(r.linked_ms)).toISOString(),
  }));
}

interface StaffNotice {
  sealed: string | null;
  language: 'en' | 'cy';
  youSaid: string;
  reference: string | null;
}

/** Letters or calls the notify job recorded for staff, for one action (the job runs once it is published). */
async function staffNotices(db: Db, orgId: string, actionId: string, medium: 'letter' | 'phone') {
  const rows = await queryRows<{
    sealed: string | null;
    language: string;
    redacted: string | null;
    ref: string | null;
  }>(
    db,
    sql`select c.sealed, n.language, f.redacted_text as redacted, f.details->>'caseRef' as ref
        from notifications n join contacts c on c.id = n.contact_id
        left join feedback f on f.id = n.feedback_id
        where n.org_id = ${orgId} and n.action_id = ${actionId} and n.medium = ${medium}
          and c.erased_at is null and c.opted_out_at is null
        order by n.created_at, n.id`,
  );
  return rows.map(
    (r): StaffNotice => ({
      sealed: r.sealed,
      language: r.language === 'cy' ? 'cy' : 'en',
      youSaid: r.redacted ?? '',
      reference: r.ref,
    }),
  );
}

export function registerActionLinkRoutes(app: FastifyInstance, deps: ApiDeps, auth: ApiKeyAuthenticator): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;
  const baseUrl = deps.config.PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`;

  async function requireAction(orgId: string, id: string) {
    const action = await getAction(database.db, orgId, id);
    if (!action) throw new NotFoundError('action', id);
    return action;
  }

  r.get(
    '/v1/actions/:id/feedback',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['actions'],
        summary: 'Feedback linked to an action, with who linked it and when',
        params: idParams,
        response: { 200: z.object({ items: z.array(linkOut) }) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      await requireAction(orgId, request.params.id);
      return { items: await listActionLinks(database.db, orgId, request.params.id) };
    },
  );

  r.delete(
    '/v1/actions/:id/feedback/:feedbackId',
    {
      preHandler: requireScope(auth, 'actions:write'),
      schema: {
        tags: ['actions'],
        summary: 'Unlink one feedback item from an action',
        params: z.strictObject({ id: z.uuid(), feedbackId: z.uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { id, feedbackId } = request.params;
      await requireAction(principal.orgId, id);
      await database.db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        const removed = await queryRows<{ feedback_id: string }>(
          tx,
          sql`delete from action_feedback where org_id = ${principal.orgId} and action_id = ${id}
              and feedback_id = ${feedbackId} returning feedback_id`,
        );
        if (removed.length === 0) throw new NotFoundError('action_link', feedbackId);
        await insertAudit(tx, {
          orgId: principal.orgId,
          actorType: 'api_key',
          actorId: principal.keyId,
          action: 'action.feedback_unlinked',
          entityType: 'improvement_action',
          entityId: id,
          data: { feedbackId },
        });
      });
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/v1/actions/:id/letters.pdf',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['actions'],
        summary: 'Printable letters (PDF) to contributors with only a postal address',
        params: idParams,
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      await requireAction(orgId, request.params.id);
      const ctx = await loadOutcomeContext(database.db, orgId, request.params.id);
      const notices = ctx ? await staffNotices(database.db, orgId, request.params.id, 'letter') : [];
      const lang = ctx?.branding.languages.includes('en') === false ? 'cy' : 'en';
      const letters: Letter[] = [];
      for (const n of notices) {
        const contact = unsealContact(deps.sealer, n.sealed);
        if (!contact.postalAddress || !ctx) continue;
        letters.push({
          lang: n.language,
          name: contact.name ?? null,
          addressLines: contact.postalAddress.split(/\s*(?:,|\n)\s*/).filter(Boolean),
          youSaidExcerpt: n.youSaid,
          action: notificationAction(ctx.action, n.language),
          entryUrl: entryUrl(baseUrl, ctx.org.slug, ctx.publicationId, n.language),
          reference: n.reference,
        });
      }
      const pdf = await renderLetterBatch(letters, {
        org: ctx?.branding ?? { slug: '', name: '', languages: ['en'] },
        lang,
        date: deps.clock?.() ?? new Date(),
        fonts: findSystemFonts(),
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="letters-${request.params.id}.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );

  r.get(
    '/v1/actions/:id/call-list.csv',
    {
      preHandler: requireScope(auth, 'actions:read'),
      schema: {
        tags: ['actions'],
        summary: 'Call list (CSV) of contributors with only a phone number',
        params: idParams,
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      await requireAction(orgId, request.params.id);
      const ctx = await loadOutcomeContext(database.db, orgId, request.params.id);
      const notices = ctx ? await staffNotices(database.db, orgId, request.params.id, 'phone') : [];
      const rows: CallListRow[] = [];
      for (const n of notices) {
        const contact = unsealContact(deps.sealer, n.sealed);
        if (!contact.phone || !ctx) continue;
        const action = notificationAction(ctx.action, n.language);
        rows.push({
          name: contact.name ?? null,
          phone: contact.phone,
          language: n.language,
          youSaidExcerpt: n.youSaid,
          actionTitle: action.title,
          actionStatus: action.status,
          outcome: outcomeLines(n.language, action).lines.join(' '),
          entryUrl: entryUrl(baseUrl, ctx.org.slug, ctx.publicationId, n.language),
          reference: n.reference,
        });
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="call-list-${request.params.id}.csv"`)
        .header('cache-control', 'no-store')
        .send(renderCallListCsv(rows, { bom: true }));
    },
  );
}
