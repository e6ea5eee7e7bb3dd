import type { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema/index.ts';
import { templateForNewDataDir } from './template.ts';

export type Schema = typeof schema;
/** A database or a transaction: every query function takes one of these first. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The underlying pg Pool or PGlite instance, for the few places that need raw access (COPY, advisory locks). */
  pool: pg.Pool | null;
  pglite: PGlite | null;
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; omitted means in memory. */
  dataDir?: string | undefined;
  poolMax?: number;
  /** Load an existing PGlite dump (tar) instead of starting empty: used by the test harness. */
  loadDataDir?: Blob | File;
  applicationName?: string;
}

export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolMax ?? 10,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
      application_name: opts.applicationName ?? 'closeloop',
      // Never hang a request on a dead server: a statement that takes this long is cancelled.
      statement_timeout: 30_000,
      query_timeout: 35_000,
    });
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on('error', () => {});
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      pool,
      pglite: null,
      async ping(timeoutMs = 2_000) {
        return withTimeout(
          pool.query('select 1').then(() => true),
          timeoutMs,
        ).catch(() => false);
      },
      async close() {
        await pool.end();
      },
    };
  }
  // Loaded only in embedded mode: PGlite's WebAssembly build costs ~45 MB that service mode never needs.
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
  ]);
  const loadDataDir = opts.loadDataDir ?? (opts.dataDir ? templateForNewDataDir(opts.dataDir) : undefined);
  const pglite = new PGlite({ dataDir: opts.dataDir, loadDataDir });
  await pglite.waitReady;
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pool: null,
    pglite,
    async ping() {
      return pglite
        .query('select 1')
        .then(() => true)
        .catch(() => false);
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Runs raw SQL and returns its rows, on either driver. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
