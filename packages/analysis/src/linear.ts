// Numeric core of the classifiers: a hash → column index, TF-IDF rows, an L2-loss linear SVM trained by
// dual coordinate descent (Hsieh et al. 2008, as in liblinear), Platt calibration and F1 threshold search.

export interface SparseRow {
  idx: Int32Array;
  val: Float32Array;
}

/**
 * Open-addressing map from a 32-bit feature hash to its column. Key and column sit side by side in one array
 * so a lookup touches one cache line: with a large vocabulary, cache misses are the cost of scoring.
 */
export class HashIndex {
  /** [hash, column + 1] pairs; column + 1 = 0 marks an empty slot */
  readonly slots: Int32Array;
  readonly mask: number;

  constructor(hashes: Uint32Array) {
    let size = 16;
    while (size < hashes.length * 2) size *= 2;
    this.slots = new Int32Array(size * 2);
    this.mask = size - 1;
    for (let c = 0; c < hashes.length; c++) {
      const h = hashes[c]! | 0;
      let slot = Math.imul(h, 0x9e3779b1) & this.mask;
      while (this.slots[slot * 2 + 1] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot * 2] = h;
      this.slots[slot * 2 + 1] = c + 1;
    }
  }

  get(hash: number): number {
    const h = hash | 0;
    const slots = this.slots;
    let slot = Math.imul(h, 0x9e3779b1) & this.mask;
    for (;;) {
      const c = slots[slot * 2 + 1]!;
      if (c === 0) return -1;
      if (slots[slot * 2] === h) return c - 1;
      slot = (slot + 1) & this.mask;
    }
  }
}

/**
 * Sublinear TF × IDF over known columns. Word features (even hash) and character n-grams (odd hash) are
 * L2-normalised separately and weighted so that the character block carries `charWeight` of the squared norm.
 */
export function tfidfRow(
  hashes: Uint32Array,
  counts: Float32Array,
  index: HashIndex,
  idf: Float32Array,
  charWeight = 0.5,
): SparseRow {
  const idx: number[] = [];
  const val: number[] = [];
  const isChar: boolean[] = [];
  let normWord = 0;
  let normChar = 0;
  for (let i = 0; i < hashes.length; i++) {
    const h = hashes[i]!;
    const c = index.get(h);
    if (c < 0) continue;
    const v = (1 + Math.log(counts[i]!)) * idf[c]!;
    idx.push(c);
    val.push(v);
    const ch = (h & 1) === 1;
    isChar.push(ch);
    if (ch) normChar += v * v;
    else normWord += v * v;
  }
  const row: SparseRow = { idx: Int32Array.from(idx), val: Float32Array.from(val) };
  const wChar = normWord === 0 ? 1 : normChar === 0 ? 0 : charWeight;
  const scaleWord = normWord > 0 ? Math.sqrt((1 - wChar) / normWord) : 0;
  const scaleChar = normChar > 0 ? Math.sqrt(wChar / normChar) : 0;
  for (let i = 0; i < row.val.length; i++) row.val[i] = row.val[i]! * (isChar[i] ? scaleChar : scaleWord);
  return row;
}

/** Small deterministic PRNG (mulberry32) so that training is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace(arr: Int32Array | number[], rand: () => number): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = t;
  }
}

export interface SvmOptions {
  C: number;
  /** Extra weight on positives: C+ = C × posWeight. */
  posWeight: number;
  maxEpochs: number;
  tolerance: number;
  seed: number;
  /** per-column multiplier applied to the inputs (NB log-count ratios); the returned weights include it */
  featureScale?: Float64Array;
  /**
   * prior weights (in the scaled space when featureScale is given): the solution then minimises
   * ½‖w − prior‖² + C·Σ loss instead of ½‖w‖² + C·Σ loss (dual coordinate descent started from w = prior)
   */
  prior?: Float64Array;
}

/**
 * Binary L2-regularised, L2-loss SVM in the dual. Returns weights (length dim) and bias.
 *
 * With a feature scale r the problem is solved on x ∘ r without copying the rows: the solver keeps
 * u = w_r ∘ r (w_r: the weights on the scaled inputs), so the margin is u · x and an update adds d · r² ∘ x;
 * u is then already the weight vector on the unscaled inputs.
 */
