import { AppError, UnsupportedMediaTypeError } from '@closeloop/domain';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { runIdempotentChunked } from '../feedback/bulk.ts';
import { enqueueAnalyses } from '../feedback/enqueue.ts';
import { headerValue } from '../feedback/routes.ts';
import { requestHash } from '../idempotency.ts';
import { INBOUND_SOURCES, type InboundSource, isInboundSource } from '../ingest/index.ts';
import { receiveInbound } from './service.ts';

/** Feeds and raw e-mails with attachments are larger than API bodies. */
export const INBOUND_BODY_LIMIT = 10 * 1024 * 1024;

const EMAIL_TYPES = ['message/rfc822', 'text/plain'];
const XML_TYPES = ['application/xml', 'text/xml', 'application/rss+xml', 'application/atom+xml'];
const JSON_TYPES = ['application/json'];

export function acceptedTypes(source: InboundSource): string[] {
  if (source === 'email') return EMAIL_TYPES;
  if (source === 'rss') return XML_TYPES;
  return JSON_TYPES;
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export class UnknownSourceError extends AppError {
  constructor(source: string) {
    super('unknown_source', 404, `No inbound connector '${source}'; known: ${INBOUND_SOURCES.join(', ')}`);
  }
}

const outcomeSchema = z
  .object({
    accepted: z.number().int().describe('new feedback items'),
    updated: z.number().int().describe('items that repeated a stored (source, externalId) and updated it'),
    skipped: z.array(z.object({ reason: z.string(), ref: z.string().optional() })),
    ids: z.array(z.uuid()),
  })
  .meta({
    examples: [
      {
        accepted: 1,
        updated: 0,
        skipped: [{ reason: 'staff comment (not public feedback)', ref: '35436:2' }],
        ids: ['0190f5d2-7c1e-7a3b-9f00-3c2d1e0b9a77'],
      },
    ],
  });

const DESCRIPTION = `Accepts each system's own payload, as its webhook or API sends it, so no mapping is needed:
- \`email\`: a raw RFC 5322 message (\`message/rfc822\` or \`text/plain\`), plain or HTML-only
- \`mastodon\`: a Status, a mention Notification, or an array of them (a timeline)
- \`bluesky\`: a postView or a whole \`app.bsky.feed.searchPosts\` response
- \`rss\`: an RSS 2.0 or Atom review feed (\`application/rss+xml\`, \`application/atom+xml\`, \`application/xml\`, \`text/xml\`)
- \`typeform\`: the \`form_response\` webhook
- \`surveymonkey\`: a response or \`/responses/bulk\` JSON; wrap as \`{ "responses": …, "survey": <survey details> }\` to get question texts
- \`zendesk\`: a ticket or a ticket event webhook (staff comments are skipped)
- \`salesforce\` (Case), \`dynamics365\` (incident), \`hubspot\` (ticket), \`freshdesk\` (ticket)

Each item keeps the source's own id: posting the same ticket or post again updates its row (\`updated\`). CRM complaints become complaints with a case reference and SLA due dates. Answers 202 once stored; analysis follows. An unknown source answers 404 \`unknown_source\`; a body in the wrong format 422 with a stable code (\`invalid_json\`, \`invalid_xml\`, \`unrecognised_payload\`).`;

export async function registerInboundRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  auth: ApiKeyAuthenticator,
): Promise<void> {
  const now = deps.clock ?? (() => new Date());
  await app.register(async (scope) => {
    // Raw text bodies for e-mail and feeds; in this scope only, so other routes keep Fastify's text/plain parser.
    scope.removeContentTypeParser('text/plain');
    scope.addContentTypeParser(
      [...EMAIL_TYPES, ...XML_TYPES],
      { parseAs: 'buffer', bodyLimit: INBOUND_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/v1/inbound/:source',
      {
        bodyLimit: INBOUND_BODY_LIMIT,
        onRequest: async (request) => {
          const { source } = request.params as { source: string };
          if (!isInboundSource(source)) throw new UnknownSourceError(source);
          const type = mediaType(request);
          if (!acceptedTypes(source).includes(type)) throw new UnsupportedMediaTypeError(type || '(none)');
        },
        preHandler: requireScope(auth, 'feedback:write'),
        schema: {
          tags: ['inbound'],
          summary: "Receive feedback in a source system's own format",
          description: DESCRIPTION,
          params: z.strictObject({
            source: z
              .string()
              .max(64)
              .meta({ examples: [...INBOUND_SOURCES] }),
          }),
          consumes: ['application/json', ...EMAIL_TYPES, ...XML_TYPES],
          body: z.unknown().meta({
            examples: [
              {
                id: '110',
                uri: 'https://mastodon.example/users/megan/statuses/110',
                url: 'https://mastodon.example/@megan/110',
                created_at: '2024-10-14T09:15:51.000Z',
                content: '<p>@riverside the Mill Lane bins were missed again</p>',
                visibility: 'public',
                language: 'en',
                account: { acct: 'megan@mastodon.example', display_name: 'Megan' },
              },
            ],
          }),
          response: { 202: outcomeSchema },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const source = (request.params as { source: string }).source as InboundSource;
        const result = await runIdempotentChunked(
          deps.database,
          {
            orgId: principal.orgId,
            principal: principal.keyId,
            key: headerValue(request.headers['idempotency-key']),
            hash: requestHash('POST', `/v1/inbound/${source}`, request.body),
          },
          async () => ({
            statusCode: 202,
            body: await receiveInbound(
              {
                database: deps.database,
                sealer: deps.sealer,
                now,
                afterChunk: (stored) => enqueueAnalyses(deps, principal.orgId, stored, request.id),
              },
              principal.orgId,
              source,
              request.body,
            ),
          }),
        );
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(202).send(result.body);
      },
    );
  });
}
