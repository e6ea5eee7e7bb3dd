import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { enqueueAnalyses, getImportProfile, type ImportSummary, previewFile, runImport } from '@closeloop/api';
import { loadConfig } from '@closeloop/config';
import { findOrganisationBySlug } from '@closeloop/db';
import { openRuntime } from '../runtime/runtime.ts';
import { parseFlags, UsageError } from './flags.ts';

export function formatSummary(summary: ImportSummary): string {
  const lines = [
    `import ${summary.importId} (profile ${summary.profile})`,
    `rows: ${summary.totalRows}  imported: ${summary.imported}  duplicates: ${summary.duplicates}  row errors: ${summary.rowErrors.length}${summary.rowErrorsTruncated ? '+' : ''}`,
  ];
  for (const e of summary.rowErrors.slice(0, 50)) lines.push(`  line ${e.line}: ${e.reason}`);
  if (summary.rowErrors.length > 50) lines.push(`  … ${summary.rowErrors.length - 50} more row errors`);
  for (const w of summary.warnings.slice(0, 20)) lines.push(`  warning line ${w.line}: ${w.warning}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `closeloop import FILE --org SLUG [--profile NAME] [--dry-run] [--format csv|xlsx] [--json]`: the same
 * streaming import as `POST /v1/imports`, straight into the database.
 */
export async function importCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const flags = parseFlags(argv, {
    org: 'string',
    profile: 'string',
    'dry-run': 'boolean',
    format: 'string',
    json: 'boolean',
  });
  const file = flags._[0];
  if (!file) throw new UsageError('import FILE --org SLUG [--profile NAME] [--dry-run] [--format csv|xlsx] [--json]');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  if (!flags.org) throw new UsageError('--org SLUG is required');
  const format = flags.format ?? (/\.xlsx$/i.test(file) ? 'xlsx' : 'csv');
  if (format !== 'csv' && format !== 'xlsx') throw new UsageError('--format must be csv or xlsx');

  const config = loadConfig();
  const rt = await openRuntime(
    { ...config, LOG_LEVEL: 'warn' },
    { role: 'cli', queue: Boolean(config.DATABASE_URL && config.REDIS_URL) },
  );
  try {
    const org = await findOrganisationBySlug(rt.database.db, flags.org);
    if (!org) throw new UsageError(`no organisation with slug "${flags.org}"`);
    let profile: Awaited<ReturnType<typeof getImportProfile>> | undefined;
    if (flags.profile) {
      profile = (await getImportProfile(rt.database.db, org.id, flags.profile)) ?? undefined;
      if (!profile) throw new UsageError(`organisation "${flags.org}" has no import profile "${flags.profile}"`);
    }
    const request = { format, fileName: path.basename(file), ...(profile ? { profile } : {}) } as const;
    if (flags['dry-run']) {
      const preview = await previewFile(createReadStream(file), request);
      out.write(`${JSON.stringify(preview, null, 2)}\n`);
      return 0;
    }
    const started = performance.now();
    const summary = await runImport(
      {
        database: rt.database,
        sealer: rt.sealer,
        now: () => new Date(),
        // Embedded mode has no worker in this process: the server's sweeper analyses rows left `received`.
        afterChunk: async (stored) => {
          if (rt.queue.driver !== 'bullmq') return;
          await enqueueAnalyses(rt, org.id, stored);
        },
      },
      org.id,
      createReadStream(file),
      request,
    );
    const seconds = (performance.now() - started) / 1000;
    if (flags.json) out.write(`${JSON.stringify({ ...summary, seconds })}\n`);
    else
      out.write(
        `${formatSummary(summary)}took ${seconds.toFixed(2)} s (${Math.round(summary.totalRows / Math.max(seconds, 0.001))} rows/s)\n`,
      );
    return 0;
  } finally {
    await rt.close();
  }
}
