import { Transform, type TransformCallback } from 'node:stream';
import { CHUNK_SIZE, organisationOf, withComplaintIntake, writeFeedbackRows } from '@closeloop/core';
import { type Database, type Db, listCustomerGroups, listServicePoints, type Sealer, schema } from '@closeloop/db';
import { type FeedbackInput, feedbackInputSchema, NotFoundError, PayloadTooLargeError } from '@closeloop/domain';
import { and, eq, sql } from 'drizzle-orm';
import {
  type ColumnInfo,
  type ImportInput,
  type ImportProfile,
  type ImportRowResult,
  openImport,
  previewImport,
  splitImported,
} from '../ingest/index.ts';

const { imports } = schema;

/** Row errors kept in the stored run and in the answer; a file with more says so in `rowErrorsTruncated`. */
export const MAX_REPORTED_ROW_ERRORS = 10_000;

export interface ImportRequest {
  format: 'csv' | 'xlsx';
  profile?: ImportProfile;
  fileName?: string;
  timeZone?: string;
}

export interface ImportSummary {
  importId: string;
  profile: string;
  totalRows: number;
  imported: number;
  duplicates: number;
  rowErrors: { line: number; reason: string }[];
  rowErrorsTruncated: boolean;
  warnings: { line: number; warning: string }[];
}

export interface ImportPreview {
  dryRun: true;
  profile: ImportProfile;
  columns: ColumnInfo[];
  rows: (
    | { line: number; ok: true; item: unknown; warnings?: string[] }
    | { line: number; ok: false; reason: string }
  )[];
}

export interface ImportDeps {
  database: Database;
  sealer: Sealer;
  now: () => Date;
  /** After each chunk commits: the new rows to analyse. */
  afterChunk: (stored: { id: string; channel: FeedbackInput['channel'] }[]) => Promise<void>;
}

/** Counts bytes through the stream and fails it past `limit`, so an upload is refused without being held. */
export class ByteLimit extends Transform {
  bytes = 0;
  exceeded = false;
  constructor(readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.exceeded = true;
      done(new PayloadTooLargeError(this.limit));
      return;
    }
    done(null, chunk);
  }
}

type NameIndex = Map<string, string>;

function indexNames(rows: { id: string; key: string; name: string; nameCy: string | null }[]): NameIndex {
  const index: NameIndex = new Map();
  for (const row of rows) {
    for (const name of [row.name, row.key, row.nameCy]) {
      if (name) index.set(name.trim().toLowerCase(), row.id);
    }
  }
  return index;
}

/** Service point and customer group names in a file, resolved case-insensitively against names and keys. */
async function nameResolver(db: Db, orgId: string) {
  const [points, groups] = await Promise.all([listServicePoints(db, orgId), listCustomerGroups(db, orgId)]);
  const pointIndex = indexNames(points);
  const groupIndex = indexNames(groups);
  return (item: ReturnType<typeof splitImported>): { refs: Partial<FeedbackInput>; warnings: string[] } => {
    const warnings: string[] = [];
    const refs: Partial<FeedbackInput> = {};
    const names = [item.servicePointName, item.locationName].filter((n): n is string => Boolean(n?.trim()));
    if (names.length > 0) {
      const id = names.map((n) => pointIndex.get(n.trim().toLowerCase())).find(Boolean);
      if (id) refs.servicePointId = id;
      else warnings.push(`unknown service point '${names.join(' / ')}': left empty`);
    }
    if (item.customerGroupName?.trim()) {
      const id = groupIndex.get(item.customerGroupName.trim().toLowerCase());
      if (id) refs.customerGroupId = id;
      else warnings.push(`unknown customer group '${item.customerGroupName}': left empty`);
    }
    return { refs, warnings };
  };
}

export async function previewFile(input: ImportInput, request: ImportRequest): Promise<ImportPreview> {
  const preview = await previewImport(input, { ...request, limit: 20 });
  return {
    dryRun: true,
    profile: preview.profile,
    columns: preview.columns,
    rows: preview.results.map((r: ImportRowResult) =>
      r.ok
        ? { line: r.line, ok: true as const, item: r.item, ...(r.warnings ? { warnings: r.warnings } : {}) }
        : { line: r.line, ok: false as const, reason: r.reason },
    ),
  };
}

/**
 * Imports a CSV/XLSX export as it streams: good rows are stored in chunks (one transaction each) with
 * `source: 'import'` and `externalId` = the row hash, so the same file twice stores nothing new (counted in
 * `duplicates`); each bad row is reported with its line and reason. The run is recorded in `imports`.
 */
