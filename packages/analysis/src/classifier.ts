import {
  checkEmbeddings,
  DEFAULT_EMBEDDING_FEATURES,
  denseFeatures,
  denseLength,
  documentVector,
  type EmbeddingFeatureConfig,
  type EmbeddingRef,
  type EmbeddingRows,
  embeddingRef,
  embeddingRows,
  tableRow,
  type WordEmbeddings,
} from './embeddings.ts';
import {
  charNgramCount,
  charNgramHashes,
  collectHashes,
  DEFAULT_FEATURES,
  extractFeatures,
  type FeatureConfig,
  type HashedDoc,
  wordFeatureHash,
} from './features.ts';
import {
  bestF1Threshold,
  chooseCatchAll,
  decision,
  fitPlatt,
  HashIndex,
  platt,
  rng,
  type SparseRow,
  shuffleInPlace,
  tfidfRow,
  trainBinarySvm,
} from './linear.ts';
import { type Token, tokenise } from './tokenise.ts';

/**
 * A trained one-vs-rest linear model as plain JSON (arrays are base64 so a model is a few MB, not tens).
 * `formatVersion` is the layout of this object; `version` is the caller's label for the model (e.g. "org-12/v7").
 */
export interface LinearModel {
  kind: 'closeloop.linear-ovr';
  formatVersion: 1;
  task: 'themes' | 'sentiment';
  version: string;
  labels: string[];
  features: FeatureConfig;
  /** feature hashes (Uint32, base64), one per column */
  vocab: string;
  /** inverse document frequency per column (Float32, base64) */
  idf: string;
  /**
   * Sparse weights by column (CSR, tiny weights pruned): the weights of column c are entries
   * colStart[c] .. colStart[c+1]-1 of weightLabels (Uint16, base64) and weights (Int16 quantised, base64).
   */
  colStart: string;
  weightLabels: string;
  weights: string;
  /** per label: real weight = int16 × scale */
  weightScale: number[];
  bias: number[];
  /** per label Platt [A, B] mapping the margin to a probability */
  calibration: [number, number][];
  /** per label probability threshold for a positive prediction, tuned on out-of-fold predictions */
  thresholds: number[];
  /** predict the best label when none passes its threshold (learned: every training item had a label) */
  atLeastOne: boolean;
  /**
   * index of a learned catch-all label, predicted (instead of the best-ratio label) when no label passes its
   * threshold; absent in models trained before it existed
   */
  catchAll?: number;
  nTrain: number;
  labelCounts: number[];
  /**
   * dense word-embedding features (`features.embedding`): the table they need and their weights (Float32,
   * base64, label-major, real weights); absent in models without embeddings
   */
  embedding?: { table: EmbeddingRef; weights: string };
}

export type ThemeModel = LinearModel;

export interface TrainOptions {
  version?: string;
  features?: Partial<FeatureConfig>;
  /** SVM regularisation (higher fits harder); default 0.5 */
  C?: number;
  /** positive class weight = (negatives / positives) ^ balancePower, capped at 10; default 0.5 */
  balancePower?: number;
  /** inner folds for calibration and thresholds; default 3 (0 = no tuning, thresholds 0.5) */
  innerFolds?: number;
  /** features seen in fewer documents are dropped; default 2 (1 for fewer than 200 items) */
  minDf?: number;
  /** group key per example (e.g. respondent) kept within one inner fold */
  groups?: (string | null)[];
  seed?: number;
  maxEpochs?: number;
  /** scale features by naive-Bayes log-count ratios per label (NBSVM, Wang & Manning 2012); default true */
  nbScale?: boolean;
  /** smoothing of the NB ratios; default 2 */
  nbAlpha?: number;
  /** weights below this fraction of the label's largest weight are dropped (sparser, faster model); default 0.02 */
  pruneBelow?: number;
  /**
   * average an NBSVM and a plain linear SVM (same features, no NB scaling) in calibrated log-odds — again one
   * linear model, so prediction costs the same; default true
   */
  ensemble?: boolean;
  /** keep whichever of the member average or a single member has the best out-of-fold sum of F1; default true */
  selectMix?: boolean;
  /** learn a catch-all label predicted when nothing else passes (see chooseCatchAll); default true for themes */
  catchAll?: boolean;
  /**
   * the final model is the average of the inner-fold models (a cross-validation committee) instead of a refit on
   * all rows: calibration and thresholds then belong to the models they were measured on; default true
   */
  committee?: boolean;
  /**
   * a word-embedding table: its dense document features are added to the sparse ones (configured by
   * `features.embedding`, default DEFAULT_EMBEDDING_FEATURES) and the model records which table it needs
   */
  embeddings?: WordEmbeddings | null;
  /**
   * strength of the label-name prior (see labelNamePrior): each label's weights are pulled towards its name read
   * as a document instead of towards zero, fully for labels with up to 25 examples and fading beyond, and only
   * as far as the name describes the label's examples; default 4 for themes, 0 (off) for sentiment
   */
  namePrior?: number;
  /** explicit ensemble members (each overrides the base options) */
  members?: Partial<Pick<TrainOptions, 'C' | 'balancePower' | 'nbScale' | 'nbAlpha'>>[];
}

export interface TrainingExample {
  text: string;
  labels: string[];
  question?: string | null;
}

interface Compiled {
  index: HashIndex;
  idf: Float32Array;
  colStart: Int32Array;
  weightLabels: Uint16Array;
  weights: Float32Array;

  vocabHashes: Uint32Array;
  /** per-column counts while scoring one text (always left zeroed) and the columns touched */
  counts: Float32Array;
  touched: Int32Array;
  /** dense weights (label-major; stored as float32, widened once so the dot product reads doubles) */
  denseWeights: Float64Array | null;
  /** the embedding table last checked against the model's reference */
  checkedTable: WordEmbeddings | null;
  /** per-word character n-gram columns and label rows (bounded memo), held in the two slabs below */
  words: Map<string, WordChars>;
  /** this compiled model's number, and how many times its memo has started again */
  id: number;
  generation: number;
  colSlab: Int32Array;
  colFill: number;
  rowSlab: Float32Array;
  rowFill: number;
  /** the token array last scored and its words' entries, which explainLabels reuses */
  lastTokens: readonly Token[] | null;
  lastEntries: WordChars[];
  /** stamp of the last explainLabels call, marking the entries it has looked at */
  explainStamp: number;
  charMargins: Float64Array;
  /** scratch: the dense mean half's per-label sum over a text's words */
  denseMargins: Float64Array;
  bias: Float64Array;
}

