import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createDatabase, type Database } from '@closeloop/db';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  database: Database;
  /** Connection string of this file's own database (service backend only), for spawned processes. */
  url: string | null;
  drop(): Promise<void>;
}

/** A fresh database for one test file, cloned from the migrated template (or the PGlite dump). */
export async function withDatabase(): Promise<TestDatabase> {
  const backend = inject('backend');
  const template = inject('templateDatabase');
  if (backend.kind === 'service') {
    const name = `cl_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: backend.databaseUrl });
    await admin.connect();
    await admin.query(`create database "${name}" template "${template}"`);
    await admin.end();
    const url = new URL(backend.databaseUrl);
    url.pathname = `/${name}`;
    const database = await createDatabase({ databaseUrl: url.toString(), poolMax: 5 });
    return {
      database,
      url: url.toString(),
      async drop() {
        await database.close();
        const cleanup = new pg.Client({ connectionString: backend.databaseUrl });
        await cleanup.connect();
        await cleanup.query(`drop database if exists "${name}" with (force)`);
        await cleanup.end();
      },
    };
  }
  const dump = new Blob([readFileSync(template)]);
  const database = await createDatabase({ loadDataDir: dump });
  return {
    database,
    url: null,
    async drop() {
      await database.close();
    },
  };
}

export function testBackend() {
  return inject('backend');
}