export async function runImport(
  deps: ImportDeps,
  orgId: string,
  input: ImportInput,
  request: ImportRequest,
): Promise<ImportSummary> {
  const db = deps.database.db;
  const [run] = await db
    .insert(imports)
    .values({ orgId, fileName: request.fileName ?? null, profileName: request.profile?.name ?? null })
    .returning({ id: imports.id });
  const importId = run!.id;
  const summary: ImportSummary = {
    importId,
    profile: request.profile?.name ?? '',
    totalRows: 0,
    imported: 0,
    duplicates: 0,
    rowErrors: [],
    rowErrorsTruncated: false,
    warnings: [],
  };
  const rowError = (line: number, reason: string) => {
    if (summary.rowErrors.length < MAX_REPORTED_ROW_ERRORS) summary.rowErrors.push({ line, reason });
    else summary.rowErrorsTruncated = true;
  };

  try {
    const opened = await openImport(input, request);
    summary.profile = opened.profile.name;
    const resolve = await nameResolver(db, orgId);
    let org: Awaited<ReturnType<typeof organisationOf>> | null = null;
    let chunk: { input: FeedbackInput; rowHash: string }[] = [];
    let lastLine = -1;

    const flush = async () => {
      if (chunk.length === 0) return;
      const items = chunk;
      chunk = [];
      if (!org && items.some((i) => i.input.channel === 'complaint')) org = await organisationOf(db, orgId);
      const stored = await db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        const inputs: FeedbackInput[] = [];
        for (const item of items) {
          inputs.push(
            org && item.input.channel === 'complaint'
              ? await withComplaintIntake(tx, org, item.input, deps.now())
              : item.input,
          );
        }
        return writeFeedbackRows(tx, deps, orgId, inputs, 'skip', (_input, i) => ({
          importRowHash: items[i]!.rowHash,
        }));
      });
      const created: { id: string; channel: FeedbackInput['channel'] }[] = [];
      stored.forEach((s, i) => {
        if (s.created) {
          summary.imported++;
          created.push({ id: s.id, channel: items[i]!.input.channel });
        } else summary.duplicates++;
      });
      await deps.afterChunk(created);
    };

    for await (const result of opened.results) {
      if (result.line !== lastLine) {
        summary.totalRows++;
        lastLine = result.line;
      }
      if (!result.ok) {
        rowError(result.line, result.reason);
        continue;
      }
      const split = splitImported(result.item);
      const { refs, warnings } = resolve(split);
      for (const warning of [...(result.warnings ?? []), ...warnings]) {
        if (summary.warnings.length < MAX_REPORTED_ROW_ERRORS) summary.warnings.push({ line: result.line, warning });
      }
      const parsed = feedbackInputSchema.safeParse({
        ...split.input,
        ...refs,
        source: 'import',
        externalId: result.rowHash,
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        rowError(result.line, issue ? `${issue.path.join('.') || 'row'}: ${issue.message}` : 'invalid row');
        continue;
      }
      chunk.push({ input: parsed.data, rowHash: result.rowHash });
      if (chunk.length >= CHUNK_SIZE) await flush();
    }
    await flush();
  } catch (error) {
    await db
      .update(imports)
      .set({
        state: 'failed',
        totalRows: summary.totalRows,
        imported: summary.imported,
        duplicates: summary.duplicates,
        rowErrors: [
          ...summary.rowErrors.slice(0, MAX_REPORTED_ROW_ERRORS - 1),
          { line: 0, reason: error instanceof Error ? error.message.slice(0, 500) : 'import failed' },
        ],
        finishedAt: sql`now()`,
      })
      .where(eq(imports.id, importId))
      .catch(() => {});
    throw error;
  }
  await db
    .update(imports)
    .set({
      state: 'completed',
      profileName: summary.profile,
      totalRows: summary.totalRows,
      imported: summary.imported,
      duplicates: summary.duplicates,
      rowErrors: summary.rowErrors,
      finishedAt: sql`now()`,
    })
    .where(eq(imports.id, importId));
  return summary;
}

export async function getImportRun(db: Db, orgId: string, id: string) {
  const rows = await db
    .select()
    .from(imports)
    .where(and(eq(imports.orgId, orgId), eq(imports.id, id)))
    .limit(1);
  const run = rows[0];
  if (!run) throw new NotFoundError('import', id);
  return {
    importId: run.id,
    state: run.state,
    fileName: run.fileName,
    profile: run.profileName,
    totalRows: run.totalRows,
    imported: run.imported,
    duplicates: run.duplicates,
    rowErrors: run.rowErrors,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
  };
}