const compiledCache = new WeakMap<LinearModel, Compiled>();
let compiledCount = 0;

function toBase64(arr: Uint32Array | Float32Array | Int16Array | Uint16Array | Int32Array): string {
  return Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).toString('base64');
}

function fromBase64<T extends Uint32Array | Float32Array | Int16Array | Uint16Array | Int32Array>(
  s: string,
  Ctor: new (b: ArrayBuffer) => T,
): T {
  const buf = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  return new Ctor(copy);
}

function compile(model: LinearModel): Compiled {
  const cached = compiledCache.get(model);
  if (cached) return cached;
  const vocabHashes = fromBase64(model.vocab, Uint32Array);
  const idf = fromBase64(model.idf, Float32Array);
  const q = fromBase64(model.weights, Int16Array);
  const weightLabels = fromBase64(model.weightLabels, Uint16Array);
  const weights = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) weights[i] = q[i]! * model.weightScale[weightLabels[i]!]!;
  const colStart = fromBase64(model.colStart, Int32Array);
  const compiled = {
    index: new HashIndex(vocabHashes),
    idf,
    colStart,
    weightLabels,
    weights,
    vocabHashes,
    counts: new Float32Array(vocabHashes.length),
    touched: new Int32Array(1024),
    denseWeights: model.embedding ? Float64Array.from(fromBase64(model.embedding.weights, Float32Array)) : null,
    checkedTable: null,
    words: new Map<string, WordChars>(),
    id: ++compiledCount,
    generation: 0,
    colSlab: new Int32Array(0),
    colFill: 0,
    rowSlab: new Float32Array(0),
    rowFill: 0,
    lastTokens: null,
    lastEntries: [],
    explainStamp: 0,
    charMargins: new Float64Array(model.labels.length),
    denseMargins: new Float64Array(model.labels.length),
    bias: Float64Array.from(model.bias),
  };
  compiledCache.set(model, compiled);
  return compiled;
}

/** Assigns each item to one of k folds, keeping items with the same group key together, sizes balanced. */
export function assignFolds(n: number, k: number, groups: (string | null)[] | undefined, seed: number): Int32Array {
  const unitOf = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = groups?.[i] ?? `\u0000${i}`;
    const list = unitOf.get(key);
    if (list) list.push(i);
    else unitOf.set(key, [i]);
  }
  const units = [...unitOf.values()];
  shuffleInPlace(units as unknown as number[], rng(seed));
  const fold = new Int32Array(n);
  const sizes = new Array<number>(k).fill(0);
  for (const unit of units) {
    let best = 0;
    for (let f = 1; f < k; f++) if (sizes[f]! < sizes[best]!) best = f;
    for (const i of unit) fold[i] = best;
    sizes[best] = sizes[best]! + unit.length;
  }
  return fold;
}

interface PreparedData {
  docs: HashedDoc[];
  rows: SparseRow[];
  index: HashIndex;
  idf: Float32Array;
  vocabHashes: Uint32Array;
}

function prepare(
  docs: HashedDoc[],
  minDf: number,
  charWeight: number,
  dense: { cfg: EmbeddingFeatureConfig; table: WordEmbeddings } | null,
): PreparedData {
  const df = new Map<number, number>();
  for (const d of docs) for (const h of d.hashes) df.set(h, (df.get(h) ?? 0) + 1);
  const kept: number[] = [];
  for (const [h, c] of df) if (c >= minDf) kept.push(h);
  // most frequent features first: the columns a text touches then sit close together in memory
  kept.sort((a, b) => df.get(b)! - df.get(a)! || a - b);
  const vocabHashes = Uint32Array.from(kept);
  const n = docs.length;
  const idf = new Float32Array(kept.length);
  for (let c = 0; c < kept.length; c++) idf[c] = Math.log((n + 1) / (df.get(kept[c]!)! + 1)) + 1;
  const index = new HashIndex(vocabHashes);
  const rows = docs.map((d) => tfidfRow(d.hashes, d.counts, index, idf, charWeight));
  if (dense) {
    // the dense block takes the columns after the sparse vocabulary
    const D = denseLength(dense.cfg, dense.table.dims);
    const x = new Float64Array(D);
    const lookup = embeddingRows(dense.table);
    docs.forEach((d, i) => {
      denseFeatures(d.tokens, dense.cfg, dense.table, lookup, x);
      const row = rows[i]!;
      const idx = new Int32Array(row.idx.length + D);
      const val = new Float32Array(row.val.length + D);
      idx.set(row.idx);
      val.set(row.val);
      for (let k = 0; k < D; k++) {
        idx[row.idx.length + k] = kept.length + k;
        val[row.val.length + k] = x[k]!;
      }
      rows[i] = { idx, val };
    });
  }
  return { docs, rows, index, idf, vocabHashes };
}

interface FitResult {
  w: Float64Array[];
  bias: number[];
}

export type FitOptions = Required<
  Pick<TrainOptions, 'C' | 'balancePower' | 'seed' | 'maxEpochs' | 'nbScale' | 'nbAlpha' | 'pruneBelow'>
>;

/** Log-count ratio r = log((α + f⁺)/|α + f⁺|₁) − log((α + f⁻)/|α + f⁻|₁) over binarised features. */
function nbRatios(rows: SparseRow[], y: Uint8Array, dim: number, alpha: number, sparseDim: number): Float64Array {
  const p = new Float64Array(dim).fill(alpha);
  const q = new Float64Array(dim).fill(alpha);
  for (let i = 0; i < rows.length; i++) {
    const target = y[i] ? p : q;
    for (const c of rows[i]!.idx) target[c] = target[c]! + 1;
  }
  let sp = 0;
  let sq = 0;
  for (let c = 0; c < dim; c++) {
    sp += p[c]!;
    sq += q[c]!;
  }
  const r = new Float64Array(dim);
  for (let c = 0; c < dim; c++) r[c] = Math.log(p[c]! / sp) - Math.log(q[c]! / sq);
  // dense columns are present in every row: no count ratio, they enter unscaled
  r.fill(1, sparseDim);
  return r;
}

