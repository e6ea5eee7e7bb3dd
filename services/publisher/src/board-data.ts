import { type Db, findOrganisationBySlug, type Organisation, schema } from '@closeloop/db';
import type { Lang, OrgBranding, YouSaidWeDidEntry } from '@closeloop/publishing';
import { and, desc, eq, isNotNull } from 'drizzle-orm';

interface SnapshotJson {
  id: string;
  themeKey?: string | null;
  themeName: string;
  themeNameCy?: string | null;
  periodStart: string;
  periodEnd: string;
  servicePoint?: string | null;
  youSaid: YouSaidWeDidEntry['youSaid'];
  weDid: (Omit<YouSaidWeDidEntry['weDid'][number], 'completedAt'> & { completedAt?: string | null })[];
  publishedAt: string;
  updatedAt: string;
  version: number;
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

function toEntry(s: SnapshotJson): YouSaidWeDidEntry & { themeKey: string | null } {
  return {
    id: s.id,
    themeKey: s.themeKey ?? null,
    themeName: s.themeName,
    themeNameCy: s.themeNameCy ?? null,
    periodStart: new Date(`${s.periodStart}T00:00:00Z`),
    periodEnd: new Date(`${s.periodEnd}T00:00:00Z`),
    servicePoint: s.servicePoint ?? null,
    youSaid: s.youSaid,
    weDid: s.weDid.map((a) => ({ ...a, completedAt: a.completedAt ? new Date(a.completedAt) : null })),
    publishedAt: new Date(s.publishedAt),
    updatedAt: new Date(s.updatedAt),
    version: s.version,
  };
}

/** The organisation and its published entries (from the snapshots frozen at publish time), newest first. */
export async function loadBoard(db: Db, slug: string, limit = 100) {
  const org = await findOrganisationBySlug(db, slug);
  if (!org) return null;
  const rows = await db
    .select({ snapshot: schema.publications.snapshot })
    .from(schema.publications)
    .where(
      and(
        eq(schema.publications.orgId, org.id),
        eq(schema.publications.state, 'published'),
        isNotNull(schema.publications.snapshot),
      ),
    )
    .orderBy(desc(schema.publications.publishedAt))
    .limit(limit);
  const entries = rows.map((r) => toEntry(r.snapshot as unknown as SnapshotJson));
  return { org, branding: brandingOf(org), entries };
}
