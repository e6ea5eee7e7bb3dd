import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { AppError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError } from '@closeloop/domain';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { enqueueAnalyses } from '../feedback/enqueue.ts';
import type { ImportProfile } from '../ingest/index.ts';
import {
  deleteImportProfile,
  getImportProfile,
  importProfileSchema,
  listImportProfiles,
  profileNameSchema,
  saveImportProfile,
} from './profiles.ts';
import { ByteLimit, getImportRun, type ImportRequest, previewFile, runImport } from './service.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPES = ['text/csv', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel'];
const RAW_TYPES = [...CSV_TYPES, XLSX_TYPE, 'application/octet-stream'];

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function formatOf(explicit: 'csv' | 'xlsx' | undefined, type: string, fileName: string | undefined): 'csv' | 'xlsx' {
  if (explicit) return explicit;
  if (type === XLSX_TYPE || /\.xlsx$/i.test(fileName ?? '')) return 'xlsx';
  return 'csv';
}

const importQuery = z.strictObject({
  profile: profileNameSchema.optional().describe('a saved import profile; detected from the file when absent'),
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1')
    .describe('preview the first 20 rows and the detected mapping; nothing is stored'),
  format: z.enum(['csv', 'xlsx']).optional().describe('overrides the format taken from the content type'),
  fileName: z.string().max(255).optional().describe('helps detection (e.g. "…comment-cards….csv")'),
});

const rowErrorSchema = z.object({ line: z.number().int(), reason: z.string() });

const summaryExample = {
  importId: '0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77',
  profile: 'comment_cards',
  totalRows: 48,
  imported: 45,
  duplicates: 0,
  rowErrors: [
    { line: 7, reason: 'no comment text' },
    { line: 19, reason: "unreadable date '31/02/2024'" },
  ],
  rowErrorsTruncated: false,
  warnings: [{ line: 12, warning: "unknown service point 'Old library': left empty" }],
};

const summarySchema = z
  .object({
    importId: z.uuid(),
    profile: z.string(),
    totalRows: z.number().int(),
    imported: z.number().int(),
    duplicates: z.number().int().describe('rows already imported before (same row content): not stored again'),
    rowErrors: z.array(rowErrorSchema),
    rowErrorsTruncated: z.boolean(),
    warnings: z.array(z.object({ line: z.number().int(), warning: z.string() })),
  })
  .meta({ examples: [summaryExample] });

const previewSchema = z
  .object({
    dryRun: z.literal(true),
    profile: importProfileSchema,
    columns: z.array(z.unknown()),
    rows: z.array(z.unknown()),
  })
  .meta({
    examples: [
      {
        dryRun: true,
        profile: {
          name: 'comment_cards',
          kind: 'comment_cards',
          headerRows: 1,
          columns: { text: ['Comment'], rating: 'Rating', receivedAt: 'Date' },
          channel: 'comment_card',
        },
        columns: [{ key: 'Comment', header: 'Comment', index: 2 }],
        rows: [{ line: 2, ok: true, item: { channel: 'comment_card', text: 'Lovely staff', rating: 5 } }],
      },
    ],
  });