/** The SVM of label `l` (an NBSVM when the member scales by NB ratios); its seed depends on the label only. */
function fitLabel(
  rows: SparseRow[],
  y: Uint8Array,
  l: number,
  dim: number,
  sparseDim: number,
  opts: FitOptions,
  prune: boolean,
  prior: SparseRow | null,
): { w: Float64Array; bias: number } {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i]!;
  const neg = y.length - pos;
  const posWeight = pos === 0 ? 1 : Math.min(10, Math.max(1, (neg / pos) ** opts.balancePower));
  const fit = trainBinarySvm(rows, y, dim, {
    C: opts.C,
    posWeight,
    maxEpochs: opts.maxEpochs,
    tolerance: 0.1,
    seed: opts.seed + l,
    featureScale: opts.nbScale && pos > 0 ? nbRatios(rows, y, dim, opts.nbAlpha, sparseDim) : undefined,
    prior: prior ? memberPrior(prior, opts.nbScale && pos > 0, dim, sparseDim) : undefined,
  });
  if (prune) pruneWeights(fit.w, opts.pruneBelow, sparseDim);
  return fit;
}

/** What every fit of one training run reads: the feature rows, the label columns and the label-name priors. */
export interface FitContext {
  rows: SparseRow[];
  Y: Uint8Array[];
  dim: number;
  sparseDim: number;
  priors: SparseRow[] | null;
}

/**
 * Fits the trainer needs at one point, all independent: for each member m and label l one task (runFitTask),
 * which trains one SVM per fold. The tasks can run in any order and on any thread; the results are the same.
 */
export interface FitBatch {
  /** rows each fold trains on and the rows it scores (its out-of-fold margins) */
  folds: { train: Int32Array; test: Int32Array }[];
  members: FitOptions[];
  /** prune each fold's weights before scoring */
  prune: boolean;
  /** weights a task returns: the mean of its folds' (the committee), its one fold's, or none */
  weights: 'mean' | 'single' | 'none';
}

export interface FitTaskResult {
  /** margins of each fold's test rows (0 elsewhere) */
  oof: Float64Array;
  w: Float64Array | null;
  bias: number;
}

/** One step of the trainer: the fits it waits for (see trainingSteps). */
export interface FitStep {
  context: FitContext;
  batch: FitBatch;
}

/** The training rows of each fold of a batch, as runFitTask takes them. */
export function foldRows(context: FitContext, batch: FitBatch): SparseRow[][] {
  return batch.folds.map((f) => Array.from(f.train, (i) => context.rows[i]!));
}

/** Task (m, l) of a batch: label l's SVM of member m on each fold, its out-of-fold margins and weights. */
export function runFitTask(
  context: FitContext,
  batch: FitBatch,
  rowsOfFold: SparseRow[][],
  m: number,
  l: number,
): FitTaskResult {
  const { rows, dim, sparseDim } = context;
  const y = context.Y[l]!;
  const member = batch.members[m]!;
  const prior = context.priors?.[l] ?? null;
  const oof = new Float64Array(rows.length);
  const mean = batch.weights === 'mean';
  let w: Float64Array | null = mean ? new Float64Array(dim) : null;
  let bias = 0;
  const k = batch.folds.length;
  batch.folds.forEach((fold, f) => {
    const trainY = Uint8Array.from(fold.train, (i) => y[i]!);
    const fit = fitLabel(rowsOfFold[f]!, trainY, l, dim, sparseDim, member, batch.prune, prior);
    for (const i of fold.test) oof[i] = decision(rows[i]!, fit.w, fit.bias);
    if (mean) {
      // in fold order, as the committee has always been summed
      const acc = w!;
      const wl = fit.w;
      for (let c = 0; c < dim; c++) acc[c] = acc[c]! + wl[c]! / k;
      bias = bias + fit.bias / k;
    } else if (batch.weights === 'single') {
      w = fit.w;
      bias = fit.bias;
    }
  });
  return { oof, w, bias };
}

/** Runs a batch's tasks in this thread: results[m][l]. */
export function runFitBatch(context: FitContext, batch: FitBatch): FitTaskResult[][] {
  const rowsOfFold = foldRows(context, batch);
  return batch.members.map((_, m) => context.Y.map((__, l) => runFitTask(context, batch, rowsOfFold, m, l)));
}

/** Dense prior weights for one fit; an NBSVM trains in NB-scaled space, so it takes the dense block's prior only. */
function memberPrior(prior: SparseRow, nb: boolean, dim: number, sparseDim: number): Float64Array {
  const w = new Float64Array(dim);
  for (let k = 0; k < prior.idx.length; k++) {
    const c = prior.idx[k]!;
    if (!nb || c >= sparseDim) w[c] = prior.val[k]!;
  }
  return w;
}

// label-name prior: full strength for labels with up to NAME_PRIOR_COUNT positives, fading as (count / n)^-2
const NAME_PRIOR_COUNT = 25;
/**
 * The prior is also scaled by how well the name describes the label's examples (see priorAlignment): none below a
 * cosine of 0.1, full from 0.2 (names like "Sensory experience" or "Mental Health Act" whose words the examples rarely use
 * cost F1 with a full-strength prior)
 */
const NAME_PRIOR_ALIGN: [number, number] = [0.1, 0.2];

/**
 * Prior weights for a label from its name: the name read as a short document (its TF-IDF row and pooled word
 * vectors) times `strength`. The label's SVM is then pulled towards these weights instead of towards zero, so a
 * text resembling the label name gets a head start — which matters for labels with a handful of examples; the
 * data moves the weights away where it disagrees. Generic: it uses only the label strings.
 */
function labelNamePrior(
  name: string,
  features: FeatureConfig,
  data: PreparedData,
  dense: { cfg: EmbeddingFeatureConfig; table: WordEmbeddings } | null,
  strength: number,
): SparseRow {
  const doc = extractFeatures(name, null, { ...features, lengthBuckets: false, question: false });
  const row = tfidfRow(doc.hashes, doc.counts, data.index, data.idf, features.charWeight);
  const idx = Array.from(row.idx);
  const val = Array.from(row.val, (v) => strength * v);
  if (dense) {
    const sparseDim = data.vocabHashes.length;
    const x = new Float64Array(denseLength(dense.cfg, dense.table.dims));
    denseFeatures(doc.tokens, dense.cfg, dense.table, embeddingRows(dense.table), x);
    x.forEach((v, k) => {
      idx.push(sparseDim + k);
      val.push(strength * v);
    });
  }
  return { idx: Int32Array.from(idx), val: Float32Array.from(val) };
}

