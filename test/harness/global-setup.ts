import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase, MIGRATIONS_FOLDER, migrate } from '@closeloop/db';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { chooseBackend, type TestBackend } from './backend.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    backend: TestBackend;
    /** PostgreSQL: the template database every test file clones. PGlite: path of a migrated data-dir dump. */
    templateDatabase: string;
  }
}

let stopContainers: (() => Promise<void>) | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let chosen = chooseBackend();
  if (chosen.kind === 'testcontainers') {
    const started = await startContainers();
    stopContainers = started.stop;
    chosen = {
      kind: 'service',
      databaseUrl: started.databaseUrl,
      redisUrl: started.redisUrl,
      source: 'testcontainers',
    };
  }
  const backend: TestBackend = chosen;
  const hash = migrationsHash();
  let template: string;
  if (backend.kind === 'service') {
    template = await prepareTemplate(backend.databaseUrl, `closeloop_tmpl_${hash}`);
    process.stdout.write(
      `\n[closeloop tests] backend: PostgreSQL + Redis (${backend.source}) ${redact(backend.databaseUrl)} ${backend.redisUrl}\n`,
    );
  } else {
    template = await prepareDump(hash);
    process.stdout.write(
      `\n[closeloop tests] WARNING backend: EMBEDDED fallback (PGlite + in-process queue): ${backend.reason}. ` +
        'Service-backed behaviour is NOT exercised against PostgreSQL and Redis.\n',
    );
  }
  const marker = path.resolve('test-results');
  mkdirSync(marker, { recursive: true });
  writeFileSync(path.join(marker, 'backend.json'), JSON.stringify({ kind: backend.kind }));
  project.provide('backend', backend);
  project.provide('templateDatabase', template);
  return async () => {
    if (stopContainers) await stopContainers();
  };
}

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER).sort()) {
    if (file.endsWith('.sql')) h.update(readFileSync(path.join(MIGRATIONS_FOLDER, file)));
  }
  h.update(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json')));
  return h.digest('hex').slice(0, 12);
}

/** True when a process with this id runs on this machine (signal 0 only checks). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function prepareTemplate(databaseUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      // Stale templates of earlier migration sets go first.
      const stale = await admin.query("select datname from pg_database where datname like 'closeloop_tmpl_%'");
      for (const row of stale.rows as { datname: string }[]) {
        await admin.query(`drop database if exists "${row.datname}" with (force)`);
      }
      const building = `${name}_build_${process.pid}`;
      await admin.query(`create database "${building}"`);
      const url = new URL(databaseUrl);
      url.pathname = `/${building}`;
      const database = await createDatabase({ databaseUrl: url.toString(), poolMax: 1 });
      await migrate(database);
      await database.close();
      await admin.query(`alter database "${building}" rename to "${name}"`).catch(async (error: unknown) => {
        // Another run finished the same template first.
        await admin.query(`drop database if exists "${building}" with (force)`);
        if (!String(error).includes('already exists')) throw error;
      });
    }
    // Test databases left behind by a crashed run: unused, and named after a process that no longer runs (a
    // database another run on this machine has just created, and not yet connected to, stays).
    const leftovers = await admin.query(
      "select datname from pg_database where datname like 'cl_test_%' and not exists (select 1 from pg_stat_activity a where a.datname = pg_database.datname)",
    );
    for (const row of leftovers.rows as { datname: string }[]) {
      const pid = Number(/^cl_test_(\d+)_/.exec(row.datname)?.[1]);
      if (Number.isInteger(pid) && processRuns(pid)) continue;
      await admin.query(`drop database if exists "${row.datname}" with (force)`).catch(() => {});
    }
  } finally {
    await admin.end();
  }
  return name;
}

async function prepareDump(hash: string): Promise<string> {
  const file = path.join(tmpdir(), `closeloop-pglite-${hash}.tar`);
  try {
    readFileSync(file, { flag: 'r' });
    return file;
  } catch {
    const database = await createDatabase({});
    await migrate(database);
    const dump = await database.pglite!.dumpDataDir('none');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    return file;
  }
}

async function startContainers(): Promise<{ databaseUrl: string; redisUrl: string; stop: () => Promise<void> }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const postgres = await new GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const redis = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
  return {
    databaseUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
    redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop()]);
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
