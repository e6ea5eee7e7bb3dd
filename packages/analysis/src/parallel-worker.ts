// A training worker thread: runs SVM fit tasks of the trainer (classifier.ts) on rows shared with the main thread.
import { parentPort } from 'node:worker_threads';
import { type FitBatch, type FitContext, type FitTaskResult, foldRows, runFitTask } from './classifier.ts';
import type { SparseRow } from './linear.ts';

/** The rows of a training run in CSR form over SharedArrayBuffers: row i is entries rowStart[i] .. rowStart[i+1]-1. */
export interface SharedRows {
  rowStart: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

export type ToWorker =
  | { type: 'context'; rows: SharedRows; Y: Uint8Array[]; dim: number; sparseDim: number; priors: SparseRow[] | null }
  | { type: 'batch'; batch: FitBatch }
  | { type: 'task'; m: number; l: number };

export type FromWorker = { type: 'ready' } | { type: 'result'; m: number; l: number; result: FitTaskResult };

/** Views of the shared CSR arrays as the trainer's rows (no copy). */
export function rowsOf(shared: SharedRows): SparseRow[] {
  const { rowStart, idx, val } = shared;
  return Array.from({ length: rowStart.length - 1 }, (_, i) => ({
    idx: idx.subarray(rowStart[i]!, rowStart[i + 1]!),
    val: val.subarray(rowStart[i]!, rowStart[i + 1]!),
  }));
}

if (parentPort) {
  const port = parentPort;
  let context: FitContext | null = null;
  let batch: FitBatch | null = null;
  let rowsOfFold: SparseRow[][] = [];
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'context') {
      const { rows, Y, dim, sparseDim, priors } = msg;
      context = { rows: rowsOf(rows), Y, dim, sparseDim, priors };
    } else if (msg.type === 'batch') {
      batch = msg.batch;
      rowsOfFold = foldRows(context!, batch);
    } else {
      const result = runFitTask(context!, batch!, rowsOfFold, msg.m, msg.l);
      // copied, not transferred: moving the buffers out made this thread's next fits ~35 % slower (measured)
      port.postMessage({ type: 'result', m: msg.m, l: msg.l, result } satisfies FromWorker);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
