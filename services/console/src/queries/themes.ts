import { defaultTaxonomyAdditions, type TaxonomyAddition, type ThemeDef } from '@closeloop/analysis';
import { type Db, insertAudit, listThemes, queryRows, schema, type ThemeRow } from '@closeloop/db';
import { and, eq, sql } from 'drizzle-orm';

/** The organisation's active themes as the analysis package's taxonomy. */
export function taxonomyOf(rows: ThemeRow[]): ThemeDef[] {
  const keyById = new Map(rows.map((t) => [t.id, t.key]));
  return rows
    .filter((t) => t.active)
    .map((t) => ({
      key: t.key,
      name: t.name,
      parentKey: t.parentId ? (keyById.get(t.parentId) ?? null) : null,
      rules: t.rules,
    }));
}

export interface ThemeNode {
  theme: ThemeRow;
  children: ThemeRow[];
}

/** Top-level themes with their sub-themes, both sorted by name. */
export function themeTree(rows: ThemeRow[]): ThemeNode[] {
  const byName = (a: ThemeRow, b: ThemeRow) => a.name.localeCompare(b.name);
  const ids = new Set(rows.map((t) => t.id));
  const roots = rows.filter((t) => !t.parentId || !ids.has(t.parentId)).sort(byName);
  return roots.map((theme) => ({ theme, children: rows.filter((t) => t.parentId === theme.id).sort(byName) }));
}

/** Feedback per theme: all time and in the last 90 days. */
export async function themeCounts(db: Db, orgId: string, now: Date) {
  const since = new Date(now.getTime() - 90 * 86_400_000).toISOString();
  const rows = await queryRows<{ theme_id: string; total: number; recent: number }>(
    db,
    sql`select ft.theme_id, count(*)::int as total,
               count(*) filter (where f.received_at >= ${since}::timestamptz)::int as recent
        from feedback_themes ft join feedback f on f.id = ft.feedback_id and f.org_id = ${orgId}
        where ft.org_id = ${orgId} and f.erased_at is null
        group by ft.theme_id`,
  );
  return new Map(rows.map((r) => [r.theme_id, { total: r.total, recent: r.recent }]));
}

