import { execFileSync } from 'node:child_process';

export type TestBackend =
  | { kind: 'service'; databaseUrl: string; redisUrl: string; source: 'env' | 'testcontainers' }
  | { kind: 'embedded'; reason: string };

/** Chooses where tests run: real services from the environment, Testcontainers, or the embedded fallback. */
export function chooseBackend(env: NodeJS.ProcessEnv = process.env): TestBackend | { kind: 'testcontainers' } {
  if (env.CLOSELOOP_TEST_BACKEND === 'embedded') return { kind: 'embedded', reason: 'CLOSELOOP_TEST_BACKEND=embedded' };
  if (env.DATABASE_URL && env.REDIS_URL) {
    return { kind: 'service', databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, source: 'env' };
  }
  if (dockerAnswers()) return { kind: 'testcontainers' };
  return { kind: 'embedded', reason: 'no DATABASE_URL/REDIS_URL and no Docker engine' };
}

function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}