/**
 * How well a label's name describes its examples: the cosine between the name prior and the difference of the
 * positives' and the negatives' mean feature rows (sparse and dense blocks together).
 */
function priorAlignment(prior: SparseRow, rows: SparseRow[], y: Uint8Array, dim: number): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i]!;
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) return 0;
  const d = new Float64Array(dim);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const f = y[i] ? 1 / pos : -1 / neg;
    for (let k = 0; k < r.idx.length; k++) d[r.idx[k]!] = d[r.idx[k]!]! + f * r.val[k]!;
  }
  let dot = 0;
  let np = 0;
  for (let k = 0; k < prior.idx.length; k++) {
    dot += prior.val[k]! * d[prior.idx[k]!]!;
    np += prior.val[k]! ** 2;
  }
  let nd = 0;
  for (let c = 0; c < dim; c++) nd += d[c]! ** 2;
  return np > 0 && nd > 0 ? dot / Math.sqrt(np * nd) : 0;
}

/** Zeroes sparse weights below `below` × the largest one (the dense block, from `sparseDim` on, is kept whole). */
function pruneWeights(w: Float64Array, below: number, sparseDim: number): void {
  let max = 0;
  for (let c = 0; c < sparseDim; c++) max = Math.max(max, Math.abs(w[c]!));
  const cut = max * below;
  for (let c = 0; c < sparseDim; c++) if (Math.abs(w[c]!) < cut) w[c] = 0;
}

/** The best F1 over all cut points of a score. */
function bestF1Value(scores: ArrayLike<number>, positive: Uint8Array): number {
  const n = scores.length;
  let totalPos = 0;
  for (let i = 0; i < n; i++) totalPos += positive[i]!;
  if (totalPos === 0) return 0;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let tp = 0;
  let best = 0;
  for (let k = 0; k < n; k++) {
    tp += positive[order[k]!]!;
    const f1 = (2 * tp) / (k + 1 + totalPos);
    if (f1 > best) best = f1;
  }
  return best;
}

/**
 * Ensemble members: different model families on the same features. Their Platt-calibrated log-odds are
 * averaged, which is again one linear model (weights Σ −A·w / M), so prediction costs the same as one model.
 */
function memberOptions(base: FitOptions, ensemble: boolean, custom?: Partial<FitOptions>[]): FitOptions[] {
  if (custom?.length) return custom.map((c, m) => ({ ...base, seed: base.seed + 1000 * m, ...c }));
  if (!ensemble) return [base];
  return [base, { ...base, nbScale: !base.nbScale, seed: base.seed + 1000 }];
}

/** Without a committee: each member refitted on all rows (one batch). */
function* refitAll(
  context: FitContext,
  members: FitOptions[],
  prune: boolean,
): Generator<FitStep, FitResult[], FitTaskResult[][]> {
  const n = context.rows.length;
  const folds = [{ train: Int32Array.from({ length: n }, (_, i) => i), test: new Int32Array(0) }];
  const results = yield { context, batch: { folds, members, prune, weights: 'single' } };
  return results.map((byLabel) => ({ w: byLabel.map((r) => r.w!), bias: byLabel.map((r) => r.bias) }));
}

export interface LinearTrainingResult {
  model: LinearModel;
  oofProbs: Float64Array[] | null;
}

/**
 * Core trainer shared by themes and sentiment: hashed TF-IDF features, per label an NBSVM and a plain L2-loss
 * SVM trained on each inner fold, Platt calibration of each from the out-of-fold margins, their calibrated
 * log-odds averaged, per-label F1 thresholds (and a learned catch-all label) from those out-of-fold scores, and
 * the inner-fold models averaged into the one linear model that is stored. The SVM fits run in this thread
 * (`trainLinearModelParallel` in parallel.ts runs them on worker threads, with the same result).
 */
export function trainLinearModel(
  examples: TrainingExample[],
  task: LinearModel['task'],
  opts: TrainOptions = {},
): LinearTrainingResult {
  const steps = trainingSteps(examples, task, opts);
  let step = steps.next();
  while (!step.done) step = steps.next(runFitBatch(step.value.context, step.value.batch));
  return step.value;
}

/**
 * The trainer as a generator: it yields each batch of SVM fits it needs (FitStep) and is resumed with their
 * results (results[m][l], see runFitTask); everything else runs inside it, so every driver trains the same model.
 */
