// Training on worker threads. The trainer (trainingSteps in classifier.ts) asks for its SVM fits in batches of
// independent tasks, one per ensemble member and label; here they run on a few worker threads that share the
// feature rows (SharedArrayBuffer, sent once per thread), and the model is the one trainLinearModel trains, bit for
// bit. This file and parallel-worker.* are the only place the analysis package starts threads.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  type FitContext,
  type FitStep,
  type FitTaskResult,
  foldRows,
  type LinearModel,
  type LinearTrainingResult,
  runFitBatch,
  runFitTask,
  type ThemeModel,
  type TrainingExample,
  type TrainOptions,
  trainingSteps,
  trainLinearModel,
} from './classifier.ts';
import type { SparseRow } from './linear.ts';
import type { FromWorker, SharedRows, ToWorker } from './parallel-worker.ts';

export interface ParallelTrainOptions extends TrainOptions {
  /** worker threads for the SVM fits; default defaultTrainingThreads(); 1 trains in this thread */
  threads?: number;
  /** called when threads were asked for but the fits ran (some or all) in this thread, with the reason */
  onFallback?: (reason: string) => void;
  /** the threads' entry module (tests point it elsewhere to see the fallback); default ./parallel-worker.mjs */
  workerUrl?: URL;
}

export interface ParallelTrainingResult extends LinearTrainingResult {
  /** worker threads that ran fits (0: every fit ran in this thread) */
  threads: number;
  /** why fits ran in this thread although threads were asked for; null when they did not */
  fallback: string | null;
}

/** Threads used when none are given: two, or one on a one-core machine (more than two gains little, see README). */
export function defaultTrainingThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** How long a thread may take to load before its share of the fits runs in this thread instead. */
const START_TIMEOUT_MS = 30_000;

/**
 * `trainLinearModel` with the SVM fits on worker threads: the same model (the same JSON), ~1.7× faster
 * on two cores. A thread that cannot start or fails leaves its fits to this thread (see `fallback`).
 */
export async function trainLinearModelParallel(
  examples: TrainingExample[],
  task: LinearModel['task'],
  opts: ParallelTrainOptions = {},
): Promise<ParallelTrainingResult> {
  const { threads: asked, onFallback, workerUrl, ...trainOpts } = opts;
  const threads = Math.floor(asked ?? defaultTrainingThreads());
  if (!(threads > 1)) return { ...trainLinearModel(examples, task, trainOpts), threads: 0, fallback: null };
  // the threads load while this one extracts the features (the generator's first step)
  const pool = new FitPool(threads, workerUrl ?? new URL('./parallel-worker.mjs', import.meta.url));
  try {
    const steps = trainingSteps(examples, task, trainOpts);
    let step = steps.next();
    while (!step.done) step = steps.next(await pool.run(step.value));
    if (pool.fallback) onFallback?.(pool.fallback);
    return { ...step.value, threads: pool.used, fallback: pool.fallback };
  } finally {
    await pool.close();
  }
}

/** `trainThemeModel` with the SVM fits on worker threads (see trainLinearModelParallel): the same model. */
export async function trainThemeModelParallel(
  examples: TrainingExample[],
  opts: ParallelTrainOptions = {},
): Promise<ThemeModel> {
  return (await trainLinearModelParallel(examples, 'themes', opts)).model;
}

interface Thread {
  worker: Worker;
  /** settles true once the thread has loaded, false if it failed first */
  ready: Promise<boolean>;
  alive: boolean;
  /** the training run whose rows the thread holds */
  context: FitContext | null;
  /** handlers of the task in flight */
  onResult: ((msg: Extract<FromWorker, { type: 'result' }>) => void) | null;
  onFail: (() => void) | null;
}

/** Worker threads for one training run; tasks go to whichever thread is free, in a fixed queue order. */
class FitPool {
  private readonly threads: Thread[];
  fallback: string | null = null;
  /** threads that ran at least one task */
  private readonly busy = new Set<Thread>();
  private shared: { context: FitContext; rows: SharedRows } | null = null;

  constructor(count: number, entry: URL) {
    this.threads = Array.from({ length: count }, () => this.start(entry));
  }

  get used(): number {
    return this.busy.size;
  }

