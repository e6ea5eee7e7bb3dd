import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultTaxonomy } from '@closeloop/analysis';
import { createApiKey } from '@closeloop/api';
import { createDatabase, type Database, insertOrganisation, migrate, seedThemes } from '@closeloop/db';
import { freePort, type Spawned, spawnCloseloop } from '../harness/process.ts';

export const SECRET = 'cd'.repeat(32);

function pgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (existsSync(path.join(bin, 'initdb'))) return bin;
  }
  return null;
}

function installed(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the fault tests cannot run here (null when they can): they start their own PostgreSQL and Redis. */
export function faultTestsUnavailable(backendKind: string): string | null {
  if (backendKind !== 'service') {
    return 'embedded fallback backend: the fault tests need service mode (real PostgreSQL and Redis processes)';
  }
  if (!pgBin()) return 'PostgreSQL server binaries (initdb, pg_ctl) are not installed';
  if (!installed('redis-server')) return 'redis-server is not installed';
  return null;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * A private PostgreSQL cluster in a temporary directory on a free port, so a test may stop it without
 * disturbing anyone else's database. As root, the server runs as the `postgres` OS user.
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(tmpdir(), 'closeloop-pg-'));
    chmodSync(dir, 0o755);
    if (asRoot) chownSync(dir, pgUid(), pgGid());
    const pg = new PrivatePostgres(dir, await freePort());
    pg.run('initdb', ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8']);
    await pg.startServer();
    return pg;
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private run(tool: string, args: string[]): void {
    const bin = path.join(pgBin()!, tool);
    const cmd = asRoot ? 'runuser' : bin;
    const argv = asRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
    execFileSync(cmd, argv, { stdio: 'ignore', timeout: 30_000 });
  }

  async startServer(): Promise<void> {
    this.run('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      path.join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
      '-w',
      'start',
    ]);
  }

  /** Fast shutdown: open connections are terminated, new ones refused (ECONNREFUSED). */
  async stopServer(): Promise<void> {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    try {
      this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function pgUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
}
function pgGid(): number {
  return Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
}

/** Migrates the database and creates one organisation with the default taxonomy and an admin key. */
export async function prepareDatabase(url: string): Promise<{ database: Database; orgId: string; apiKey: string }> {
  const database = await createDatabase({ databaseUrl: url, poolMax: 4 });
  await migrate(database);
  const org = await insertOrganisation(database.db, { slug: 'faults', name: 'Fault Borough', languages: ['en'] });
  await seedThemes(database.db, org.id, defaultTaxonomy);
  const { key } = await createApiKey(database.db, {
    orgId: org.id,
    name: 'fault tests',
    scopes: ['feedback:write', 'feedback:read', 'admin'],
    rateLimitPerMinute: 1_000_000,
  });
  return { database, orgId: org.id, apiKey: key };
}

/** `closeloop start --role ROLE` as a real process in service mode; resolves once it listens. */
export async function startRole(
  role: 'api' | 'worker' | 'all',
  env: { databaseUrl: string; redisUrl: string; port?: number; extra?: Record<string, string> },
): Promise<{ process: Spawned; url: string }> {
  const port = env.port ?? (await freePort());
  const child = spawnCloseloop(['start', '--role', role], {
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    CLOSELOOP_SECRET_KEY: SECRET,
    PORT: String(port),
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    ...env.extra,
  });
  await child.waitFor(/listening on/, 45_000);
  return { process: child, url: `http://127.0.0.1:${port}` };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitUntil<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Texts of real public-service feedback (NHS FFT comments) from the shared data set. */
export function realTexts(n: number): string[] {
  const file = path.resolve(import.meta.dirname, '../../../shared/data/themes/train.jsonl');
  const lines = execFileSync('head', ['-n', String(n * 3), file])
    .toString('utf8')
    .split('\n')
    .filter(Boolean);
  const texts = lines.map((l) => (JSON.parse(l) as { text: string }).text).filter((t) => t.trim().length > 3);
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) out.push(`${texts[i % texts.length]}${i >= texts.length ? ` (${i})` : ''}`);
  return out;
}

export interface Sent {
  at: number;
  ms: number;
  status: number;
  id?: string;
  retryAfter?: string | null;
}

/**
 * Posts feedback from `concurrency` loops until `durationMs` has passed, at most `ratePerSecond`
 * overall. Every response (or failure, as status 0) is recorded with when it was sent and how long it took.
 */
export async function ingestLoad(opts: {
  url: string;
  apiKey: string;
  durationMs: number;
  concurrency: number;
  ratePerSecond: number;
  texts: string[];
}): Promise<Sent[]> {
  const sent: Sent[] = [];
  const started = Date.now();
  const gapMs = (1000 * opts.concurrency) / opts.ratePerSecond;
  let n = 0;
  async function loop(): Promise<void> {
    while (Date.now() - started < opts.durationMs) {
      const at = Date.now();
      const text = opts.texts[n++ % opts.texts.length]!;
      try {
        const res = await fetch(`${opts.url}/v1/feedback`, {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ channel: 'widget', text }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await res.json().catch(() => ({}))) as { id?: string };
        sent.push({
          at: at - started,
          ms: Date.now() - at,
          status: res.status,
          ...(res.status === 202 && body.id ? { id: body.id } : {}),
          retryAfter: res.headers.get('retry-after'),
        });
      } catch {
        sent.push({ at: at - started, ms: Date.now() - at, status: 0 });
      }
      const wait = gapMs - (Date.now() - at);
      if (wait > 0) await sleep(wait);
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, loop));
  return sent;
}
