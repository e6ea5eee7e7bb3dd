import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase } from './client.ts';
import { MIGRATIONS_FOLDER, migrate } from './migrate.ts';

const CACHE_DIR = fileURLToPath(new URL('../../../node_modules/.cache/closeloop', import.meta.url));

/** A short hash of the committed migrations: a template is only reused for the same migration set. */
export function migrationsHash(): string {
  const h = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER).sort()) {
    if (file.endsWith('.sql')) h.update(readFileSync(path.join(MIGRATIONS_FOLDER, file)));
  }
  h.update(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json')));
  return h.digest('hex').slice(0, 12);
}

export function embeddedTemplatePath(): string {
  return path.join(CACHE_DIR, `pglite-${migrationsHash()}.tar`);
}

/**
 * A migrated, empty PGlite data directory as a tarball, made once (at `npm ci`, by postinstall).
 * The first embedded start loads it instead of running initdb, which saves several seconds.
 */
export async function buildEmbeddedTemplate(): Promise<string> {
  const file = embeddedTemplatePath();
  if (existsSync(file)) return file;
  mkdirSync(CACHE_DIR, { recursive: true });
  const database = await createDatabase({});
  try {
    await migrate(database);
    const dump = await database.pglite!.dumpDataDir('none');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file);
  } finally {
    await database.close();
  }
  return file;
}

/** The template for a new, empty data directory, when one was built for these migrations. */
export function templateForNewDataDir(dataDir: string): Blob | undefined {
  const fresh = !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  const file = embeddedTemplatePath();
  if (!fresh || !existsSync(file)) return undefined;
  return new Blob([readFileSync(file)]);
}
