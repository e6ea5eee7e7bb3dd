import {
  type Analyser,
  createAnalyser,
  needsEmbeddings,
  type SentimentModel,
  type ThemeDef,
  type ThemeModel,
  type WordEmbeddings,
} from '@closeloop/analysis';
import { type Db, findOrganisationById, listThemes, queryRows } from '@closeloop/db';
import { sharedWordEmbeddings } from '@closeloop/embeddings';
import { sql } from 'drizzle-orm';

export interface OrgAnalysisConfig {
  taxonomy: ThemeDef[];
  themeModel: ThemeModel | null;
  sentimentModel: SentimentModel | null;
  themeModelVersion: number;
  themeIdByKey: Map<string, string>;
  triageThreshold: number | undefined;
  /** the word-embedding table, when one of the models was trained with it */
  embeddings: WordEmbeddings | null;
}

/**
 * An organisation's taxonomy (with its staff-edited rules), active models, triage threshold, and the
 * word-embedding table when a model needs it.
 */
export async function loadOrgAnalysisConfig(
  db: Db,
  orgId: string,
  loadEmbeddings: () => Promise<WordEmbeddings> = sharedWordEmbeddings,
): Promise<OrgAnalysisConfig> {
  const [themes, models, org] = await Promise.all([
    listThemes(db, orgId),
    queryRows<{ kind: string; version: number; model: string }>(
      db,
      sql`select kind, version, model from model_versions where org_id = ${orgId} and active`,
    ),
    findOrganisationById(db, orgId),
  ]);
  const keyById = new Map(themes.map((t) => [t.id, t.key]));
  const taxonomy: ThemeDef[] = themes
    .filter((t) => t.active)
    .map((t) => ({
      key: t.key,
      name: t.name,
      ...(t.nameCy ? { nameCy: t.nameCy } : {}),
      parentKey: t.parentId ? (keyById.get(t.parentId) ?? null) : null,
      rules: t.rules,
    }));
  const themeRow = models.find((m) => m.kind === 'themes');
  const sentimentRow = models.find((m) => m.kind === 'sentiment');
  const themeModel = themeRow ? (JSON.parse(themeRow.model) as ThemeModel) : null;
  const sentimentModel = sentimentRow ? (JSON.parse(sentimentRow.model) as SentimentModel) : null;
  const needs = [themeModel, sentimentModel?.model].some((m) => m && needsEmbeddings(m));
  return {
    taxonomy,
    themeModel,
    sentimentModel,
    themeModelVersion: themeRow?.version ?? 0,
    themeIdByKey: new Map(themes.map((t) => [t.key, t.id])),
    triageThreshold: org?.settings.triageThreshold,
    embeddings: needs ? await loadEmbeddings() : null,
  };
}

export interface OrgAnalyser {
  analyser: Analyser;
  themeIdByKey: Map<string, string>;
  modelVersion: number;
  loadedAt: number;
}

/**
 * One analyser per organisation, built from its taxonomy and active models. Entries are re-checked
 * every `refreshMs`, so a retrained model or an edited rule is picked up by running workers (hot-load).
 */
export function createAnalyserCache(db: Db, opts: { refreshMs?: number; now?: () => number } = {}) {
  const refreshMs = opts.refreshMs ?? 30_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, Promise<OrgAnalyser>>();

  async function fingerprint(orgId: string): Promise<string> {
    const rows = await queryRows<{ models: string | null; themes: string | null }>(
      db,
      sql`select (select string_agg(kind || ':' || version, ',' order by kind) from model_versions where org_id = ${orgId} and active) as models,
                 (select count(*) || ':' || coalesce(max(created_at)::text, '') || ':' || md5(coalesce(string_agg(rules::text, '' order by key), '')) from themes where org_id = ${orgId} and active) as themes`,
    );
    return `${rows[0]?.models ?? ''}|${rows[0]?.themes ?? ''}`;
  }

  async function build(orgId: string): Promise<OrgAnalyser & { fingerprint: string }> {
    const [loaded, print] = await Promise.all([loadOrgAnalysisConfig(db, orgId), fingerprint(orgId)]);
    return {
      analyser: createAnalyser({
        taxonomy: loaded.taxonomy,
        themeModel: loaded.themeModel,
        sentimentModel: loaded.sentimentModel,
        embeddings: loaded.embeddings,
        ...(loaded.triageThreshold === undefined ? {} : { triageThreshold: loaded.triageThreshold }),
      }),
      themeIdByKey: loaded.themeIdByKey,
      modelVersion: loaded.themeModelVersion,
      loadedAt: now(),
      fingerprint: print,
    };
  }

  return {
    async get(orgId: string): Promise<OrgAnalyser> {
      const existing = cache.get(orgId);
      if (existing) {
        const entry = (await existing) as OrgAnalyser & { fingerprint: string };
        if (now() - entry.loadedAt < refreshMs) return entry;
        if ((await fingerprint(orgId)) === entry.fingerprint) {
          entry.loadedAt = now();
          return entry;
        }
      }
      const loading = build(orgId);
      cache.set(orgId, loading);
      loading.catch(() => cache.delete(orgId));
      return loading;
    },
    invalidate(orgId?: string): void {
      if (orgId) cache.delete(orgId);
      else cache.clear();
    },
  };
}

export type AnalyserCache = ReturnType<typeof createAnalyserCache>;
