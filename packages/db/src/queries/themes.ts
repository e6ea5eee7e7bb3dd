import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { themes } from '../schema/index.ts';

export type ThemeRow = typeof themes.$inferSelect;

export interface ThemeSeed {
  key: string;
  name: string;
  nameCy?: string | null | undefined;
  parentKey?: string | null | undefined;
  rules: { include: string[]; exclude?: string[]; force?: string[] };
}

export async function listThemes(db: Db, orgId: string): Promise<ThemeRow[]> {
  return db.select().from(themes).where(eq(themes.orgId, orgId)).orderBy(themes.key);
}

export async function findThemesByKeys(db: Db, orgId: string, keys: string[]): Promise<ThemeRow[]> {
  if (keys.length === 0) return [];
  return db
    .select()
    .from(themes)
    .where(and(eq(themes.orgId, orgId), inArray(themes.key, keys)));
}

/** Inserts missing themes of a taxonomy (parents first); existing keys are left as staff edited them. */
export async function seedThemes(db: Db, orgId: string, seeds: ThemeSeed[]): Promise<void> {
  const byKey = new Map<string, string>();
  for (const row of await listThemes(db, orgId)) byKey.set(row.key, row.id);
  const pending = seeds.filter((s) => !byKey.has(s.key));
  // Parents before children, whatever order the taxonomy lists them in.
  while (pending.length > 0) {
    const ready = pending.filter((s) => !s.parentKey || byKey.has(s.parentKey));
    if (ready.length === 0) throw new Error(`themes with unknown parents: ${pending.map((s) => s.key).join(', ')}`);
    const rows = await db
      .insert(themes)
      .values(
        ready.map((s) => ({
          orgId,
          key: s.key,
          name: s.name,
          nameCy: s.nameCy ?? null,
          parentId: s.parentKey ? (byKey.get(s.parentKey) ?? null) : null,
          rules: s.rules,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: themes.id, key: themes.key });
    for (const row of rows) byKey.set(row.key, row.id);
    for (const s of ready) {
      if (!byKey.has(s.key)) {
        const existing = await findThemesByKeys(db, orgId, [s.key]);
        if (existing[0]) byKey.set(s.key, existing[0].id);
      }
      pending.splice(pending.indexOf(s), 1);
    }
  }
}