export function* trainingSteps(
  examples: TrainingExample[],
  task: LinearModel['task'],
  opts: TrainOptions = {},
): Generator<FitStep, LinearTrainingResult, FitTaskResult[][]> {
  const features: FeatureConfig = { ...DEFAULT_FEATURES, ...opts.features };
  const n = examples.length;
  const labels = [...new Set(examples.flatMap((e) => e.labels))].sort();
  const L = labels.length;
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const Y = labels.map(() => new Uint8Array(n));
  examples.forEach((e, i) => {
    for (const l of e.labels) Y[labelIndex.get(l)!]![i] = 1;
  });
  const fitOpts = {
    C: opts.C ?? 0.5,
    balancePower: opts.balancePower ?? 0.5,
    seed: opts.seed ?? 1,
    maxEpochs: opts.maxEpochs ?? 30,
    nbScale: opts.nbScale ?? true,
    nbAlpha: opts.nbAlpha ?? 2,
    pruneBelow: opts.pruneBelow ?? 0.02,
  };
  const table = opts.embeddings ?? null;
  if (table && !features.embedding) features.embedding = { ...DEFAULT_EMBEDDING_FEATURES };
  if (!table && features.embedding) throw new Error('features.embedding needs an embeddings table (opts.embeddings)');
  const denseCfg = table && features.embedding ? { cfg: features.embedding, table } : null;
  const D = denseCfg ? denseLength(denseCfg.cfg, denseCfg.table.dims) : 0;
  const docs = examples.map((e) => extractFeatures(e.text, e.question, features));
  const data = prepare(docs, opts.minDf ?? (n < 200 ? 1 : 2), features.charWeight, D > 0 ? denseCfg : null);
  const sparseDim = data.vocabHashes.length;
  const dim = sparseDim + D;
  const priorStrength = opts.namePrior ?? (task === 'themes' ? 4 : 0);
  const priors =
    priorStrength > 0
      ? labels.map((name, l) => {
          let pos = 0;
          for (let i = 0; i < n; i++) pos += Y[l]![i]!;
          const fade = Math.min(1, (NAME_PRIOR_COUNT / Math.max(1, pos)) ** 2);
          const row = labelNamePrior(name, features, data, denseCfg, priorStrength * fade);
          // a name that does not describe the label's examples gets a weaker prior, none below NAME_PRIOR_ALIGN[0]
          const [lo, hi] = NAME_PRIOR_ALIGN;
          const scale = Math.max(0, Math.min(1, (priorAlignment(row, data.rows, Y[l]!, dim) - lo) / (hi - lo)));
          for (let k = 0; k < row.val.length; k++) row.val[k] = row.val[k]! * scale;
          return row;
        })
      : null;
  const context: FitContext = { rows: data.rows, Y, dim, sparseDim, priors };

  const atLeastOne = n > 0 && examples.every((e) => e.labels.length > 0);
  const members = memberOptions(fitOpts, opts.ensemble ?? true, opts.members);
  const M = members.length;
  // candidate mixing weights of the members: the plain average first, then each member alone
  const mixes: number[][] = [
    members.map(() => 1 / M),
    ...members.map((_, m) => members.map((__, k) => (k === m ? 1 : 0))),
  ];
  let catchAll = -1;
  const memberMix: number[][] = labels.map(() => mixes[0]!);
  const innerFolds = n < 30 ? 0 : (opts.innerFolds ?? 3);
  // per member and label: Platt [A, B] of the member's margin (the ensemble averages −(A·margin + B))
  const memberCal: [number, number][][] = members.map(() => labels.map(() => [-2, 0]));
  const calibration: [number, number][] = labels.map(() => [-2, 0]);
  const thresholds = labels.map(() => 0.5);
  let oofProbs: Float64Array[] | null = null;
  // committee: the final model is the average of the inner-fold models, the very models whose out-of-fold
  // scores set the calibration and thresholds (no refit on all rows, whose larger margins would shift them)
  const committee = innerFolds >= 2 && (opts.committee ?? true);
  let committeeFits: FitResult[] = [];
  if (innerFolds >= 2) {
    const fold = assignFolds(n, innerFolds, opts.groups, fitOpts.seed + 7);
    const folds = Array.from({ length: innerFolds }, (_, f) => {
      const trainIdx: number[] = [];
      const testIdx: number[] = [];
      for (let i = 0; i < n; i++) (fold[i] === f ? testIdx : trainIdx).push(i);
      return { train: Int32Array.from(trainIdx), test: Int32Array.from(testIdx) };
    });
    const results = yield {
      context,
      batch: { folds, members, prune: !committee, weights: committee ? 'mean' : 'none' },
    };
    const oof = results.map((byLabel) => byLabel.map((r) => r.oof));
    if (committee)
      committeeFits = results.map((byLabel) => ({ w: byLabel.map((r) => r.w!), bias: byLabel.map((r) => r.bias) }));
    // members' calibrated log-odds per label, then the one mix (average or a single member) with the best
    // out-of-fold sum of per-label F1
    const logits: Float64Array[][] = labels.map((_, l) =>
      members.map((__, m) => {
        if (M === 1) return oof[m]![l]!;
        const [A, B] = fitPlatt(oof[m]![l]!, Y[l]!);
        memberCal[m]![l] = [A, B];
        return oof[m]![l]!.map((x) => -(A * x + B));
      }),
    );
    const mixOf = (l: number, mix: number[]) => {
      if (M === 1) return logits[l]![0]!;
      const out = new Float64Array(n);
      for (let m = 0; m < M; m++) for (let i = 0; i < n; i++) out[i] = out[i]! + mix[m]! * logits[l]![m]![i]!;
      return out;
    };
    let mix = mixes[0]!;
    if (M > 1 && (opts.selectMix ?? true)) {
      let bestSum = -1;
      for (const cand of mixes) {
        let sum = 0;
        for (let l = 0; l < L; l++) sum += bestF1Value(mixOf(l, cand), Y[l]!);
        if (sum > bestSum + 1e-9) {
          bestSum = sum;
          mix = cand;
        }
      }
    }
    oofProbs = [];
    for (let l = 0; l < L; l++) {
      const margins = mixOf(l, mix);
      memberMix[l] = mix;
      calibration[l] = fitPlatt(margins, Y[l]!);
      const probs = margins.map((s) => platt(s, calibration[l]!));
      oofProbs.push(probs);
      thresholds[l] = bestF1Threshold(probs, Y[l]!, 0.5);
    }
    if (atLeastOne && (opts.catchAll ?? task === 'themes')) {
      const chosen = chooseCatchAll(oofProbs, Y, thresholds);
      if (chosen.label >= 0) {
        catchAll = chosen.label;
        thresholds[chosen.label] = chosen.threshold;
      }
    }
  }
  let fit: FitResult;
  if (M === 1 && !committee) fit = (yield* refitAll(context, [fitOpts], true))[0]!;
  else if (M === 1) {
    fit = committeeFits[0]!;
    for (const w of fit.w) pruneWeights(w, fitOpts.pruneBelow, sparseDim);
  } else {
    const fits = committee ? committeeFits : yield* refitAll(context, members, false);
    fit = { w: [], bias: [] };
    for (let l = 0; l < L; l++) {
      const w = new Float64Array(dim);
      let bias = 0;
      for (let m = 0; m < M; m++) {
        const [A, B] = innerFolds >= 2 ? memberCal[m]![l]! : [-1, 0];
        const wm = fits[m]!.w[l]!;
        const a = memberMix[l]![m]!;
        for (let c = 0; c < dim; c++) w[c] = w[c]! - a * A * wm[c]!;
        bias -= a * (A * fits[m]!.bias[l]! + B);
      }
      pruneWeights(w, fitOpts.pruneBelow, sparseDim);
      fit.w.push(w);
      fit.bias.push(bias);
    }
    if (innerFolds < 2) for (let l = 0; l < L; l++) calibration[l] = [-1, 0];
  }
  const weightScale = fit.w.map((w) => {
    let max = 0;
    for (let c = 0; c < sparseDim; c++) max = Math.max(max, Math.abs(w[c]!));
    return max > 0 ? max / 32767 : 1;
  });
  const colStart = new Int32Array(sparseDim + 1);
  const labelsOut: number[] = [];
  const valuesOut: number[] = [];
  for (let c = 0; c < sparseDim; c++) {
    colStart[c] = valuesOut.length;
    for (let l = 0; l < L; l++) {
      const v = Math.round(fit.w[l]![c]! / weightScale[l]!);
      if (v === 0) continue;
      labelsOut.push(l);
      valuesOut.push(v);
    }
  }
  colStart[sparseDim] = valuesOut.length;
  const denseWeights = new Float32Array(L * D);
  for (let l = 0; l < L; l++) for (let k = 0; k < D; k++) denseWeights[l * D + k] = fit.w[l]![sparseDim + k]!;
  const model: LinearModel = {
    kind: 'closeloop.linear-ovr',
    formatVersion: 1,
    task,
    version: opts.version ?? 'v1',
    labels,
    features,
    vocab: toBase64(data.vocabHashes),
    idf: toBase64(data.idf),
    colStart: toBase64(colStart),
    weightLabels: toBase64(Uint16Array.from(labelsOut)),
    weights: toBase64(Int16Array.from(valuesOut)),
    weightScale,
    bias: fit.bias,
    calibration,
    thresholds,
    atLeastOne,
    ...(catchAll >= 0 ? { catchAll } : {}),
    nTrain: n,
    labelCounts: Y.map((y) => y.reduce((a, b) => a + b, 0)),
    ...(denseCfg ? { embedding: { table: embeddingRef(denseCfg.table), weights: toBase64(denseWeights) } } : {}),
  };
  return { model, oofProbs };
}