  private start(entry: URL): Thread {
    let settle: (ok: boolean) => void = () => {};
    const ready = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const thread: Thread = {
      worker: new Worker(entry),
      ready,
      alive: true,
      context: null,
      onResult: null,
      onFail: null,
    };
    const fail = (reason: string) => {
      if (!thread.alive) return;
      thread.alive = false;
      this.fallback ??= reason;
      settle(false);
      thread.onFail?.();
      void thread.worker.terminate();
    };
    thread.worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') settle(true);
      else thread.onResult?.(msg);
    });
    thread.worker.on('error', (err) => fail(`a training thread failed: ${err.message}`));
    thread.worker.on('exit', (code) => fail(`a training thread exited (code ${code})`));
    return thread;
  }

  /**
   * The threads that have started. The wait is timed from the first step on, not from the spawn: the features
   * are extracted on this thread meanwhile, and a ready message waiting behind that work is no late start.
   */
  private async started(): Promise<Thread[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS);
    });
    const ok = await Promise.all(this.threads.map((t) => Promise.race([t.ready, timeout])));
    clearTimeout(timer);
    this.threads.forEach((t, i) => {
      if (ok[i] !== 'timeout' || !t.alive) return;
      t.alive = false;
      this.fallback ??= `a training thread did not start within ${START_TIMEOUT_MS / 1000} s`;
      void t.worker.terminate();
    });
    return this.threads.filter((t, i) => ok[i] === true && t.alive);
  }

  /** Runs a step's tasks on the threads that started, biggest first; what no thread could run runs here. */
  async run(step: FitStep): Promise<FitTaskResult[][]> {
    const { context, batch } = step;
    const threads = await this.started();
    if (threads.length === 0) {
      this.fallback ??= 'no training thread started';
      return runFitBatch(context, batch);
    }
    const L = context.Y.length;
    const results: FitTaskResult[][] = batch.members.map(() => new Array<FitTaskResult>(L));
    // the labels with the most positives take longest: first, so that the last tasks are short ones
    const positives = context.Y.map((y) => y.reduce((a, b) => a + b, 0));
    const order = context.Y.map((_, l) => l).sort((a, b) => positives[b]! - positives[a]! || a - b);
    const queue = order.flatMap((l) => batch.members.map((_, m): [number, number] => [m, l]));
    await new Promise<void>((resolve) => {
      const running = new Set<Thread>();
      const next = (t: Thread) => {
        const task = queue.shift();
        if (!task) {
          t.onResult = null;
          t.onFail = null;
          running.delete(t);
          if (running.size === 0) resolve();
          return;
        }
        t.onResult = (msg) => {
          results[msg.m]![msg.l] = msg.result;
          this.busy.add(t);
          next(t);
        };
        t.onFail = () => {
          // the task in flight goes back to the queue: for another thread, or for this one below
          queue.unshift(task);
          t.onResult = null;
          t.onFail = null;
          running.delete(t);
          if (running.size === 0) resolve();
        };
        t.worker.postMessage({ type: 'task', m: task[0], l: task[1] } satisfies ToWorker);
      };
      for (const t of threads) {
        this.sendContext(t, context);
        t.worker.postMessage({ type: 'batch', batch } satisfies ToWorker);
        running.add(t);
      }
      for (const t of threads) next(t);
    });
    if (queue.length > 0) {
      const rowsOfFold = foldRows(context, batch);
      for (const [m, l] of queue) results[m]![l] = runFitTask(context, batch, rowsOfFold, m, l);
    }
    return results;
  }

  /** The rows go to each thread once per training run, over shared memory. */
  private sendContext(t: Thread, context: FitContext): void {
    if (t.context === context) return;
    if (this.shared?.context !== context) this.shared = { context, rows: shareRows(context.rows) };
    const { Y, dim, sparseDim, priors } = context;
    t.worker.postMessage({ type: 'context', rows: this.shared.rows, Y, dim, sparseDim, priors } satisfies ToWorker);
    t.context = context;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.threads.map(async (t) => {
        t.alive = false;
        await t.worker.terminate();
      }),
    );
  }
}

/** The rows in CSR form over SharedArrayBuffers (one copy, read by every thread). */
function shareRows(rows: SparseRow[]): SharedRows {
  let nnz = 0;
  for (const r of rows) nnz += r.idx.length;
  const rowStart = new Int32Array(new SharedArrayBuffer(4 * (rows.length + 1)));
  const idx = new Int32Array(new SharedArrayBuffer(4 * nnz));
  const val = new Float32Array(new SharedArrayBuffer(4 * nnz));
  let at = 0;
  rows.forEach((r, i) => {
    rowStart[i] = at;
    idx.set(r.idx, at);
    val.set(r.val, at);
    at += r.idx.length;
  });
  rowStart[rows.length] = at;
  return { rowStart, idx, val };
}
