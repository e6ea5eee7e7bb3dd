/**
 * Errors with stable codes. The HTTP layer maps them to RFC 9457 problem+json in one place;
 * `code` is part of the public contract and never changes once released.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(
    code: string,
    status: number,
    message: string,
    extra?: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown },
  ) {
    super(message, extra?.cause === undefined ? undefined : { cause: extra.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    if (extra?.errors) this.errors = extra.errors;
    if (extra?.headers) this.headers = extra.headers;
  }
}

export class NotFoundError extends AppError {
  constructor(resource: string, id?: string) {
    super(
      `${resource}_not_found`,
      404,
      id ? `${resource.replace(/_/g, ' ')} ${id} was not found` : `${resource.replace(/_/g, ' ')} was not found`,
    );
  }
}

export class ValidationError extends AppError {
  constructor(message: string, errors: FieldError[] = []) {
    super('validation_failed', 422, message, { errors });
  }
}

export class BadRequestError extends AppError {
  constructor(code: string, message: string) {
    super(code, 400, message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(code = 'unauthorized', message = 'A valid API key or session is required') {
    super(code, 401, message, { headers: { 'www-authenticate': 'Bearer' } });
  }
}

export class ForbiddenError extends AppError {
  constructor(code = 'forbidden', message = 'You do not have permission to do this') {
    super(code, 403, message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(code, 409, message);
  }
}

export class InvalidTransitionError extends AppError {
  constructor(resource: string, from: string, to: string) {
    super('invalid_transition', 409, `${resource} cannot move from ${from} to ${to}`);
  }
}

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super('idempotency_key_reused', 422, 'This Idempotency-Key was already used with a different request body');
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('payload_too_large', 413, `The request body is larger than ${limitBytes} bytes`);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super('rate_limited', 429, 'Too many requests', { headers: { 'retry-after': String(retryAfterSeconds) } });
  }
}

export class UnavailableError extends AppError {
  constructor(
    code = 'service_unavailable',
    message = 'A backing service is unavailable; retry shortly',
    retryAfterSeconds = 5,
  ) {
    super(code, 503, message, { headers: { 'retry-after': String(retryAfterSeconds) } });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(mediaType: string) {
    super('unsupported_media_type', 415, `Content type ${mediaType} is not accepted here`);
  }
}

/** Thrown by job processors for payloads that can never succeed: the job fails at once, no retries. */
export class NonRetryableJobError extends Error {
  override name = 'NonRetryableJobError';
}

export function zodIssuesToFieldErrors(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): FieldError[] {
  return issues.map((issue) => ({
    path: issue.path.map((p) => String(p)).join('.') || '(root)',
    message: issue.message,
  }));
}
