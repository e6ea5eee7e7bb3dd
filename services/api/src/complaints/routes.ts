import { type Db, themesOfFeedback } from '@closeloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyAuthenticator } from '../auth/api-keys.ts';
import { principalOf, requireScope } from '../auth/plugin.ts';
import type { ApiDeps } from '../deps.ts';
import { feedbackIdParamsDoc, feedbackOutDoc } from '../feedback/edit-schemas.ts';
import { toFeedbackOut } from '../feedback/routes.ts';
import { COMPLAINT_STEPS, type ComplaintStep, transitionComplaint } from './service.ts';

const note = z.string().trim().min(1).max(2_000);

const BODIES: Record<ComplaintStep, z.ZodType> = {
  acknowledge: z.strictObject({ note: note.optional() }).meta({ examples: [{ note: 'Called the resident back' }] }),
  investigate: z.strictObject({ note: note.optional() }).meta({ examples: [{ note: 'Passed to the waste team' }] }),
  resolve: z
    .strictObject({
      outcome: z.string().trim().min(1).max(5_000),
      upheld: z.enum(['upheld', 'partly_upheld', 'not_upheld']).optional(),
      note: note.optional(),
    })
    .meta({ examples: [{ outcome: 'Collection rescheduled and the crew briefed.', upheld: 'upheld' }] }),
  close: z.strictObject({ note: note.optional() }).meta({ examples: [{}] }),
  escalate: z
    .strictObject({ reason: z.string().trim().min(1).max(2_000).optional() })
    .meta({ examples: [{ reason: 'The resident is not satisfied with the stage 1 answer' }] }),
};

const DESCRIPTIONS: Record<ComplaintStep, string> = {
  acknowledge:
    'received → acknowledged. Flags `acknowledge` in `slaBreached` when done after the acknowledge due date.',
  investigate: 'acknowledged → investigating.',
  resolve:
    'investigating → resolved, with the outcome and whether it was upheld. Flags `resolve` in `slaBreached` when done after the resolve due date.',
  close: 'resolved → closed.',
  escalate:
    'acknowledged, investigating or resolved → investigating at the next escalation stage, with a fresh resolve due date from the SLA policy.',
};

/** `POST /v1/feedback/{id}/{step}`: the complaint workflow; a step out of order answers 409 `invalid_transition`. */
export function registerComplaintRoutes(app: FastifyInstance, deps: ApiDeps, auth: ApiKeyAuthenticator): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database } = deps;
  const now = deps.clock ?? (() => new Date());
  for (const step of COMPLAINT_STEPS) {
    r.post(
      `/v1/feedback/:id/${step}`,
      {
        preHandler: requireScope(auth, 'feedback:write'),
        schema: {
          tags: ['complaints'],
          summary: `${step[0]!.toUpperCase()}${step.slice(1)} a complaint`,
          description: `${DESCRIPTIONS[step]} A step out of order answers 409 \`invalid_transition\`; feedback that is not a complaint 409 \`not_a_complaint\`. The body may be omitted when it has no required field.`,
          params: feedbackIdParamsDoc,
          body: step === 'resolve' ? BODIES[step] : BODIES[step].nullish(),
          response: { 200: feedbackOutDoc },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const body = (request.body ?? {}) as Record<string, string | undefined>;
        const row = await database.db.transaction((tx) =>
          transitionComplaint(
            tx as unknown as Db,
            principal.orgId,
            request.params.id,
            step,
            {
              note: body.note,
              outcome: body.outcome,
              upheld: body.upheld as 'upheld' | 'partly_upheld' | 'not_upheld' | undefined,
              reason: body.reason,
            },
            { type: 'api_key', id: principal.keyId },
            now(),
          ),
        );
        return toFeedbackOut(row, await themesOfFeedback(database.db, principal.orgId, [row.id]));
      },
    );
  }
}
