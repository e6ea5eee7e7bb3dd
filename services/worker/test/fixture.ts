import { defaultTaxonomy } from '@closeloop/analysis';
import { createApiKey } from '@closeloop/api';
import { type Database, insertOrganisation, Sealer, seedThemes } from '@closeloop/db';
import type { ApiScope } from '@closeloop/domain';
import { type TestDatabase, withDatabase } from '../../../test/harness/db.ts';

export const TEST_SECRET = 'ab'.repeat(32);

export interface OrgDatabase {
  db: TestDatabase;
  database: Database;
  sealer: Sealer;
  /** An organisation with the default taxonomy and an API key holding `scopes`. */
  createOrg(slug: string, scopes?: ApiScope[]): Promise<{ id: string; slug: string; apiKey: string }>;
  close(): Promise<void>;
}

/** This file's own database (PostgreSQL clone or PGlite) with helpers to create organisations. */
export async function withOrgDatabase(): Promise<OrgDatabase> {
  const db = await withDatabase();
  return {
    db,
    database: db.database,
    sealer: new Sealer(TEST_SECRET),
    async createOrg(slug, scopes = ['feedback:write', 'feedback:read', 'admin']) {
      const org = await insertOrganisation(db.database.db, { slug, name: `Org ${slug}`, languages: ['en'] });
      await seedThemes(db.database.db, org.id, defaultTaxonomy);
      const { key } = await createApiKey(db.database.db, { orgId: org.id, name: 'test', scopes });
      return { id: org.id, slug, apiKey: key };
    },
    close: () => db.drop(),
  };
}

export { eventually } from '../../../test/harness/eventually.ts';