// 1 + ln(tf) for the small counts nearly every feature has
const SUBLINEAR_TF = Float64Array.from({ length: 32 }, (_, n) => (n === 0 ? 0 : 1 + Math.log(n)));

/** The sublinear term weight 1 + ln n the models are trained with (tfidfRow), from a table for small counts. */
function sublinearTf(n: number): number {
  return n < SUBLINEAR_TF.length ? SUBLINEAR_TF[n]! : 1 + Math.log(n);
}

/** Calibrated probability per label for one text. */
export function scoreLinear(
  model: LinearModel,
  text: string,
  question?: string | null,
  embeddings?: WordEmbeddings | null,
): Float64Array {
  return scoreTokens(model, tokenise(text), question, embeddings);
}

/** What a model keeps per word for scoring: its character n-gram columns and their summed label weights. */
interface WordChars {
  /** vocabulary columns of the word's character n-grams (repeats kept): `colSlab[colFrom, colTo)` */
  colFrom: number;
  colTo: number;
  /**
   * where the word's row starts in `rowSlab`: per label, Σ idf × weight over its columns, i.e. the word's
   * character block at term count 1; for a model with word-embedding features, followed by the mean half of the
   * dense weights times the word's weighted table vector (its share of the mean's margin before normalisation),
   * so a text reads both from one row per word. Rows and columns live in two slabs rather than a typed array
   * each (one memory read per word instead of a chain of pointers), in single precision: the memo is read for
   * every word of every text, and twice the size was slower by more than the ~1e-7 it moves a probability by.
   */
  rowAt: number;
  /** column of the word's (non-negated) unigram, −1 if none: for explanations */
  unigram: number;
  /** explainLabels' stamp when it last looked at this word */
  stamp: number;
  /** the memo it belongs to, for the word's own slot (`WordInfo.chars`): the model's id and the memo's generation */
  owner: number;
  generation: number;
  /** the dense half of the row: 0 until first needed, 1 filled, −1 the word is not pooled */
  dense: number;
}

const WORD_CACHE_LIMIT = 20_000;
let charHashScratch = new Uint32Array(256);
let charRowScratch = new Float32Array(0);

function wordChars(model: LinearModel, c: Compiled, tok: Token): WordChars {
  const info = tok.info;
  if (info !== undefined) {
    const own = info.chars as WordChars | null;
    if (own !== null && own.owner === c.id && own.generation === c.generation) return own;
  }
  const word = tok.word;
  const hit = c.words.get(word);
  if (hit) {
    if (info !== undefined) info.chars = hit;
    return hit;
  }
  if (c.words.size >= WORD_CACHE_LIMIT) {
    // the entries still held (the text being scored, explanations) keep their unigram; their slab space is reused
    c.words.clear();
    c.generation++;
    c.colFill = 0;
    c.rowFill = 0;
  }
  const cfg = model.features;
  const need = charNgramCount(word, cfg);
  if (charHashScratch.length < need) charHashScratch = new Uint32Array(need * 2);
  const count = charNgramHashes(word, cfg, charHashScratch, 0);
  const L = model.labels.length;
  const rowLength = c.denseWeights ? 2 * L : L;
  if (c.colFill + count > c.colSlab.length) c.colSlab = grownInt32(c.colSlab, c.colFill + count);
  if (c.rowFill + rowLength > c.rowSlab.length) c.rowSlab = grownFloat32(c.rowSlab, c.rowFill + rowLength);
  const colSlab = c.colSlab;
  const colFrom = c.colFill;
  let colTo = colFrom;
  // summed in single precision, as the memo holds it
  if (charRowScratch.length !== L) charRowScratch = new Float32Array(L);
  const sums = charRowScratch.fill(0);
  for (let k = 0; k < count; k++) {
    const col = c.index.get(charHashScratch[k]!);
    if (col < 0) continue;
    colSlab[colTo++] = col;
    const v = c.idf[col]!;
    for (let e = c.colStart[col]!; e < c.colStart[col + 1]!; e++) {
      sums[c.weightLabels[e]!] = sums[c.weightLabels[e]!]! + c.weights[e]! * v;
    }
  }
  c.colFill = colTo;
  const rowAt = c.rowFill;
  c.rowSlab.set(sums, rowAt);
  c.rowFill += rowLength;
  const entry: WordChars = {
    colFrom,
    colTo,
    rowAt,
    unigram: c.index.get(wordFeatureHash(tok.stem)),
    stamp: 0,
    owner: c.id,
    generation: c.generation,
    dense: 0,
  };
  c.words.set(word, entry);
  if (info !== undefined) info.chars = entry;
  return entry;
}

