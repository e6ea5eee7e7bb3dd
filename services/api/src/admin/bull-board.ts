import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import { FastifyAdapter } from '@bull-board/fastify';
import { type Database, findSession, sha256 } from '@closeloop/db';
import { BullmqJobQueue, JOB_NAMES, type JobQueue } from '@closeloop/queue';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const BULL_BOARD_PATH = '/admin/queues';

/** Resolves the signed-in staff member of a request (the console's session cookie), or null. */
export type StaffAuthenticator = (request: FastifyRequest) => Promise<{ role: string } | null>;

/** The console's session cookie (`closeloop_session`, stored as its sha256) resolved to the staff member. */
export function consoleSessionAuthenticator(database: Database): StaffAuthenticator {
  return async (request) => {
    const token = request.cookies?.closeloop_session;
    if (!token || token.length > 200) return null;
    const found = await findSession(database.db, sha256(token));
    return found && !found.user.disabledAt ? { role: found.user.role } : null;
  };
}

/**
 * Mounts bull-board at /admin/queues for staff with the admin role (service mode only: it needs the
 * BullMQ driver). Anyone else is sent to the console sign-in (browser) or gets 401/403 (API clients).
 * Returns false, mounting nothing, under the in-process queue.
 */
export async function registerBullBoard(
  app: FastifyInstance,
  deps: { queue: JobQueue; database: Database; authenticate?: StaffAuthenticator; basePath?: string },
): Promise<boolean> {
  if (!(deps.queue instanceof BullmqJobQueue)) return false;
  const queue = deps.queue;
  const basePath = deps.basePath ?? BULL_BOARD_PATH;
  const authenticate = deps.authenticate ?? consoleSessionAuthenticator(deps.database);
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: JOB_NAMES.map((name) => new BullMQAdapter(queue.bullQueue(name))),
    // @bull-board/fastify pins its own patch release of @bull-board/api: same shape, separate declarations.
    serverAdapter: serverAdapter as unknown as IServerAdapter,
    options: { uiConfig: { boardTitle: 'closeloop queues' } },
  });
  await app.register(async (scope) => {
    if (!scope.hasDecorator('parseCookie')) await scope.register(cookie);
    scope.addHook('onRequest', async (request, reply) => {
      const staff = await authenticate(request);
      if (!staff) {
        const wantsHtml = (request.headers.accept ?? '').includes('text/html');
        if (wantsHtml) return reply.redirect(`/console/login?next=${encodeURIComponent(request.url)}`, 303);
        return reply
          .status(401)
          .type('application/problem+json; charset=utf-8')
          .send({ type: 'about:blank', title: 'Unauthorized', status: 401, code: 'staff_session_required' });
      }
      if (staff.role !== 'admin') {
        return reply
          .status(403)
          .type('application/problem+json; charset=utf-8')
          .send({ type: 'about:blank', title: 'Forbidden', status: 403, code: 'admin_role_required' });
      }
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: basePath });
  });
  return true;
}