const runSchema = z
  .object({
    importId: z.uuid(),
    state: z.string(),
    fileName: z.string().nullable(),
    profile: z.string().nullable(),
    totalRows: z.number().int(),
    imported: z.number().int(),
    duplicates: z.number().int(),
    rowErrors: z.array(rowErrorSchema),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({
    examples: [
      {
        ...summaryExample,
        state: 'completed',
        fileName: 'cards.csv',
        createdAt: '2024-10-14T09:15:51.000Z',
        finishedAt: '2024-10-14T09:15:53.000Z',
      },
    ],
  });

/**
 * `POST /v1/imports` and import profiles, in their own plugin scope: the raw-body content-type parsers hand
 * the request stream to the importer untouched (nothing buffers the file), and multipart is parsed as a stream.
 */
export async function registerImportRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  auth: ApiKeyAuthenticator,
): Promise<void> {
  const limit = deps.config.IMPORT_LIMIT_BYTES;
  const now = deps.clock ?? (() => new Date());

  await app.register(async (scope) => {
    scope.addContentTypeParser(RAW_TYPES, { bodyLimit: limit }, (_request, payload, done) => done(null, payload));
    if (!scope.hasRequestDecorator('file')) {
      await scope.register(multipart, { limits: { fileSize: limit, files: 1, fields: 20, parts: 40 } });
    }
    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/v1/imports',
      {
        bodyLimit: limit,
        onRequest: async (request) => {
          const type = mediaType(request);
          if (type !== 'multipart/form-data' && !RAW_TYPES.includes(type)) {
            throw new UnsupportedMediaTypeError(type || '(none)');
          }
        },
        preHandler: requireScope(auth, 'feedback:write'),
        schema: {
          tags: ['imports'],
          summary: 'Import a CSV or XLSX export (streamed)',
          description:
            'Send the file as the body (`text/csv`, `' +
            XLSX_TYPE +
            '`, or `application/octet-stream` with `format`), or as `multipart/form-data` with a `file` part. Exports of Google Forms, SurveyMonkey (two header rows), Qualtrics (three), Microsoft Forms and comment-card spreadsheets (BOM, CRLF, `;`, dd/mm/yyyy, blank rows) are detected; `profile` uses a saved mapping instead. Rows are stored in chunks with `source: "import"` and `externalId` = the row hash: importing the same file twice stores nothing new (`duplicates`). Each bad row is reported with its line and reason. Service point and customer group names are matched case-insensitively; unknown names are left empty with a warning. `dryRun=true` answers 200 with the mapping and the first 20 rows and stores nothing. The file streams: memory stays flat for 100k rows.',
          querystring: importQuery,
          consumes: [...RAW_TYPES, 'multipart/form-data'],
          response: { 201: summarySchema, 200: previewSchema },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const query = request.query;
        let profile: ImportProfile | undefined;
        if (query.profile) {
          profile = (await getImportProfile(deps.database.db, principal.orgId, query.profile)) ?? undefined;
          if (!profile) throw new NotFoundError('import_profile', query.profile);
        }
        let source: Readable;
        let fileName = query.fileName;
        let type = mediaType(request);
        if (type === 'multipart/form-data') {
          const part = await request.file();
          if (!part) throw new AppError('missing_file', 422, 'The multipart body has no file part');
          source = part.file;
          fileName ??= part.filename;
          type = part.mimetype.toLowerCase();
        } else {
          source = request.body as Readable;
        }
        const counter = new ByteLimit(limit);
        pipeline(source, counter, () => {});
        const importRequest: ImportRequest = {
          format: formatOf(query.format, type, fileName),
          ...(profile ? { profile } : {}),
          ...(fileName ? { fileName } : {}),
        };
        const tooLarge = (error: unknown): never => {
          const code = (error as { code?: string }).code;
          if (counter.exceeded || code === 'FST_REQ_FILE_TOO_LARGE') throw new PayloadTooLargeError(limit);
          throw error;
        };
        if (query.dryRun) {
          const preview = await previewFile(counter, importRequest).catch(tooLarge);
          counter.resume();
          return reply.status(200).send(preview as never);
        }
        const summary = await runImport(
          {
            database: deps.database,
            sealer: deps.sealer,
            now,
            afterChunk: (stored) => enqueueAnalyses(deps, principal.orgId, stored, request.id),
          },
          principal.orgId,
          counter,
          importRequest,
        ).catch(tooLarge);
        return reply.status(201).send(summary);
      },
    );
  });

  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/imports/:id',
    {
      preHandler: requireScope(auth, 'feedback:read'),
      schema: {
        tags: ['imports'],
        summary: 'Get the record of an import run',
        params: z.strictObject({ id: z.uuid().meta({ examples: ['0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77'] }) }),
        response: { 200: runSchema },
      },
    },
    async (request) => getImportRun(deps.database.db, principalOf(request).orgId, request.params.id),
  );

  r.get(
    '/v1/import-profiles',
    {
      preHandler: requireScope(auth, 'feedback:read'),
      schema: {
        tags: ['imports'],
        summary: "List the organisation's saved import profiles",
        response: {
          200: z.object({ items: z.array(importProfileSchema) }).meta({
            examples: [
              {
                items: [
                  {
                    name: 'comment-cards',
                    kind: 'comment_cards',
                    headerRows: 1,
                    columns: { text: ['Comment'] },
                    channel: 'comment_card',
                  },
                ],
              },
            ],
          }),
        },
      },
    },
    async (request) => ({ items: await listImportProfiles(deps.database.db, principalOf(request).orgId) }),
  );

  const nameParams = z.strictObject({ name: profileNameSchema.meta({ examples: ['comment-cards'] }) });

  r.get(
    '/v1/import-profiles/:name',
    {
      preHandler: requireScope(auth, 'feedback:read'),
      schema: {
        tags: ['imports'],
        summary: 'Get a saved import profile (column mapping)',
        params: nameParams,
        response: { 200: importProfileSchema },
      },
    },
    async (request) => {
      const profile = await getImportProfile(deps.database.db, principalOf(request).orgId, request.params.name);
      if (!profile) throw new NotFoundError('import_profile', request.params.name);
      return profile;
    },
  );

  r.put(
    '/v1/import-profiles/:name',
    {
      preHandler: requireScope(auth, 'feedback:write'),
      schema: {
        tags: ['imports'],
        summary: 'Save an import profile (create or replace)',
        description:
          'Take `profile` from a dry run, edit the column mapping, and save it; later imports pass `profile=NAME`. The name in the path wins over `name` in the body. Column references that do not exist in a file fail that import with 422 `unknown_profile_column`.',
        params: nameParams,
        body: importProfileSchema.omit({ name: true }).extend({ name: z.string().max(100).optional() }),
        response: { 200: importProfileSchema, 201: importProfileSchema },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const profile = { ...request.body, name: request.params.name } as ImportProfile;
      const created = await saveImportProfile(deps.database.db, orgId, profile);
      return reply.status(created ? 201 : 200).send(profile as never);
    },
  );

  r.delete(
    '/v1/import-profiles/:name',
    {
      preHandler: requireScope(auth, 'feedback:write'),
      schema: {
        tags: ['imports'],
        summary: 'Delete a saved import profile',
        params: nameParams,
        response: { 204: z.null().describe('deleted') },
      },
    },
    async (request, reply) => {
      const deleted = await deleteImportProfile(deps.database.db, principalOf(request).orgId, request.params.name);
      if (!deleted) throw new NotFoundError('import_profile', request.params.name);
      return reply.status(204).send(null);
    },
  );
}
