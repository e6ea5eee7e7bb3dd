import type { ApiScope } from '@closeloop/domain';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyAuthenticator, Principal } from './api-keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A preHandler that requires a bearer API key holding `scope` and puts its principal on the request. */
export function requireScope(auth: ApiKeyAuthenticator, scope: ApiScope) {
  const check = async (request: FastifyRequest): Promise<void> => {
    request.principal = await auth.authenticate(request.headers.authorization, scope);
  };
  // Marked so the API can run it in onRequest, before the body is read and validated (see limits/auth-first.ts).
  return Object.assign(check, { apiScope: scope });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is missing its auth preHandler');
  return request.principal;
}
