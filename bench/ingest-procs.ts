import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Child processes of one bench run: every one is stopped on exit, on error and on Ctrl-C. */
export class Children {
  readonly #running = new Set<ChildProcess>();
  readonly #onSignal = () => {
    this.killAll('SIGKILL');
    process.exit(130);
  };
  readonly #onExit = () => this.killAll('SIGKILL');

  constructor() {
    process.once('SIGINT', this.#onSignal);
    process.once('SIGTERM', this.#onSignal);
    process.once('exit', this.#onExit);
  }

  /** Starts `node args…` in `cwd`; stderr is kept (last 4 kB) to explain an early exit. */
  start(name: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Started {
    const child = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#running.add(child);
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-4096);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => {
        this.#running.delete(child);
        resolve(code);
      });
    });
    return { name, child, pid: child.pid ?? -1, output: () => tail, exited };
  }

  /** SIGTERM, then SIGKILL after `graceMs` for a child that does not go. */
  async stop(started: Started, graceMs = 5_000): Promise<void> {
    if (started.child.exitCode !== null || started.child.signalCode !== null) return;
    started.child.kill('SIGTERM');
    const timer = setTimeout(() => started.child.kill('SIGKILL'), graceMs);
    await started.exited;
    clearTimeout(timer);
  }

  killAll(signal: NodeJS.Signals): void {
    for (const child of this.#running) child.kill(signal);
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.#running].map(async (child) => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
        clearTimeout(timer);
      }),
    );
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
    process.off('exit', this.#onExit);
  }
}

export interface Started {
  name: string;
  child: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers any HTTP status; fails early when the process exits. */
export async function waitForHttp(started: Started, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void started.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${started.name} exited before it was ready:\n${started.output()}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) })
      .then(() => true)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${started.name} did not answer ${url} within ${timeoutMs} ms:\n${started.output()}`);
}

/** VmRSS and VmHWM (peak) of a process in MB, from /proc (Linux). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the highest sample and the kernel's peak. */
export function sampleMemory(pid: number, everyMs = 100) {
  let maxRss = 0;
  const timer = setInterval(() => {
    const m = memoryOf(pid);
    if (m) maxRss = Math.max(maxRss, m.rssMb);
  }, everyMs);
  return {
    stop(): { maxRssMb: number; peakMb: number } {
      clearInterval(timer);
      const m = memoryOf(pid);
      return { maxRssMb: Math.max(maxRss, m?.rssMb ?? 0), peakMb: m?.peakMb ?? Number.NaN };
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where /proc is not there. */
function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return null;
  }
}

/** CPU seconds of every process whose command name is `comm` (all PostgreSQL backends, say), by pid. */
function cpuSecondsByName(comm: string): Map<number, number> {
  const out = new Map<number, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== comm) continue;
    } catch {
      continue;
    }
    const seconds = cpuSecondsOf(Number(pid));
    if (seconds !== null) out.set(Number(pid), seconds);
  }
  return out;
}

export type CpuSample = Record<string, number>;

interface CpuSnapshot {
  server: number;
  loadGenerator: number;
  byName: Record<string, Map<number, number>>;
}

/**
 * Where the CPU went during a run: the server under test, PostgreSQL (all backends), Redis and this
 * bench process (the load generator). On a 2-core machine they all compete, so a server's cost
 * includes the database and queue work it causes. A backend that exits between two snapshots is missed.
 */
export function cpuSnapshot(server: Started): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    server: cpuSecondsOf(server.pid) ?? Number.NaN,
    loadGenerator: (usage.user + usage.system) / 1e6,
    byName: { postgres: cpuSecondsByName('postgres'), redis: cpuSecondsByName('redis-server') },
  };
}

export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): CpuSample {
  const out: CpuSample = { server: after.server - before.server };
  for (const [name, now] of Object.entries(after.byName)) {
    const then = before.byName[name] ?? new Map<number, number>();
    let total = 0;
    for (const [pid, seconds] of now) total += seconds - (then.get(pid) ?? 0);
    out[name] = total;
  }
  out['load generator'] = after.loadGenerator - before.loadGenerator;
  return out;
}
