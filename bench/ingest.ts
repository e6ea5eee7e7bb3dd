// Ingestion benchmarks in service mode (`npm run bench -- ingest`): single POSTs against the bare
// Fastify + pg baseline, bulk against COPY, and a 100,000-row CSV import's memory. Everything is
// measured in the same run, against real child processes, on a fresh database.
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '@closeloop/api';
import { createDatabase, insertOrganisation, migrate } from '@closeloop/db';
import { createQueue } from '@closeloop/queue';
import autocannon from 'autocannon';
import pg from 'pg';
import { copyFrom, csvField } from './ingest-copy.ts';
import {
  Children,
  type CpuSample,
  cpuSnapshot,
  cpuSpent,
  freePort,
  memoryOf,
  type Started,
  sampleMemory,
  waitForHttp,
} from './ingest-procs.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const baselineScript = path.resolve(repoRoot, '../shared/bench/baseline-ingest.mjs');
/** BENCH_NODE_ARGS adds node flags NODE_OPTIONS refuses to both servers, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

const SINGLE = { connections: 50, seconds: 10, warmupSeconds: 2 };
const BULK = { batch: 1_000, connections: 4, seconds: 6 };
const IMPORT_ROWS = 100_000;
/** The whole run is bounded: past this, children are killed and the bench fails. */
const RUN_LIMIT_MS = 8 * 60_000;

const TEXTS = [
  'The bins on Mill Lane were not collected on Tuesday and the street smells.',
  'Staff at the library were really helpful when I renewed my card, thank you.',
  'The online form for parking permits crashed twice before I could pay.',
  'Opening hours at the leisure centre are too short on Sundays.',
  'Mae angen mwy o feinciau yn y parc, diolch.',
  'I waited 40 minutes on the phone to report a missed collection.',
  'Great service at the registry office, quick and friendly.',
  'Street lights on Station Road have been out for two weeks.',
];

interface Target {
  name: 'closeloop' | 'baseline';
  url: string;
  process: Started;
}

interface SingleRun {
  name: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU microseconds per request, by process. */
  cpuPerRequest: CpuSample;
}

type Out = NodeJS.WritableStream;

function line(out: Out, text = ''): void {
  out.write(`${text}\n`);
}

function widgetBody(i: number): string {
  return JSON.stringify({
    channel: 'widget',
    text: TEXTS[i % TEXTS.length],
    rating: (i % 5) + 1,
    details: { kind: 'widget', pageUrl: 'https://www.example.gov.uk/bins-and-recycling', ratingScale: 5 },
  });
}