export function trainBinarySvm(
  rows: SparseRow[],
  positive: Uint8Array,
  dim: number,
  opts: SvmOptions,
): { w: Float64Array; bias: number } {
  const n = rows.length;
  // w holds u (see above): a prior given in the scaled space starts it at prior ∘ r
  const w = new Float64Array(dim);
  if (opts.prior) for (let c = 0; c < dim; c++) w[c] = opts.prior[c]! * (opts.featureScale?.[c] ?? 1);
  let bias = 0;
  const alpha = new Float64Array(n);
  const diag = new Float64Array(n);
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    let xx = 1; // bias feature
    for (let k = 0; k < row.val.length; k++) xx += row.val[k]! * row.val[k]!;
    diag[i] = 0.5 / (positive[i] ? opts.C * opts.posWeight : opts.C);
    qd[i] = xx + diag[i]!;
  }
  const scale = opts.featureScale;
  if (scale) {
    // Train on x ∘ r without copying the rows: r is applied inside the loops and folded into w at the end.
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      let xx = 1;
      for (let k = 0; k < row.val.length; k++) {
        const v = row.val[k]! * scale[row.idx[k]!]!;
        xx += v * v;
      }
      qd[i] = xx + diag[i]!;
    }
  }
  const r2 = new Float64Array(dim).fill(1);
  if (scale) for (let c = 0; c < dim; c++) r2[c] = scale[c]! * scale[c]!;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rand = rng(opts.seed);
  // Shrinking as in liblinear: a row at alpha = 0 whose gradient is above the last pass's largest projected
  // gradient is left out of the following passes (most negatives of a rare label, after a pass or two); when the
  // active rows have converged, every row is checked once more before stopping.
  let active = n;
  let pgMaxOld = Infinity;
  for (let epoch = 0; epoch < opts.maxEpochs; epoch++) {
    shuffleInPlace(order.subarray(0, active), rand);
    let maxPG = -Infinity;
    let minPG = Infinity;
    for (let o = 0; o < active; o++) {
      const i = order[o]!;
      const row = rows[i]!;
      const idx = row.idx;
      const val = row.val;
      const y = positive[i] ? 1 : -1;
      let dot = bias;
      for (let k = 0; k < idx.length; k++) dot += w[idx[k]!]! * val[k]!;
      const a = alpha[i]!;
      const g = y * dot - 1 + a * diag[i]!;
      let pg = g;
      if (a === 0) {
        if (g > pgMaxOld) {
          active--;
          order[o] = order[active]!;
          order[active] = i;
          o--;
          continue;
        }
        if (g > 0) pg = 0;
      }
      if (pg > maxPG) maxPG = pg;
      if (pg < minPG) minPG = pg;
      if (Math.abs(pg) > 1e-12) {
        const next = Math.max(a - g / qd[i]!, 0);
        const d = (next - a) * y;
        alpha[i] = next;
        if (scale) {
          for (let k = 0; k < idx.length; k++) {
            const c = idx[k]!;
            w[c] = w[c]! + d * r2[c]! * val[k]!;
          }
        } else for (let k = 0; k < idx.length; k++) w[idx[k]!] = w[idx[k]!]! + d * val[k]!;
        bias += d;
      }
    }
    if (maxPG - minPG <= opts.tolerance) {
      if (active === n) break;
      active = n;
      pgMaxOld = Infinity;
      continue;
    }
    pgMaxOld = maxPG > 0 ? maxPG : Infinity;
  }
  return { w, bias };
}

export function decision(row: SparseRow, w: Float64Array | Float32Array, bias: number): number {
  let s = bias;
  for (let k = 0; k < row.idx.length; k++) s += w[row.idx[k]!]! * row.val[k]!;
  return s;
}

