import type { FastifyInstance } from 'fastify';
import type { PublisherDeps } from '../deps.ts';
import { registerSubscribe } from '../subscribe/routes.ts';
import { registerFeedbackForm } from './routes.ts';

/**
 * The public pages that take input: the hosted feedback form (needs `sealer` + `feedback`) and
 * subscribe/unsubscribe (needs `sealer` + `mailer`). Without their dependencies they stay off (404).
 */
export async function registerPublicForms(app: FastifyInstance, deps: PublisherDeps): Promise<void> {
  const { sealer, feedback, mailer } = deps;
  if (sealer && feedback) await registerFeedbackForm(app, { ...deps, sealer, feedback });
  else deps.logger.warn('hosted feedback form off: the publisher has no sealer or feedback sink');
  if (sealer && mailer) await registerSubscribe(app, { ...deps, sealer, mailer });
  else deps.logger.warn('subscribe pages off: the publisher has no sealer or mailer');
}
