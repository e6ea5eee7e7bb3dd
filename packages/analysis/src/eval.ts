// Pure evaluation: metrics over predictions and grouped k-fold cross-validation. No I/O.
import { assignFolds } from './classifier.ts';

export interface LabelMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface MultiLabelReport {
  n: number;
  labels: number;
  micro_precision: number;
  micro_recall: number;
  micro_f1: number;
  macro_f1: number;
  exact_match: number;
  per_label: Record<string, LabelMetrics>;
}

function f1Of(tp: number, fp: number, fn: number): LabelMetrics {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support: tp + fn };
}

/**
 * Micro/macro F1 and exact match over label sets. Scored labels are those present in the gold data or
 * predicted at least once (a label predicted but never present scores F1 = 0); macro-F1 averages them.
 */
export function multiLabelMetrics(gold: string[][], predicted: string[][], labels?: string[]): MultiLabelReport {
  if (gold.length !== predicted.length) throw new Error('gold and predicted differ in length');
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const get = (l: string) => {
    let c = counts.get(l);
    if (!c) {
      c = { tp: 0, fp: 0, fn: 0 };
      counts.set(l, c);
    }
    return c;
  };
  for (const l of labels ?? []) get(l);
  let exact = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = new Set(gold[i]);
    const p = new Set(predicted[i]);
    let same = g.size === p.size;
    for (const l of p) {
      if (g.has(l)) get(l).tp++;
      else {
        get(l).fp++;
        same = false;
      }
    }
    for (const l of g) if (!p.has(l)) get(l).fn++;
    if (same) exact++;
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const perLabel: Record<string, LabelMetrics> = {};
  let macro = 0;
  const scored = [...counts.keys()].sort();
  for (const l of scored) {
    const c = counts.get(l)!;
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
    perLabel[l] = f1Of(c.tp, c.fp, c.fn);
    macro += perLabel[l].f1;
  }
  const micro = f1Of(tp, fp, fn);
  return {
    n: gold.length,
    labels: scored.length,
    micro_precision: micro.precision,
    micro_recall: micro.recall,
    micro_f1: micro.f1,
    macro_f1: scored.length ? macro / scored.length : 0,
    exact_match: gold.length ? exact / gold.length : 0,
    per_label: perLabel,
  };
}

export interface ClassificationReport {
  n: number;
  accuracy: number;
  macro_f1: number;
  /** mean absolute error between class positions (classes are ordinal) */
  mae: number;
  per_class: Record<string, LabelMetrics>;
}

/** Single-label metrics over ordinal classes given as numbers (e.g. 1–5). */
export function classificationMetrics(gold: number[], predicted: number[]): ClassificationReport {
  if (gold.length !== predicted.length) throw new Error('gold and predicted differ in length');
  const classes = [...new Set([...gold, ...predicted])].sort((a, b) => a - b);
  let correct = 0;
  let absErr = 0;
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] === predicted[i]) correct++;
    absErr += Math.abs(gold[i]! - predicted[i]!);
  }
  const perClass: Record<string, LabelMetrics> = {};
  let macro = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      if (predicted[i] === c && gold[i] === c) tp++;
      else if (predicted[i] === c) fp++;
      else if (gold[i] === c) fn++;
    }
    perClass[String(c)] = f1Of(tp, fp, fn);
    macro += perClass[String(c)]!.f1;
  }
  const n = gold.length;
  return {
    n,
    accuracy: n ? correct / n : 0,
    macro_f1: classes.length ? macro / classes.length : 0,
    mae: n ? absErr / n : 0,
    per_class: perClass,
  };
}

/**
 * Group key of each id: the first capture group of `pattern` (e.g. `^(.*) - Q\d+$` for respondent ids);
 * ids that do not match form their own group.
 */
export function groupKeys(ids: (string | null | undefined)[], pattern?: string | RegExp | null): (string | null)[] {
  if (!pattern) return ids.map(() => null);
  const re = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
  return ids.map((id) => {
    if (id == null) return null;
    const m = re.exec(id);
    return m?.[1] ?? null;
  });
}

/** Fold index (0..k-1) of each item, keeping groups whole. */
export function kFoldAssignments(n: number, k: number, groups?: (string | null)[], seed = 42): Int32Array {
  if (k < 2) throw new Error('k-fold needs k >= 2');
  return assignFolds(n, k, groups, seed);
}

/**
 * Runs `fit` on each training split and `predict` on its held-out split; returns the pooled out-of-fold
 * predictions in input order.
 */
export function crossValidate<T, M, P>(
  items: T[],
  k: number,
  fit: (train: T[]) => M,
  predict: (model: M, item: T) => P,
  opts: { groups?: (string | null)[]; seed?: number } = {},
): P[] {
  const fold = kFoldAssignments(items.length, k, opts.groups, opts.seed);
  const out = new Array<P>(items.length);
  for (let f = 0; f < k; f++) {
    const train = items.filter((_, i) => fold[i] !== f);
    const model = fit(train);
    items.forEach((item, i) => {
      if (fold[i] === f) out[i] = predict(model, item);
    });
  }
  return out;
}

/** `crossValidate` with a fit that returns a promise (e.g. training on worker threads); folds still run one by one. */
export async function crossValidateAsync<T, M, P>(
  items: T[],
  k: number,
  fit: (train: T[]) => Promise<M>,
  predict: (model: M, item: T) => P,
  opts: { groups?: (string | null)[]; seed?: number } = {},
): Promise<P[]> {
  const fold = kFoldAssignments(items.length, k, opts.groups, opts.seed);
  const out = new Array<P>(items.length);
  for (let f = 0; f < k; f++) {
    const train = items.filter((_, i) => fold[i] !== f);
    const model = await fit(train);
    items.forEach((item, i) => {
      if (fold[i] === f) out[i] = predict(model, item);
    });
  }
  return out;
}