function grownInt32(a: Int32Array, need: number): Int32Array {
  const grown = new Int32Array(Math.max(need, a.length * 2, 4096));
  grown.set(a);
  return grown;
}

function grownFloat32(a: Float32Array, need: number): Float32Array {
  const grown = new Float32Array(Math.max(need, a.length * 2, 4096));
  grown.set(a);
  return grown;
}

/**
 * Calibrated probability per label for an already tokenised text. Word features go from hash to column through
 * a dense scratch array (no sorting). Character n-grams, most of a text's features, are taken per word: each
 * word's summed label weights are memoised, so a text costs one row addition per word instead of a dozen
 * sparse columns; n-grams that occur more than once in the text are then corrected to the sublinear term
 * weight 1 + ln(n) the model was trained with (the result equals summing the columns, up to rounding).
 */
export function scoreTokens(
  model: LinearModel,
  tokens: Token[],
  question?: string | null,
  embeddings?: WordEmbeddings | null,
): Float64Array {
  const c = compile(model);
  const table = model.embedding ? embeddingsFor(model, c, embeddings) : null;
  const L = model.labels.length;
  const counts = c.counts;
  const { colStart, weightLabels, weights, idf } = c;
  // character block: per-word rows, columns counted for the norm and the repeats
  const charMargins = c.charMargins.fill(0);
  let normChar = 0;
  const cfg = model.features.embedding;
  // The dense block's mean half is linear in the words' vectors up to its normalising factor: with the words'
  // memo entries at hand (character n-gram models), each word's vector times those weights is memoised in the
  // entry's row, and the text adds one row of L per word instead of L × dims multiplications.
  const perWord = table !== null && c.denseWeights !== null && cfg !== undefined && cfg.sif === 0 && !cfg.negate;
  const denseMargins = c.denseMargins.fill(0);
  let rows: EmbeddingRows | null = null;
  if (model.features.charMax > 0) {
    let nt = 0;
    let touched = c.touched;
    const entries = c.lastEntries;
    entries.length = tokens.length;
    c.lastTokens = tokens;
    for (let t = 0; t < tokens.length; t++) {
      const entry = wordChars(model, c, tokens[t]!);
      entries[t] = entry;
      const colFrom = entry.colFrom;
      const colTo = entry.colTo;
      if (nt + colTo - colFrom > touched.length) {
        const grown = new Int32Array((nt + colTo - colFrom) * 2);
        grown.set(touched);
        touched = grown;
        c.touched = grown;
      }
      const colSlab = c.colSlab;
      for (let k = colFrom; k < colTo; k++) {
        const col = colSlab[k]!;
        if (counts[col] === 0) touched[nt++] = col;
        counts[col] = counts[col]! + 1;
      }
      const at = entry.rowAt;
      if (perWord && entry.dense === 0) {
        rows ??= embeddingRows(table);
        entry.dense = fillWordDenseRow(c, L, table, cfg, tableRow(rows, table, tokens[t]!), at);
      }
      const rowSlab = c.rowSlab;
      if (perWord && entry.dense > 0) {
        for (let l = 0; l < L; l++) {
          charMargins[l] = charMargins[l]! + rowSlab[at + l]!;
          denseMargins[l] = denseMargins[l]! + rowSlab[at + L + l]!;
        }
      } else for (let l = 0; l < L; l++) charMargins[l] = charMargins[l]! + rowSlab[at + l]!;
    }
    for (let k = 0; k < nt; k++) {
      const col = touched[k]!;
      const n = counts[col]!;
      counts[col] = 0;
      const tf = sublinearTf(n);
      const v = tf * idf[col]!;
      normChar += v * v;
      if (n > 1) {
        const correction = (tf - n) * idf[col]!;
        for (let e = colStart[col]!; e < colStart[col + 1]!; e++) {
          const l = weightLabels[e]!;
          charMargins[l] = charMargins[l]! + weights[e]! * correction;
        }
      }
    }
  }
  // word block: columns counted, then sublinear TF × IDF
  const { hashes, length } = collectHashes(tokens, question, model.features, false);
  if (c.touched.length < length) c.touched = new Int32Array(length * 2);
  const touched = c.touched;
  let nt = 0;
  for (let i = 0; i < length; i++) {
    const col = c.index.get(hashes[i]!);
    if (col < 0) continue;
    if (counts[col] === 0) touched[nt++] = col;
    counts[col] = counts[col]! + 1;
  }
  let normWord = 0;
  for (let k = 0; k < nt; k++) {
    const col = touched[k]!;
    const n = counts[col]!;
    const v = sublinearTf(n) * idf[col]!;
    counts[col] = v;
    normWord += v * v;
  }
  const charWeight = model.features.charWeight;
  const wChar = normWord === 0 ? 1 : normChar === 0 ? 0 : charWeight;
  const scaleWord = normWord > 0 ? Math.sqrt((1 - wChar) / normWord) : 0;
  const scaleChar = normChar > 0 ? Math.sqrt(wChar / normChar) : 0;
  const margins = c.bias.slice();
  for (let k = 0; k < nt; k++) {
    const col = touched[k]!;
    const v = counts[col]! * scaleWord;
    counts[col] = 0;
    const end = colStart[col + 1]!;
    for (let e = colStart[col]!; e < end; e++) {
      const l = weightLabels[e]!;
      margins[l] = margins[l]! + weights[e]! * v;
    }
  }
  for (let l = 0; l < L; l++) margins[l] = margins[l]! + scaleChar * charMargins[l]!;
  if (table && c.denseWeights && cfg) {
    const { vector: x, meanScale } = documentVector(tokens, cfg, table);
    const D = x.length;
    const dw = c.denseWeights;
    const summed = perWord && model.features.charMax > 0;
    const from = summed ? table.dims : 0;
    if (summed && meanScale !== 0) {
      for (let l = 0; l < L; l++) margins[l] = margins[l]! + meanScale * denseMargins[l]!;
    }
    for (let l = 0; l < L; l++) {
      // four running sums: one would wait on each addition
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      const base = l * D;
      let k = from;
      for (; k + 3 < D; k += 4) {
        s0 += dw[base + k]! * x[k]!;
        s1 += dw[base + k + 1]! * x[k + 1]!;
        s2 += dw[base + k + 2]! * x[k + 2]!;
        s3 += dw[base + k + 3]! * x[k + 3]!;
      }
      for (; k < D; k++) s0 += dw[base + k]! * x[k]!;
      margins[l] = margins[l]! + (s0 + s1 + (s2 + s3));
    }
  }
  for (let l = 0; l < L; l++) margins[l] = platt(margins[l]!, model.calibration[l]!);
  return margins;
}