async function single(target: Target, apiKey: string, seconds: number): Promise<SingleRun> {
  const before = cpuSnapshot(target.process);
  const result = await autocannon({
    url: `${target.url}/v1/feedback`,
    method: 'POST',
    connections: SINGLE.connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: widgetBody(0),
  });
  const spent = cpuSpent(before, cpuSnapshot(target.process));
  const cpuPerRequest: CpuSample = {};
  for (const [k, v] of Object.entries(spent)) cpuPerRequest[k] = (v * 1e6) / Math.max(1, result.requests.total);
  return {
    name: target.name,
    cpuPerRequest,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function bulk(
  url: string,
  apiKey: string,
  server: Started,
): Promise<{ itemsPerSec: number; requests: number; non2xx: number; cpuPerItem: CpuSample }> {
  const items = Array.from({ length: BULK.batch }, (_, i) => JSON.parse(widgetBody(i)) as unknown);
  const body = JSON.stringify({ items });
  const probe = await fetch(`${url}/v1/feedback:bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body,
  });
  const answer = (await probe.json()) as { accepted?: number };
  if (probe.status !== 202 || answer.accepted !== BULK.batch) {
    throw new Error(`POST /v1/feedback:bulk answered ${probe.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  }
  const before = cpuSnapshot(server);
  const result = await autocannon({
    url: `${url}/v1/feedback:bulk`,
    method: 'POST',
    connections: BULK.connections,
    duration: BULK.seconds,
    timeout: 60,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body,
  });
  const ok = result.requests.total - result.non2xx;
  const spent = cpuSpent(before, cpuSnapshot(server));
  const cpuPerItem: CpuSample = {};
  for (const [k, v] of Object.entries(spent)) cpuPerItem[k] = (v * 1e6) / Math.max(1, ok * BULK.batch);
  return {
    itemsPerSec: (ok * BULK.batch) / (result.duration || BULK.seconds),
    requests: ok,
    non2xx: result.non2xx,
    cpuPerItem,
  };
}

/** COPY of the same rows into the same table, in the same batch size and with as many connections as bulk used. */
async function copyReference(databaseUrl: string, orgId: string, rows: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: BULK.connections });
  const batches = Math.max(1, Math.round(rows / BULK.batch));
  const received = new Date().toISOString();
  const csv = () => {
    let text = '';
    for (let i = 0; i < BULK.batch; i++) {
      text += `${randomUUID()},${orgId},widget,${csvField(TEXTS[i % TEXTS.length] ?? '')},${(i % 5) + 1},${received}\n`;
    }
    return Buffer.from(text);
  };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BULK.connections }, async () => {
      const client = await pool.connect();
      try {
        while (next < batches) {
          next++;
          await copyFrom(
            client,
            'COPY feedback (id, org_id, channel, text, rating, received_at) FROM STDIN (FORMAT csv)',
            csv(),
          );
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return (batches * BULK.batch) / seconds;
}

/** A comment-card CSV written to a temp file chunk by chunk (the import reads it as a stream). */
async function writeImportCsv(file: string): Promise<void> {
  const locations = ['Millbrook Library', 'Town Hall', 'Riverside Leisure Centre', 'Parc y Dŵr'];
  const stream = createWriteStream(file);
  stream.write('\uFEFFDate,Location,Service point,Comments,Rating\r\n');
  for (let start = 0; start < IMPORT_ROWS; start += 1_000) {
    let chunk = '';
    for (let i = start; i < start + 1_000; i++) {
      const text = `Card ${i}: ${TEXTS[i % TEXTS.length]} "visit ${i}"`;
      chunk += `${(i % 28) + 1}/10/2024,${locations[i % locations.length]},Desk ${i % 7},"${text.replace(/"/g, '""')}",${(i % 5) + 1}\r\n`;
    }
    if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
  }
  stream.end();
  await finished(stream);
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

const cpuLine = (sample: CpuSample) =>
  Object.entries(sample)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');

/** `INGEST_BENCH_PARTS=single,bulk,import` (default all) runs a subset, e.g. while profiling one path. */
function parts(): Set<string> {
  const raw = process.env.INGEST_BENCH_PARTS ?? 'single,bulk,import';
  return new Set(raw.split(',').map((p) => p.trim()));
}

export async function benchIngest(out: Out): Promise<void> {
  const wanted = parts();
  const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const poolMax = Number(process.env.DATABASE_POOL_MAX ?? 10);
  const benchDb = 'closeloop_bench';
  const benchUrl = new URL(baseUrl);
  benchUrl.pathname = `/${benchDb}`;
  const queuePrefix = `clbench${randomBytes(3).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closeloop-bench-'));
  const children = new Children();
  const admin = new pg.Client({ connectionString: baseUrl });
  let timer: NodeJS.Timeout | undefined;

  const run = async () => {
    await admin.connect().catch((error: Error) => {
      throw new Error(`PostgreSQL is not reachable at ${baseUrl} (${error.message}); set DATABASE_URL`);
    });
    const probeQueue = createQueue({ driver: 'bullmq', redisUrl, prefix: queuePrefix });
    const redisUp = await probeQueue.ping();
    await probeQueue.close({ drainMs: 0 });
    if (!redisUp) throw new Error(`Redis is not reachable at ${redisUrl}; set REDIS_URL`);

    line(out, `service mode: PostgreSQL ${benchUrl.host}/${benchDb} (fresh), Redis ${new URL(redisUrl).host}`);
    line(out, `pool size ${poolMax} for both servers; node ${process.version}`);
    await admin.query(`drop database if exists ${benchDb} with (force)`);
    await admin.query(`create database ${benchDb}`);
    const database = await createDatabase({ databaseUrl: benchUrl.toString(), poolMax: 2 });
    await migrate(database);
    const org = await insertOrganisation(database.db, { slug: 'bench', name: 'Bench Borough', languages: ['en'] });
    const { key: apiKey } = await createApiKey(database.db, {
      orgId: org.id,
      name: 'bench',
      scopes: ['feedback:write'],
      rateLimitPerMinute: 1_000_000,
    });
    await database.close();

    const API_NODE_OPTIONS = '--max-old-space-size=192';
    const commonEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NODE_ENV: 'production' };
    const startApi = async (): Promise<{ api: Started; url: string }> => {
      const port = await freePort();
      const api = children.start('closeloop api', [...nodeArgs, 'bin/closeloop.mjs', 'start', '--role', 'api'], {
        cwd: repoRoot,
        env: {
          ...commonEnv,
          DATABASE_URL: benchUrl.toString(),
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: queuePrefix,
          PORT: String(port),
          HOST: '127.0.0.1',
          CLOSELOOP_SECRET_KEY: randomBytes(32).toString('hex'),
          CLOSELOOP_DATA_DIR: dataDir,
          DATABASE_POOL_MAX: String(poolMax),
          LOG_LEVEL: 'warn',
          SEED_DEMO: 'false',
          // The api role runs with the heap cap docker-compose.yml gives it (override: API_NODE_OPTIONS).
          NODE_OPTIONS: process.env.API_NODE_OPTIONS ?? API_NODE_OPTIONS,
        },
      });
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(api, `${url}/healthz`);
      return { api, url };
    };

    const summaryLines: string[] = [];
    let { api, url: apiUrl } = await startApi();

    // 1. Single POST /v1/feedback: closeloop against the baseline, ABBA order to cancel drift.
    if (wanted.has('single')) {
      const basePort = await freePort();
      const baseline = children.start('baseline', [...nodeArgs, baselineScript], {
        cwd: repoRoot,
        env: { ...commonEnv, DATABASE_URL: benchUrl.toString(), PORT: String(basePort), POOL_MAX: String(poolMax) },
      });
      await waitForHttp(baseline, `http://127.0.0.1:${basePort}/`);
      const targets: Record<Target['name'], Target> = {
        closeloop: { name: 'closeloop', url: apiUrl, process: api },
        baseline: { name: 'baseline', url: `http://127.0.0.1:${basePort}`, process: baseline },
      };
      line(out, '');
      line(
        out,
        `-- single POST /v1/feedback: ${SINGLE.connections} connections, ${SINGLE.seconds} s per run (+${SINGLE.warmupSeconds} s warm-up), order baseline, closeloop, closeloop, baseline`,
      );
      const runs: SingleRun[] = [];
      for (const name of ['baseline', 'closeloop', 'closeloop', 'baseline'] as const) {
        await single(targets[name], apiKey, SINGLE.warmupSeconds);
        const r = await single(targets[name], apiKey, SINGLE.seconds);
        runs.push(r);
        line(
          out,
          `   ${r.name.padEnd(9)} ${fmt(r.reqPerSec).padStart(7)} req/s  p50 ${fmt(r.p50, 1)} ms  p99 ${fmt(r.p99, 1)} ms  non-2xx ${r.non2xx}  errors ${r.errors}`,
        );
        line(out, `             CPU µs/request: ${cpuLine(r.cpuPerRequest)}`);
      }
      await children.stop(baseline);
      const mean = (name: string, pick: (r: SingleRun) => number) => {
        const own = runs.filter((r) => r.name === name);
        return own.reduce((sum, r) => sum + pick(r), 0) / own.length;
      };
      const figures = (name: string) =>
        `${fmt(mean(name, (r) => r.reqPerSec))} req/s (p50 ${fmt(
          mean(name, (r) => r.p50),
          1,
        )} ms, p99 ${fmt(
          mean(name, (r) => r.p99),
          1,
        )} ms)`;
      const ratio = mean('closeloop', (r) => r.reqPerSec) / mean('baseline', (r) => r.reqPerSec);
      summaryLines.push(
        `   single POST   closeloop ${figures('closeloop')}`,
        `                 baseline  ${figures('baseline')}`,
        `                 ratio closeloop/baseline ${fmt(ratio, 2)} (aim ≥ 0.7)`,
      );
    }

    // 2. Bulk against COPY of the same rows.
    if (wanted.has('bulk')) {
      line(out, '');
      line(
        out,
        `-- bulk POST /v1/feedback:bulk: ${fmt(BULK.batch)}-item batches, ${BULK.connections} connections, ${BULK.seconds} s`,
      );
      const bulkResult = await bulk(apiUrl, apiKey, api);
      line(
        out,
        `   closeloop bulk ${fmt(bulkResult.itemsPerSec).padStart(8)} items/s  (${bulkResult.requests} batches, non-2xx ${bulkResult.non2xx})`,
      );
      line(out, `             CPU µs/item: ${cpuLine(bulkResult.cpuPerItem)}`);
      const copyRate = await copyReference(
        benchUrl.toString(),
        org.id,
        Math.min(bulkResult.requests * BULK.batch, 200_000),
      );
      line(
        out,
        `   pg COPY        ${fmt(copyRate).padStart(8)} items/s  (same rows, table, batch size and connections)`,
      );
      summaryLines.push(
        `   bulk          ${fmt(bulkResult.itemsPerSec)} items/s (aim ≥ 20,000); COPY ${fmt(copyRate)} items/s; ratio ${fmt(bulkResult.itemsPerSec / copyRate, 2)} (aim ≥ 0.3)`,
      );
    }

    // 3. A 100,000-row CSV import on a fresh api process, so its peak RSS is the import's.
    if (wanted.has('import')) {
      await children.stop(api);
      ({ api, url: apiUrl } = await startApi());
      const idle = memoryOf(api.pid);
      const csvFile = path.join(dataDir, 'comment-cards-100k.csv');
      await writeImportCsv(csvFile);
      line(out, '');
      line(out, `-- import POST /v1/imports: ${fmt(IMPORT_ROWS)}-row comment-card CSV streamed as text/csv`);
      const memory = sampleMemory(api.pid);
      const importStarted = performance.now();
      const imported = await fetch(`${apiUrl}/v1/imports?fileName=comment-cards-100k.csv`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${apiKey}` },
        body: Readable.toWeb(createReadStream(csvFile)) as ReadableStream,
        duplex: 'half',
        signal: AbortSignal.timeout(5 * 60_000),
      } as RequestInit & { duplex: 'half' });
      const summary = (await imported.json()) as { imported?: number; duplicates?: number; rowErrors?: unknown[] };
      const importSeconds = (performance.now() - importStarted) / 1000;
      const mem = memory.stop();
      if (imported.status !== 201) {
        throw new Error(`POST /v1/imports answered ${imported.status}: ${JSON.stringify(summary).slice(0, 300)}`);
      }
      line(
        out,
        `   ${fmt(summary.imported ?? 0)} imported, ${fmt(summary.duplicates ?? 0)} duplicates, ${fmt(summary.rowErrors?.length ?? 0)} row errors in ${fmt(importSeconds, 1)} s (${fmt((summary.imported ?? 0) / importSeconds)} rows/s)`,
      );
      line(
        out,
        `   api process RSS: idle before ${fmt(idle?.rssMb ?? Number.NaN)} MB, peak (VmHWM) ${fmt(mem.peakMb)} MB, highest sample ${fmt(mem.maxRssMb)} MB`,
      );
      summaryLines.push(
        `   import 100k   ${fmt(importSeconds, 1)} s, peak RSS ${fmt(mem.peakMb)} MB (idle ${fmt(idle?.rssMb ?? Number.NaN)} MB; aim < 300 MB)`,
      );
    }
    await children.stop(api);

    line(out, '');
    line(out, '-- summary');
    for (const text of summaryLines) line(out, text);
  };

  try {
    await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the ingest bench ran past ${RUN_LIMIT_MS / 60_000} minutes`)),
          RUN_LIMIT_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await children.stopAll();
    const queue = createQueue({ driver: 'bullmq', redisUrl, prefix: queuePrefix });
    await queue.obliterate().catch(() => {});
    await queue.close({ drainMs: 0 }).catch(() => {});
    await admin.query(`drop database if exists ${benchDb} with (force)`).catch(() => {});
    await admin.end().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}
