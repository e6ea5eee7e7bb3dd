import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createQueue, type JobQueue, QueueUnavailableError } from '../src/index.ts';
import { sleep, waitFor } from './contract.ts';

/** A private redis-server, so stopping it does not disturb anything else using Redis. */
class DisposableRedis {
  private child?: ChildProcess;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitFor(() => portAnswers(this.port), 5_000, 'redis-server to listen');
  }

  /** SIGSTOP/SIGCONT: Redis keeps its connections open but stops answering, like a hung host. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.child?.kill(signal);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

function redisServerInstalled(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function portAnswers(port: number): Promise<boolean> {
  const { Socket } = await import('node:net');
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

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await fn();
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

const describeWithRedisServer = redisServerInstalled() ? describe : describe.skip;

describeWithRedisServer('bullmq driver through a Redis outage (private redis-server)', () => {
  const servers: DisposableRedis[] = [];
  const queues: JobQueue[] = [];
  afterAll(async () => {
    for (const q of queues) await q.close({ drainMs: 1_000 });
    for (const server of servers) await server.kill();
  });

  it('fails fast while Redis is down, then the same object enqueues and processes again', async () => {
    const redis = new DisposableRedis(await freePort());
    servers.push(redis);
    await redis.start();
    const q = createQueue({ driver: 'bullmq', redisUrl: redis.url, prefix: 'closeloop-test-outage' });
    queues.push(q);
    const processed = new Set<string>();
    q.process('analyse', async (p) => {
      processed.add(p.feedbackId);
    });
    const before = { orgId: randomUUID(), feedbackId: randomUUID() };
    await q.enqueue('analyse', before, { jobId: before.feedbackId });
    await waitFor(() => processed.has(before.feedbackId), 5_000, 'the job before the outage');

    await redis.kill();
    await sleep(100);
    const during = { orgId: randomUUID(), feedbackId: randomUUID() };
    const rejected = await timed(() => q.enqueue('analyse', during, { jobId: during.feedbackId }));
    expect(rejected.error).toBeInstanceOf(QueueUnavailableError);
    expect(rejected.ms).toBeLessThan(2_000);
    const ping = await timed(() => q.ping());
    expect(ping.value).toBe(false);
    expect(ping.ms).toBeLessThan(2_000);
    await sleep(2_000);

    await redis.start();
    const restartedAt = Date.now();
    await waitFor(() => q.ping(), 5_000, 'ping to answer again');
    const after = { orgId: randomUUID(), feedbackId: randomUUID() };
    await waitFor(
      async () => !(await timed(() => q.enqueue('analyse', after, { jobId: after.feedbackId }))).error,
      5_000,
      'enqueue to work again',
    );
    await waitFor(() => processed.has(after.feedbackId), 10_000, 'the worker to resume');
    const recoveryMs = Date.now() - restartedAt;
    console.log(
      `outage: enqueue rejected in ${rejected.ms} ms, ping false in ${ping.ms} ms; recovered ${recoveryMs} ms after restart`,
    );
    expect(recoveryMs).toBeLessThan(10_000);
  });

  it('works once Redis comes up when it was down at creation', async () => {
    const redis = new DisposableRedis(await freePort());
    servers.push(redis);
    const q = createQueue({ driver: 'bullmq', redisUrl: redis.url, prefix: 'closeloop-test-late' });
    queues.push(q);
    const processed: string[] = [];
    q.process('sweep', async (_p, ctx) => {
      processed.push(ctx.id);
    });
    const rejected = await timed(() => q.enqueue('sweep', {}, { jobId: 'late-sweep' }));
    expect(rejected.error).toBeInstanceOf(QueueUnavailableError);
    expect(rejected.ms).toBeLessThan(2_000);
    expect(await q.ping()).toBe(false);

    await redis.start();
    await waitFor(() => q.ping(), 5_000, 'ping to answer');
    await waitFor(
      async () => !(await timed(() => q.enqueue('sweep', {}, { jobId: 'late-sweep' }))).error,
      5_000,
      'enqueue to work',
    );
    await waitFor(() => processed.includes('late-sweep'), 10_000, 'the worker to start');
    // The enqueue refused during the outage must not land later as a ghost job.
    expect(processed).toEqual(['late-sweep']);
  });

  it('rejects within the command timeout when Redis hangs without closing connections', async () => {
    const redis = new DisposableRedis(await freePort());
    servers.push(redis);
    await redis.start();
    const q = createQueue({ driver: 'bullmq', redisUrl: redis.url, prefix: 'closeloop-test-hang' });
    queues.push(q);
    await q.enqueue('sweep', {});
    redis.signal('SIGSTOP');
    try {
      const rejected = await timed(() => q.enqueue('sweep', {}));
      expect(rejected.error).toBeInstanceOf(QueueUnavailableError);
      expect(rejected.ms).toBeLessThan(3_000);
      const ping = await timed(() => q.ping());
      expect(ping.value).toBe(false);
      expect(ping.ms).toBeLessThan(3_000);
    } finally {
      redis.signal('SIGCONT');
    }
    await waitFor(() => q.ping(), 5_000, 'ping to answer again');
    await waitFor(async () => !(await timed(() => q.enqueue('sweep', {}))).error, 5_000, 'enqueue to work again');
  });

  it('closes at once while Redis is down instead of waiting for it', async () => {
    const redis = new DisposableRedis(await freePort());
    servers.push(redis);
    await redis.start();
    const q = createQueue({ driver: 'bullmq', redisUrl: redis.url, prefix: 'closeloop-test-close' });
    let ran = 0;
    q.process('sweep', async () => {
      ran++;
    });
    await q.enqueue('sweep', {});
    await waitFor(() => ran === 1, 5_000, 'the job');
    await redis.kill();
    await sleep(200);
    const closed = await timed(() => q.close({ drainMs: 5_000 }));
    expect(closed.error).toBeUndefined();
    expect(closed.ms).toBeLessThan(1_000);
  });
});