/**
 * Per label, the dense weights' mean half times the word's weighted vector, into the word's row from index L on; 1 when
 * filled, −1 for a word not pooled.
 */
function fillWordDenseRow(
  c: Compiled,
  L: number,
  table: WordEmbeddings,
  cfg: EmbeddingFeatureConfig,
  r: number | undefined,
  rowAt: number,
): number {
  if (r === undefined || r < (cfg.skipTop ?? 0)) return -1;
  const row = c.rowSlab;
  const dims = table.dims;
  const D = denseLength(cfg, dims);
  const w = table.scales[r]!;
  const base = r * dims;
  const dw = c.denseWeights!;
  for (let l = 0; l < L; l++) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += dw[l * D + d]! * table.vectors[base + d]!;
    row[rowAt + L + l] = w * s;
  }
  return 1;
}

/** The table a model with embedding features needs, checked once per table (a mismatch throws). */
function embeddingsFor(model: LinearModel, c: Compiled, given: WordEmbeddings | null | undefined): WordEmbeddings {
  if (given && c.checkedTable === given) return given;
  const table = checkEmbeddings(model.embedding!.table, given);
  c.checkedTable = table;
  return table;
}

/** True when the model was trained with word-embedding features and needs the table to predict. */
export function needsEmbeddings(model: LinearModel): EmbeddingRef | null {
  return model.embedding?.table ?? null;
}

/** Labels whose probability passes the label's threshold (the best one if none does and the model learnt that every item has a label). */
export function decideLabels(model: LinearModel, probs: ArrayLike<number>): string[] {
  const out: string[] = [];
  let best = -1;
  let bestRatio = -Infinity;
  for (let l = 0; l < model.labels.length; l++) {
    const p = probs[l]!;
    const thr = model.thresholds[l]!;
    if (p >= thr) out.push(model.labels[l]!);
    const ratio = p / thr;
    if (ratio > bestRatio) {
      bestRatio = ratio;
      best = l;
    }
  }
  if (out.length === 0 && model.atLeastOne && best >= 0) {
    const fallback = model.catchAll !== undefined && model.labels[model.catchAll] !== undefined ? model.catchAll : best;
    out.push(model.labels[fallback]!);
  }
  return out;
}

export function trainThemeModel(examples: TrainingExample[], opts: TrainOptions = {}): ThemeModel {
  return trainLinearModel(examples, 'themes', opts).model;
}

export function predictThemes(
  model: ThemeModel,
  text: string,
  question?: string | null,
  embeddings?: WordEmbeddings | null,
): { scores: Record<string, number>; predicted: string[] } {
  const probs = scoreLinear(model, text, question, embeddings);
  const scores: Record<string, number> = {};
  model.labels.forEach((l, i) => {
    scores[l] = probs[i]!;
  });
  return { scores, predicted: decideLabels(model, probs) };
}

/** The words of the text that pushed a label up most (positive weight × presence), best first. */
export function explainLabel(model: LinearModel, label: string, text: string | Token[], limit = 3): string[] {
  return explainLabels(model, [label], text, limit)[0]!;
}

/**
 * `explainLabel` for several labels in one pass over the text: per label, the non-negated words whose unigram
 * has the largest positive weight × IDF, best first (ties in text order).
 */
export function explainLabels(
  model: LinearModel,
  labels: readonly string[],
  text: string | Token[],
  limit = 3,
): string[][] {
  const c = compile(model);
  const tokens = typeof text === 'string' ? tokenise(text) : text;
  const slot = new Int32Array(model.labels.length).fill(-1);
  labels.forEach((label, k) => {
    const l = model.labels.indexOf(label);
    if (l >= 0) slot[l] = k;
  });
  const words: string[][] = labels.map(() => []);
  const contributions: number[][] = labels.map(() => []);
  // each distinct word once: the character memo entries carry a stamp (the entries of the text just scored are
  // reused); without character n-grams, a set of the words seen
  const chars = model.features.charMax > 0;
  const stamp = ++c.explainStamp;
  const reuse = chars && c.lastTokens === tokens;
  const looked = chars ? null : new Set<string>();
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (tok.negated) continue;
    let col: number;
    if (chars) {
      const entry = reuse ? c.lastEntries[t]! : wordChars(model, c, tok);
      if (entry.stamp === stamp) continue;
      entry.stamp = stamp;
      col = entry.unigram;
    } else {
      if (looked!.has(tok.word)) continue;
      looked!.add(tok.word);
      col = c.index.get(wordFeatureHash(tok.stem));
    }
    if (col < 0) continue;
    for (let e = c.colStart[col]!; e < c.colStart[col + 1]!; e++) {
      const k = slot[c.weightLabels[e]!]!;
      if (k < 0) continue;
      const contribution = c.weights[e]! * c.idf[col]!;
      if (contribution > 0) {
        words[k]!.push(tok.word);
        contributions[k]!.push(contribution);
      }
    }
  }
  return words.map((ws, k) => {
    const cs = contributions[k]!;
    return ws
      .map((_, i) => i)
      .sort((a, b) => cs[b]! - cs[a]!)
      .slice(0, limit)
      .map((i) => ws[i]!);
  });
}

/** Checks that a parsed JSON value has the shape of a model this code can use. */
export function isLinearModel(value: unknown): value is LinearModel {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<LinearModel>;
  return (
    m.kind === 'closeloop.linear-ovr' &&
    m.formatVersion === 1 &&
    Array.isArray(m.labels) &&
    typeof m.vocab === 'string' &&
    typeof m.weights === 'string' &&
    typeof m.weightLabels === 'string' &&
    typeof m.colStart === 'string' &&
    Array.isArray(m.thresholds) &&
    m.thresholds.length === m.labels.length &&
    (m.embedding === undefined ||
      (typeof m.embedding.weights === 'string' &&
        typeof m.embedding.table?.hash === 'string' &&
        typeof m.embedding.table.dims === 'number'))
  );
}
