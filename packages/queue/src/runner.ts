import { z } from 'zod';
import { type JobName, type JobPayload, jobs } from './jobs.ts';
import { JobTimeoutError, NonRetryableError, type Processor, type QueueObserver } from './types.ts';

export interface RunInput<N extends JobName> {
  name: N;
  id: string;
  /** 1-based number of this run. */
  attempt: number;
  /** Total runs allowed by the policy. */
  attempts: number;
  rawPayload: unknown;
  processor: Processor<N>;
  timeoutMs: number;
  /** When the job became runnable (ms since epoch), for the wait-time hook. */
  readyAt: number;
  observer?: QueueObserver;
  log: (msg: string) => void;
  /** Aborted when the queue is force-closed. */
  closeSignal?: AbortSignal;
}

export type RunOutcome = { ok: true } | { ok: false; error: Error; retryable: boolean; final: boolean };

/** Runs one attempt the same way in both drivers: re-parse, timeout, hooks, error classification. */
export async function runJob<N extends JobName>(input: RunInput<N>): Promise<RunOutcome> {
  const startedAt = Date.now();
  input.observer?.onStarted?.(input.name, Math.max(0, startedAt - input.readyAt));
  const controller = new AbortController();
  const onClose = () => controller.abort(input.closeSignal?.reason);
  input.closeSignal?.addEventListener('abort', onClose, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    const payload = parsePayload(input.name, input.rawPayload);
    const run = Promise.resolve().then(() =>
      input.processor(payload, {
        id: input.id,
        attempt: input.attempt,
        name: input.name,
        log: input.log,
        signal: controller.signal,
      }),
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new JobTimeoutError(`${input.name} job ${input.id} timed out after ${input.timeoutMs} ms`);
        controller.abort(error);
        reject(error);
      }, input.timeoutMs);
    });
    await Promise.race([run, timeout]);
    input.observer?.onCompleted?.(input.name, Date.now() - startedAt);
    return { ok: true };
  } catch (thrown) {
    const error = toError(thrown);
    const retryable = !isNonRetryable(error);
    const final = !retryable || input.attempt >= input.attempts;
    input.observer?.onFailed?.(input.name, error, final);
    return { ok: false, error, retryable, final };
  } finally {
    clearTimeout(timer);
    input.closeSignal?.removeEventListener('abort', onClose);
  }
}

export function parsePayload<N extends JobName>(name: N, raw: unknown): JobPayload<N> {
  const result = jobs[name].schema.safeParse(raw);
  if (!result.success) throw new NonRetryableError(`invalid ${name} payload: ${describeIssues(result.error)}`);
  return result.data as JobPayload<N>;
}

/** Validates at the producer: a bad payload is a programming error, so it throws a plain TypeError. */
export function validateForEnqueue<N extends JobName>(name: N, raw: unknown): JobPayload<N> {
  if (!Object.hasOwn(jobs, name)) throw new TypeError(`unknown queue: ${String(name)}`);
  const result = jobs[name].schema.safeParse(raw);
  if (!result.success) throw new TypeError(`invalid ${name} payload: ${describeIssues(result.error)}`);
  return result.data as JobPayload<N>;
}

export function isNonRetryable(error: unknown): boolean {
  return error instanceof NonRetryableError || error instanceof z.core.$ZodError;
}

export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

export function errorText(error: Error): string {
  return error instanceof z.core.$ZodError ? `invalid data: ${describeIssues(error)}` : error.message;
}

function describeIssues(error: z.core.$ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
