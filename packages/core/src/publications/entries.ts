import type { YouSaidWeDidEntry } from '@closeloop/publishing';

/** A publication's snapshot as `buildSnapshot` froze it (jsonb: dates are ISO strings). */
export interface PublicationSnapshot {
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

export type PublishedEntry = YouSaidWeDidEntry & { themeKey: string | null };

/** What the public renderers (board, feeds, newsletter) take, from a published snapshot. */
export function entryOfSnapshot(snapshot: Record<string, unknown>): PublishedEntry {
  const s = snapshot as unknown as PublicationSnapshot;
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
