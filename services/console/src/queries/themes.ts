import type { ThemeDef } from '@closeloop/analysis';
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
  await insertAudit(db, {
    orgId,
    actorType: 'staff',
    actorId,
    action: 'theme.created',
    entityType: 'theme',
    entityId: theme.id,
    data: { key, name: input.name, rules: theme.rules },
  });
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
    await insertAudit(db, {
      orgId,
      actorType: 'staff',
      actorId,
      action: 'theme.updated',
      entityType: 'theme',
      entityId: id,
      data: { name: input.name, active: input.active, rules: theme.rules },
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