/** A theme key from a name: lower-case words joined by underscores, unique in the organisation. */
export async function freeThemeKey(db: Db, orgId: string, name: string, parentKey: string | null): Promise<string> {
  const slug =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'theme';
  const base = parentKey ? `${parentKey}.${slug}` : slug;
  const taken = new Set((await listThemes(db, orgId)).map((t) => t.key));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export interface ThemeRules {
  include: string[];
  exclude: string[];
  force: string[];
}

/** The audit row of a theme change by staff. */
function auditTheme(
  db: Db,
  orgId: string,
  actorId: string,
  action: 'theme.created' | 'theme.updated',
  themeId: string,
  data: Record<string, unknown>,
) {
  return insertAudit(db, { orgId, actorType: 'staff', actorId, action, entityType: 'theme', entityId: themeId, data });
}

export async function createTheme(
  db: Db,
  orgId: string,
  input: { name: string; parentId: string | null; rules: ThemeRules },
  actorId: string,
): Promise<ThemeRow> {
  const themes = await listThemes(db, orgId);
  const parent = input.parentId ? themes.find((t) => t.id === input.parentId) : undefined;
  const key = await freeThemeKey(db, orgId, input.name, parent?.key ?? null);
  const rows = await db
    .insert(schema.themes)
    .values({ orgId, key, name: input.name, parentId: parent?.id ?? null, rules: compactRules(input.rules) })
    .returning();
  const theme = rows[0]!;
  await auditTheme(db, orgId, actorId, 'theme.created', theme.id, { key, name: input.name, rules: theme.rules });
  return theme;
}

/** Rule edits are picked up by running workers: their analyser cache fingerprints the rules. */
export async function updateTheme(
  db: Db,
  orgId: string,
  id: string,
  input: { name: string; active: boolean; rules: ThemeRules },
  actorId: string,
): Promise<ThemeRow | null> {
  const rows = await db
    .update(schema.themes)
    .set({ name: input.name, active: input.active, rules: compactRules(input.rules) })
    .where(and(eq(schema.themes.orgId, orgId), eq(schema.themes.id, id)))
    .returning();
  const theme = rows[0] ?? null;
  if (theme) {
    await auditTheme(db, orgId, actorId, 'theme.updated', id, {
      name: input.name,
      active: input.active,
      rules: theme.rules,
    });
  }
  return theme;
}

function compactRules(rules: ThemeRules): { include: string[]; exclude?: string[]; force?: string[] } {
  return {
    include: rules.include,
    ...(rules.exclude.length ? { exclude: rules.exclude } : {}),
    ...(rules.force.length ? { force: rules.force } : {}),
  };
}

/** Records what staff decided about a proposed emerging topic, so it is not proposed again. */
export async function decideProposal(
  db: Db,
  orgId: string,
  topic: { term: string; score: number; count: number; exampleIds: string[] },
  state: 'accepted' | 'dismissed',
): Promise<void> {
  await db
    .insert(schema.themeProposals)
    .values({
      orgId,
      term: topic.term,
      score: topic.score,
      count: topic.count,
      exampleFeedbackIds: topic.exampleIds,
      state,
    })
    .onConflictDoUpdate({
      target: [schema.themeProposals.orgId, schema.themeProposals.term],
      set: { state, score: topic.score, count: topic.count },
    });
}

/** A phrase (or a whole theme) of the default taxonomy, as staff pick it: the theme key, rule kind and phrase. */
export interface DefaultPick {
  key: string;
  kind: 'include' | 'exclude';
  phrase: string;
}

const DEFAULT_PREFIX = 'default:';

/** How a turned-down default phrase is kept among the theme proposals (emerging terms never contain a colon). */
export function defaultPickTerm(pick: DefaultPick): string {
  return `${DEFAULT_PREFIX}${pick.key}:${pick.kind}:${pick.phrase}`;
}

/** The default taxonomy's phrases and themes this organisation lacks, less what staff turned down. */
export async function pendingDefaultAdditions(db: Db, orgId: string): Promise<TaxonomyAddition[]> {
  const [themes, dismissed] = await Promise.all([
    listThemes(db, orgId),
    queryRows<{ term: string }>(
      db,
      sql`select term from theme_proposals where org_id = ${orgId} and state = 'dismissed'
          and term like ${`${DEFAULT_PREFIX}%`}`,
    ),
  ]);
  const skipped = new Set(dismissed.map((r) => r.term));
  return defaultTaxonomyAdditions(themes, (key, kind, phrase) => skipped.has(defaultPickTerm({ key, kind, phrase })));
}

/**
 * Adds the picked default phrases to the organisation's themes, creating default themes it does not have (parents
 * first), in one transaction; only what `pendingDefaultAdditions` offers can be added, so nothing else changes.
 * Audited per theme. Returns how many phrases and themes were added.
 */
export async function addDefaultPicks(
  db: Db,
  orgId: string,
  picks: DefaultPick[],
  actorId: string,
): Promise<{ phrases: number; themes: number }> {
  return db.transaction(async (tx) => {
    const offered = await pendingDefaultAdditions(tx, orgId);
    const wanted = new Set(picks.map(defaultPickTerm));
    const themes = await listThemes(tx, orgId);
    const idByKey = new Map(themes.map((t) => [t.key, t.id]));
    let phrases = 0;
    let created = 0;
    for (const addition of offered) {
      const pick = (kind: 'include' | 'exclude') =>
        addition[kind].filter((phrase) => wanted.has(defaultPickTerm({ key: addition.key, kind, phrase })));
      const include = pick('include');
      const exclude = pick('exclude');
      if (include.length === 0 && exclude.length === 0) continue;
      if (addition.newTheme) {
        if (include.length === 0) continue;
        const parentId = addition.parentKey ? (idByKey.get(addition.parentKey) ?? null) : null;
        if (addition.parentKey && !parentId) continue;
        const rules = compactRules({ include, exclude, force: [] });
        const [theme] = await tx
          .insert(schema.themes)
          .values({ orgId, key: addition.key, name: addition.name, nameCy: addition.nameCy ?? null, parentId, rules })
          .returning();
        idByKey.set(addition.key, theme!.id);
        created++;
        phrases += include.length + exclude.length;
        await auditTheme(tx, orgId, actorId, 'theme.created', theme!.id, {
          key: addition.key,
          name: addition.name,
          rules,
          from: 'default taxonomy',
        });
        continue;
      }
      const theme = themes.find((t) => t.key === addition.key);
      if (!theme) continue;
      const rules = compactRules({
        include: [...theme.rules.include, ...include],
        exclude: [...(theme.rules.exclude ?? []), ...exclude],
        force: theme.rules.force ?? [],
      });
      await tx
        .update(schema.themes)
        .set({ rules })
        .where(and(eq(schema.themes.orgId, orgId), eq(schema.themes.id, theme.id)));
      phrases += include.length + exclude.length;
      await auditTheme(tx, orgId, actorId, 'theme.updated', theme.id, {
        name: theme.name,
        active: theme.active,
        rules,
        added: { include, exclude },
        from: 'default taxonomy',
      });
    }
    return { phrases, themes: created };
  });
}

/** Turns down default phrases for good: they are not offered again. Only offered phrases are recorded. */
export async function dismissDefaultPicks(db: Db, orgId: string, picks: DefaultPick[]): Promise<number> {
  const offered = new Set(
    (await pendingDefaultAdditions(db, orgId)).flatMap((a) => [
      ...a.include.map((phrase) => defaultPickTerm({ key: a.key, kind: 'include', phrase })),
      ...a.exclude.map((phrase) => defaultPickTerm({ key: a.key, kind: 'exclude', phrase })),
    ]),
  );
  const terms = [...new Set(picks.map(defaultPickTerm))].filter((term) => offered.has(term));
  for (const term of terms) {
    await db
      .insert(schema.themeProposals)
      .values({ orgId, term, score: 0, count: 0, exampleFeedbackIds: [], state: 'dismissed' })
      .onConflictDoUpdate({
        target: [schema.themeProposals.orgId, schema.themeProposals.term],
        set: { state: 'dismissed' },
      });
  }
  return terms.length;
}
