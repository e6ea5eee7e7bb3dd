export { brandingOf } from '@closeloop/core';

import { brandingOf, entryOfSnapshot } from '@closeloop/core';
import { type Db, findOrganisationBySlug, schema } from '@closeloop/db';
import { and, desc, eq, isNotNull } from 'drizzle-orm';

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
  const entries = rows.map((r) => entryOfSnapshot(r.snapshot!));
  return { org, branding: brandingOf(org), entries };
}
