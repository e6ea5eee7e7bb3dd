import { AppError, type FieldError, zodIssuesToFieldErrors } from '@closeloop/domain';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';

/** RFC 9457 problem details; `code` is the stable, documented identifier clients branch on. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

export const PROBLEM_BASE = 'https://closeloop.dev/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `${PROBLEM_BASE}${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

const PG_UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/** True for errors that mean the database cannot be reached right now (the request may be retried). */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && (PG_UNAVAILABLE_CODES.has(e.code) || NET_CODES.has(e.code))) return true;
    if (
      typeof e.message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect|Connection terminated unexpectedly|Client has encountered a connection error|connect ECONNREFUSED|Query read timeout/i.test(
        e.message,
      )
    ) {
      return true;
    }
    current = e.cause;
  }
  return false;
}

/** Maps any error to a problem. Never exposes a 5xx's internals. */
export function toProblem(error: unknown): { problem: Problem; headers: Record<string, string>; internal: boolean } {
  if (error instanceof AppError) {
    return {
      problem: problem(error.status, error.code, error.message, error.errors),
      headers: error.headers ?? {},
      internal: false,
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => {
      const pointer = (v.instancePath ?? '').split('/').filter(Boolean);
      const keys = (v.params as { keys?: unknown }).keys;
      const extra = Array.isArray(keys) ? keys.map(String).join(',') : '';
      const path = [error.validationContext, ...pointer, extra].filter((x) => x !== undefined && x !== '').join('.');
      return { path: path || '(root)', message: v.message ?? 'invalid' };
    });
    return {
      problem: problem(422, 'validation_failed', 'The request has invalid fields', errors),
      headers: {},
      internal: false,
    };
  }
  if (error instanceof ZodError) {
    return {
      problem: problem(
        422,
        'validation_failed',
        'The request has invalid fields',
        zodIssuesToFieldErrors(error.issues),
      ),
      headers: {},
      internal: false,
    };
  }
  const fe = error as Partial<FastifyError> & { type?: string };
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        problem: problem(413, 'payload_too_large', 'The request body is too large'),
        headers: {},
        internal: false,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        problem: problem(415, 'unsupported_media_type', 'This content type is not accepted here'),
        headers: {},
        internal: false,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { problem: problem(400, 'empty_body', 'The JSON body is empty'), headers: {}, internal: false };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { problem: problem(400, 'malformed_json', 'The body is not valid JSON'), headers: {}, internal: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        problem: problem(400, 'invalid_content_length', 'Content-Length does not match the body'),
        headers: {},
        internal: false,
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { problem: problem(415, 'unsupported_media_type', 'Invalid Content-Type'), headers: {}, internal: false };
  }
  if (error instanceof SyntaxError && (fe.statusCode === 400 || /JSON/.test(error.message))) {
    return { problem: problem(400, 'malformed_json', 'The body is not valid JSON'), headers: {}, internal: false };
  }
  if (fe.statusCode === 429) {
    return { problem: problem(429, 'rate_limited', 'Too many requests'), headers: {}, internal: false };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code ? fe.code.replace(/^FST_ERR_/, '').toLowerCase() : 'bad_request';
    return { problem: problem(fe.statusCode, code, fe.message ?? 'Bad request'), headers: {}, internal: false };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      problem: problem(503, 'database_unavailable', 'The database is unavailable; retry shortly'),
      headers: { 'retry-after': '5' },
      internal: false,
    };
  }
  return {
    problem: problem(500, 'internal_error', 'Something went wrong on our side; it has been logged'),
    headers: {},
    internal: true,
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown): FastifyReply {
  const { problem: p, headers, internal } = toProblem(error);
  if (internal) request.log.error({ err: error }, 'unhandled error');
  else if (p.status >= 500) request.log.warn({ err: error, code: p.code }, 'service unavailable');
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply
    .status(p.status)
    .type('application/problem+json; charset=utf-8')
    .send({ ...p, instance: request.url.split('?')[0] });
}
