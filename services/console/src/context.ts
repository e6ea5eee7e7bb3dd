import { createActionService, createFeedbackService } from '@closeloop/core';
import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from './deps.ts';

/** What every console page module receives: its dependencies and the api's services (same rules as /v1). */
export interface ConsoleContext {
  deps: ConsoleDeps;
  feedback: ReturnType<typeof createFeedbackService>;
  actions: ReturnType<typeof createActionService>;
  now(): Date;
}

export type ConsolePages = (scope: FastifyInstance, ctx: ConsoleContext) => void;

export function createConsoleContext(deps: ConsoleDeps): ConsoleContext {
  const clock = deps.clock;
  return {
    deps,
    feedback: createFeedbackService({
      sealer: deps.sealer,
      queue: deps.queue,
      logger: deps.logger,
      ...(clock ? { clock } : {}),
    }),
    actions: createActionService(clock ? { clock } : {}),
    now: clock ?? (() => new Date()),
  };
}
