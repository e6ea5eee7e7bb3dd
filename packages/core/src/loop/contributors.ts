import {
  type ActionRow,
  type Db,
  findOrganisationById,
  getAction,
  type Organisation,
  publicationsOfAction,
  queryRows,
  type Sealer,
} from '@closeloop/db';
import { type Lang, type NotificationAction, type OrgBranding, publicUrls } from '@closeloop/publishing';
import { sql } from 'drizzle-orm';

/** What every message about one finished action shares: the organisation, the action and its public entry. */
export interface OutcomeContext {
  org: Organisation;
  branding: OrgBranding;
  action: ActionRow;
  /** The newest published publication carrying the action: the entry contributors are sent to. */
  publicationId: string;
}

export function brandingOf(org: Organisation): OrgBranding {
  return {
    slug: org.slug,
    name: org.name,
    nameCy: org.nameCy,
    primaryColour: org.branding.primaryColour ?? null,
    logoUrl: org.branding.logoUrl ?? null,
    languages: org.languages.filter((l): l is Lang => l === 'en' || l === 'cy'),
  };
}

/** Null unless the action is done or declined and is on the public board: only then are contributors told. */
export async function loadOutcomeContext(db: Db, orgId: string, actionId: string): Promise<OutcomeContext | null> {
  const action = await getAction(db, orgId, actionId);
  if (!action || (action.status !== 'done' && action.status !== 'declined')) return null;
  const published = (await publicationsOfAction(db, orgId, actionId))
    .map((p) => p.publication)
    .filter((p) => p.state === 'published')
    .sort((a, b) => (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0));
  const org = await findOrganisationById(db, orgId);
  if (!published[0] || !org) return null;
  return { org, branding: brandingOf(org), action, publicationId: published[0].id };
}

/** One person who asked to hear the outcome, with the (redacted) thing they told us. */
export interface Contributor {
  contactId: string;
  feedbackId: string;
  sealed: string | null;
  language: Lang;
  hasEmail: boolean;
  hasPhone: boolean;
  hasPostal: boolean;
  youSaid: string;
}

/**
 * Contacts of the action's linked feedback who consented to hear the outcome and have not opted out or
 * been erased: one row per contact (their earliest linked feedback), however many items they sent.
 */
export async function contributorsToTell(db: Db, orgId: string, actionId: string): Promise<Contributor[]> {
  const rows = await queryRows<{
    contact_id: string;
    feedback_id: string;
    sealed: string | null;
    language: string;
    has_email: boolean;
    has_phone: boolean;
    has_postal: boolean;
    redacted: string | null;
  }>(
    db,
    sql`select distinct on (c.id) c.id as contact_id, f.id as feedback_id, c.sealed, c.language,
          c.has_email, c.has_phone, c.has_postal, f.redacted_text as redacted
        from action_feedback af
        join feedback f on f.id = af.feedback_id and f.erased_at is null
        join contacts c on c.id = f.contact_id
        where af.org_id = ${orgId} and af.action_id = ${actionId}
          and c.consent_outcome and c.opted_out_at is null and c.erased_at is null and c.sealed is not null
        order by c.id, f.received_at, f.id`,
  );
  return rows.map((r) => ({
    contactId: r.contact_id,
    feedbackId: r.feedback_id,
    sealed: r.sealed,
    language: r.language === 'cy' ? 'cy' : 'en',
    hasEmail: r.has_email,
    hasPhone: r.has_phone,
    hasPostal: r.has_postal,
    youSaid: r.redacted ?? '',
  }));
}

export type Medium = 'email' | 'letter' | 'phone';

/** Email when we have an address; otherwise a printed letter, otherwise a phone call. */
export function mediumOf(c: Pick<Contributor, 'hasEmail' | 'hasPhone' | 'hasPostal'>): Medium | null {
  if (c.hasEmail) return 'email';
  if (c.hasPostal) return 'letter';
  if (c.hasPhone) return 'phone';
  return null;
}

export interface ContactDetails {
  name?: string;
  email?: string;
  phone?: string;
  postalAddress?: string;
}

export function unsealContact(sealer: Sealer, sealed: string | null): ContactDetails {
  if (!sealed) return {};
  const parsed = JSON.parse(sealer.unseal(sealed)) as ContactDetails;
  return typeof parsed === 'object' && parsed !== null ? parsed : {};
}

/** The action in the contributor's language (English where no Welsh was written). */
export function notificationAction(action: ActionRow, lang: Lang): NotificationAction {
  const pick = (en: string | null, cy: string | null) => (lang === 'cy' && cy?.trim() ? cy : (en ?? ''));
  return {
    title: pick(action.title, action.titleCy),
    statement: pick(action.publicStatement, action.publicStatementCy),
    status: action.status === 'declined' ? 'declined' : 'done',
    declinedReason: pick(action.declinedReason, action.declinedReasonCy) || null,
  };
}

export function entryUrl(baseUrl: string, slug: string, publicationId: string, lang: Lang): string {
  const url = publicUrls(baseUrl, slug).entry(publicationId);
  return lang === 'en' ? url : `${url}?lang=${lang}`;
}

/** The per-message opt-out link: the token is the notification's random (v4) id, known only to its recipient. */
export function optOutUrl(baseUrl: string, slug: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(slug)}/contact-opt-out?token=${encodeURIComponent(token)}`;
}
