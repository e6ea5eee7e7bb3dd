import type { FastifyInstance, RouteOptions } from 'fastify';

type Hook = NonNullable<RouteOptions['onRequest']>;
type HookFn = Extract<Hook, (...args: never[]) => unknown>;

function isScopeCheck(fn: unknown): fn is HookFn {
  return typeof fn === 'function' && 'apiScope' in fn;
}

/**
 * Runs each route's API-key check (`requireScope`, declared as a preHandler) in `onRequest` instead: a caller
 * without a valid key, scope or rate budget is refused before the body is read, parsed or validated, so
 * anonymous callers learn nothing about the schema and cost no parsing.
 */
export function authenticateFirst(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const pre = route.preHandler;
    const list = Array.isArray(pre) ? pre : pre ? [pre] : [];
    const checks = list.filter(isScopeCheck);
    if (checks.length === 0) return;
    const rest = list.filter((fn) => !isScopeCheck(fn));
    route.preHandler = rest.length > 0 ? (rest as RouteOptions['preHandler']) : undefined;
    const onRequest = route.onRequest;
    const existing = Array.isArray(onRequest) ? onRequest : onRequest ? [onRequest] : [];
    route.onRequest = [...checks, ...existing] as Hook;
  });
}