/** Platt scaling: fits P(y=1|f) = 1 / (1 + exp(A f + B)) by Newton's method (Lin, Lin & Weng 2007). */
export function fitPlatt(scores: ArrayLike<number>, positive: ArrayLike<number>): [number, number] {
  const n = scores.length;
  let prior1 = 0;
  for (let i = 0; i < n; i++) if (positive[i]) prior1++;
  const prior0 = n - prior1;
  const hiTarget = (prior1 + 1) / (prior1 + 2);
  const loTarget = 1 / (prior0 + 2);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = positive[i] ? hiTarget : loTarget;
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  const objective = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const fApB = scores[i]! * a + b;
      f += fApB >= 0 ? t[i]! * fApB + Math.log1p(Math.exp(-fApB)) : (t[i]! - 1) * fApB + Math.log1p(Math.exp(fApB));
    }
    return f;
  };
  let fval = objective(A, B);
  for (let iter = 0; iter < 100; iter++) {
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const fApB = scores[i]! * A + B;
      const p = fApB >= 0 ? Math.exp(-fApB) / (1 + Math.exp(-fApB)) : 1 / (1 + Math.exp(fApB));
      const q = 1 - p;
      const d2 = p * q;
      h11 += scores[i]! * scores[i]! * d2;
      h22 += d2;
      h21 += scores[i]! * d2;
      const d1 = t[i]! - p;
      g1 += scores[i]! * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    let improved = false;
    while (step >= 1e-10) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const nf = objective(nA, nB);
      if (nf < fval + 1e-4 * step * gd) {
        A = nA;
        B = nB;
        fval = nf;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  return [A, B];
}

export function platt(score: number, ab: readonly [number, number]): number {
  const z = score * ab[0] + ab[1];
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

/** The probability threshold that maximises F1 on (probability, truth) pairs; `fallback` with too few positives. */
export function bestF1Threshold(probs: ArrayLike<number>, positive: ArrayLike<number>, fallback: number): number {
  const n = probs.length;
  let totalPos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) totalPos++;
  if (totalPos < 3) return fallback;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b]! - probs[a]!);
  let tp = 0;
  let best = -1;
  let bestThr = fallback;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (positive[i]) tp++;
    const next = k + 1 < n ? probs[order[k + 1]!]! : 0;
    if (next === probs[i]) continue; // only cut between distinct values
    const f1 = (2 * tp) / (k + 1 + totalPos);
    if (f1 > best) {
      best = f1;
      bestThr = (probs[i]! + next) / 2;
    }
  }
  return Math.min(Math.max(bestThr, 0.02), 0.98);
}

/**
 * Sum of per-label F1 under the decision rule: labels passing their threshold; when none passes and
 * `atLeastOne`, the `fallback` label (≥ 0) or else the label with the best probability / threshold ratio.
 */
export function sumF1UnderRule(
  probs: Float64Array[],
  positive: Uint8Array[],
  thr: number[],
  atLeastOne: boolean,
  fallback: number,
): number {
  const L = probs.length;
  const n = L > 0 ? probs[0]!.length : 0;
  const tp = new Float64Array(L);
  const fp = new Float64Array(L);
  const pos = new Float64Array(L);
  for (let i = 0; i < n; i++) {
    let any = false;
    let best = -1;
    let bestRatio = -Infinity;
    for (let k = 0; k < L; k++) {
      const p = probs[k]![i]!;
      if (positive[k]![i]) pos[k] = pos[k]! + 1;
      if (p >= thr[k]!) {
        any = true;
        if (positive[k]![i]) tp[k] = tp[k]! + 1;
        else fp[k] = fp[k]! + 1;
      }
      if (p / thr[k]! > bestRatio) {
        bestRatio = p / thr[k]!;
        best = k;
      }
    }
    if (!any && atLeastOne) {
      const k = fallback >= 0 ? fallback : best;
      if (k < 0) continue;
      if (positive[k]![i]) tp[k] = tp[k]! + 1;
      else fp[k] = fp[k]! + 1;
    }
  }
  let sum = 0;
  for (let k = 0; k < L; k++) sum += tp[k] === 0 ? 0 : (2 * tp[k]!) / (tp[k]! + fp[k]! + pos[k]!);
  return sum;
}

/**
 * A catch-all label ("none of the others"), learned from the training rows: among labels that are frequent
 * (≥ 5 % of rows) and mostly the only label of their rows (≥ 60 %), the one that, predicted whenever no label
 * passes its threshold (with its own threshold re-tuned for that rule), gives the best out-of-fold sum of F1 —
 * if that beats the plain rule. Returns the label index (−1 for none) and its threshold.
 */
export function chooseCatchAll(
  probs: Float64Array[],
  positive: Uint8Array[],
  thr: number[],
): { label: number; threshold: number } {
  const L = probs.length;
  const n = L > 0 ? probs[0]!.length : 0;
  let best = { label: -1, threshold: 0.5 };
  if (n === 0 || L < 2) return best;
  let bestScore = sumF1UnderRule(probs, positive, thr, true, -1);
  for (let c = 0; c < L; c++) {
    let count = 0;
    let alone = 0;
    for (let i = 0; i < n; i++) {
      if (!positive[c]![i]) continue;
      count++;
      let others = 0;
      for (let k = 0; k < L; k++) if (k !== c) others += positive[k]![i]!;
      if (others === 0) alone++;
    }
    if (count < 0.05 * n || alone < 0.6 * count) continue;
    const trial = thr.slice();
    for (let t = 0.1; t < 0.97; t += 0.02) {
      trial[c] = Math.round(t * 100) / 100;
      const score = sumF1UnderRule(probs, positive, trial, true, c);
      if (score > bestScore + 1e-9) {
        bestScore = score;
        best = { label: c, threshold: trial[c]! };
      }
    }
  }
  return best;
}
