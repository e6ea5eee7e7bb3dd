// End-to-end pipeline benchmark (service mode): `npm run bench -- pipeline`.
// api + ONE worker process on a fresh database and a private redis-server (or REDIS_URL db 14 when
// redis-server is not installed): steady ingest at 500 feedback/s for 30 s, lag from commit to
// analysed, maximum backlog; then the drain rate of a 50,000 backlog.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultTaxonomy } from '@closeloop/analysis';
import { createApiKey } from '@closeloop/api';
import {
  createDatabase,
  type Database,
  insertOrganisation,
  migrate,
  queryRows,
  schema,
  seedThemes,
  uuidv7,
} from '@closeloop/db';
import { ANALYSE_BATCH_MAX, analyseJobs, createQueue } from '@closeloop/queue';
import { sql } from 'drizzle-orm';
import pg from 'pg';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(repoRoot, 'bin/closeloop.mjs');
const SECRET = 'ef'.repeat(32);
const RATE = Number(process.env.BENCH_PIPELINE_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_PIPELINE_SECONDS ?? 30);
const BACKLOG = Number(process.env.BENCH_PIPELINE_BACKLOG ?? 50_000);

interface Out {
  write(s: string): unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

function texts(): string[] {
  const file = path.resolve(repoRoot, '../shared/data/themes/train.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text)
    .filter((t) => t.trim().length > 3);
}

function startRole(role: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'start', '--role', role], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/listening on/.test(out)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('exit', () => reject(new Error(`${role} exited:\n${out}`)));
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function count(database: Database, where: ReturnType<typeof sql>): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from feedback where ${where}`,
  );
  return row!.n;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 1000).toFixed(0)} ms`);

export async function benchPipeline(out: Out): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    out.write('pipeline: needs service mode (DATABASE_URL of a PostgreSQL server, and redis-server or REDIS_URL)\n');
    return;
  }
  const dbName = `closeloop_bench_pipeline_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  let redisChild: ChildProcess | undefined;
  let redisUrl: string;
  let hasRedisServer = true;
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    hasRedisServer = false;
  }
  if (hasRedisServer) {
    const port = await freePort();
    redisChild = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    while (!(await portAnswers(port))) await sleep(50);
    redisUrl = `redis://127.0.0.1:${port}`;
  } else if (process.env.REDIS_URL) {
    redisUrl = `${process.env.REDIS_URL.replace(/\/\d*$/, '')}/14`;
  } else {
    out.write('pipeline: needs redis-server or REDIS_URL\n');
    await admin.query(`drop database "${dbName}"`);
    await admin.end();
    return;
  }
  const database = await createDatabase({ databaseUrl: dbUrl.toString(), poolMax: 4 });
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  try {
    await migrate(database);
    const org = await insertOrganisation(database.db, { slug: 'bench', name: 'Bench Council', languages: ['en'] });
    await seedThemes(database.db, org.id, defaultTaxonomy);
    const { key } = await createApiKey(database.db, {
      orgId: org.id,
      name: 'bench',
      scopes: ['feedback:write'],
      rateLimitPerMinute: 10_000_000,
    });
    const env = {
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redisUrl,
      CLOSELOOP_SECRET_KEY: SECRET,
      HOST: '127.0.0.1',
    };
    const apiPort = await freePort();
    [api, worker] = await Promise.all([
      startRole('api', { ...env, PORT: String(apiPort) }),
      startRole('worker', { ...env, PORT: String(await freePort()) }),
    ]);
    const corpus = texts();
    out.write(`service mode: api + 1 worker process, ${os()}; target ${RATE} feedback/s for ${SECONDS} s\n`);

    // Phase 1: open-loop ingest at a steady rate (each tick sends its share whatever the answers do).
    let sent = 0;
    let accepted = 0;
    let rejected = 0;
    let inFlight = 0;
    let maxBacklog = 0;
    const url = `http://127.0.0.1:${apiPort}/v1/feedback`;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const started = Date.now();
    const sampler = setInterval(() => {
      count(database, sql`status = 'received'`).then(
        (n) => {
          maxBacklog = Math.max(maxBacklog, n);
        },
        () => {},
      );
    }, 250);
    const posts: Promise<void>[] = [];
    while (Date.now() - started < SECONDS * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE);
      while (sent < due) {
        if (inFlight >= 512) break;
        const text = corpus[sent % corpus.length]!;
        sent++;
        inFlight++;
        posts.push(
          fetch(url, { method: 'POST', headers, body: JSON.stringify({ channel: 'widget', text }) })
            .then(async (res) => {
              await res.arrayBuffer();
              if (res.status === 202) accepted++;
              else rejected++;
            })
            .catch(() => {
              rejected++;
            })
            .finally(() => {
              inFlight--;
            }),
        );
      }
      await sleep(5);
    }
    await Promise.all(posts);
    const ingestSeconds = (Date.now() - started) / 1000;
    const deadline = Date.now() + 180_000;
    while ((await count(database, sql`status = 'received'`)) > 0 && Date.now() < deadline) await sleep(250);
    clearInterval(sampler);
    const [lag] = await queryRows<{ p50: number; p95: number; p99: number; max: number; n: number }>(
      database.db,
      sql`select percentile_cont(0.5) within group (order by extract(epoch from analysed_at - created_at)::float8) as p50,
                 percentile_cont(0.95) within group (order by extract(epoch from analysed_at - created_at)::float8) as p95,
                 percentile_cont(0.99) within group (order by extract(epoch from analysed_at - created_at)::float8) as p99,
                 max(extract(epoch from analysed_at - created_at)::float8) as max, count(*)::int as n
          from feedback where analysed_at is not null`,
    );
    out.write(
      `steady ingest: sent ${sent} in ${ingestSeconds.toFixed(1)} s (${(sent / ingestSeconds).toFixed(0)}/s), accepted ${accepted}, rejected ${rejected}\n`,
    );
    out.write(
      `lag commit → analysed: p50 ${pct(lag?.p50)}  p95 ${pct(lag?.p95)}  p99 ${pct(lag?.p99)}  max ${pct(lag?.max)}  (n=${lag?.n}; aim p99 ≤ 1000 ms)\n`,
    );
    out.write(`maximum backlog (rows still 'received', sampled every 250 ms): ${maxBacklog}\n`);

    // Phase 2: a 50,000 backlog written while no worker runs, then one worker drains it.
    await stop(worker);
    worker = undefined;
    const before = await count(database, sql`true`);
    const producer = createQueue({ driver: 'bullmq', redisUrl });
    for (let i = 0; i < BACKLOG; i += 5_000) {
      const n = Math.min(5_000, BACKLOG - i);
      const rows = Array.from({ length: n }, (_, j) => ({
        id: uuidv7(),
        orgId: org.id,
        channel: 'widget',
        text: corpus[(i + j) % corpus.length]!,
      }));
      for (let j = 0; j < rows.length; j += 1_000)
        await database.db.insert(schema.feedback).values(rows.slice(j, j + 1_000));
      // Queued as ingestion queues them: one analyse job per group of up to ANALYSE_BATCH_MAX rows.
      await producer.enqueueBulk(
        'analyse',
        analyseJobs(rows.map((r) => ({ orgId: r.orgId, id: r.id, channel: 'widget' as const }))),
      );
    }
    await producer.close({ drainMs: 0 });
    out.write(
      `backlog: ${BACKLOG} rows 'received', queued as ${Math.ceil(BACKLOG / ANALYSE_BATCH_MAX)} analyse jobs of ${ANALYSE_BATCH_MAX} rows (table had ${before} rows)\n`,
    );
    const drainStart = Date.now();
    worker = await startRole('worker', { ...env, PORT: String(await freePort()) });
    const drainDeadline = Date.now() + 15 * 60_000;
    while ((await count(database, sql`status = 'received'`)) > 0 && Date.now() < drainDeadline) await sleep(500);
    const [span] = await queryRows<{ seconds: number; n: number }>(
      database.db,
      sql`select extract(epoch from max(analysed_at) - min(analysed_at))::float8 as seconds, count(*)::int as n
          from feedback where analysed_at >= ${new Date(drainStart).toISOString()}::timestamptz`,
    );
    const drained = span?.n ?? 0;
    const rate = drained / Math.max(0.001, span?.seconds ?? 0);
    out.write(
      `drain: ${drained} analysed in ${(span?.seconds ?? 0).toFixed(1)} s (first to last analysis) = ${rate.toFixed(0)} items/s = ${(rate / RATE).toFixed(2)}× the ${RATE}/s ingest rate (aim ≥ 2×); wall ${((Date.now() - drainStart) / 1000).toFixed(1)} s incl. worker start\n`,
    );
  } finally {
    await Promise.all([stop(api), stop(worker)]);
    await database.close();
    await admin.query(`drop database if exists "${dbName}" with (force)`).catch(() => {});
    await admin.end();
    if (redisChild) {
      redisChild.kill('SIGKILL');
    } else {
      const flush = createQueue({ driver: 'bullmq', redisUrl });
      await flush.obliterate().catch(() => {});
      await flush.close({ drainMs: 0 });
    }
  }
}

function os(): string {
  return `node ${process.version}`;
}
