import type { PiiSpan, PiiType } from './pii/types.ts';
import { detectPii } from './pii.ts';

export interface PiiEvalRow {
  id: string;
  text: string;
  spans: { start: number; end: number; type: string }[];
}

export interface PiiTypeScores {
  precision: number;
  recall: number;
  f2: number;
  support: number;
}

export interface PiiEvalResult {
  n_test: number;
  precision: number;
  recall: number;
  f2: number;
  per_type: Record<string, PiiTypeScores>;
}

/** Presidio / presidio-research entity names mapped to ours; gold spans may use either vocabulary. */
const FROM_PRESIDIO: Record<string, PiiType> = {
  PERSON: 'name',
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone',
  STREET_ADDRESS: 'address',
  CREDIT_CARD: 'card',
  IBAN_CODE: 'iban',
  IP_ADDRESS: 'ip_address',
  US_SSN: 'ssn',
  ZIP_CODE: 'zip_code',
  UK_NHS: 'nhs_number',
  UK_NINO: 'ni_number',
  UK_POSTCODE: 'postcode',
};

const OUR_TYPES = new Set<string>([
  'name',
  'email',
  'phone',
  'address',
  'postcode',
  'nhs_number',
  'ni_number',
  'card',
  'iban',
  'bank_account',
  'sort_code',
  'ip_address',
  'date_of_birth',
  'ssn',
  'zip_code',
]);

/** Our type for a gold label, or null when the label is outside the scored set (ORGANIZATION, GPE, …). */
export function goldType(label: string): PiiType | null {
  if (OUR_TYPES.has(label)) return label as PiiType;
  return FROM_PRESIDIO[label] ?? null;
}

export function iou(a: { start: number; end: number }, b: { start: number; end: number }): number {
  const inter = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  if (inter <= 0) return 0;
  const union = Math.max(a.end, b.end) - Math.min(a.start, b.start);
  return inter / union;
}

function fBeta(precision: number, recall: number, beta: number): number {
  const b2 = beta * beta;
  const denom = b2 * precision + recall;
  return denom === 0 ? 0 : ((1 + b2) * precision * recall) / denom;
}

const IOU_THRESHOLD = 0.5;

interface Counts {
  predicted: number;
  predictedMatched: number;
  gold: number;
  goldMatched: number;
}

function emptyCounts(): Counts {
  return { predicted: 0, predictedMatched: 0, gold: 0, goldMatched: 0 };
}

export interface PiiRowOutcome {
  id: string;
  predicted: PiiSpan[];
  /** Indexes into `predicted` matched to a scored gold span. */
  matchedPredictions: number[];
  /** Indexes into `predicted` overlapping only an unscored gold span: neither true nor false. */
  ignoredPredictions: number[];
  /** Indexes into the row's gold spans that no prediction matched (scored types only). */
  missedGold: number[];
}

/** Scores one row: one-to-one matching of predictions and gold spans at IoU ≥ 0.5, best overlaps first. */
export function matchRow(row: PiiEvalRow, predicted: PiiSpan[]): PiiRowOutcome {
  const pairs: { p: number; g: number; v: number }[] = [];
  for (let p = 0; p < predicted.length; p++) {
    for (let g = 0; g < row.spans.length; g++) {
      const v = iou(predicted[p]!, row.spans[g]!);
      if (v >= IOU_THRESHOLD) pairs.push({ p, g, v });
    }
  }
  pairs.sort((a, b) => b.v - a.v);
  const predTaken = new Map<number, number>();
  const goldTaken = new Set<number>();
  for (const { p, g } of pairs) {
    if (predTaken.has(p) || goldTaken.has(g)) continue;
    if (goldType(row.spans[g]!.type) === null) continue;
    predTaken.set(p, g);
    goldTaken.add(g);
  }
  const matchedPredictions: number[] = [];
  const ignoredPredictions: number[] = [];
  for (let p = 0; p < predicted.length; p++) {
    if (predTaken.has(p)) matchedPredictions.push(p);
    else if (pairs.some((x) => x.p === p && goldType(row.spans[x.g]!.type) === null)) ignoredPredictions.push(p);
  }
  const missedGold: number[] = [];
  row.spans.forEach((s, g) => {
    if (goldType(s.type) !== null && !goldTaken.has(g)) missedGold.push(g);
  });
  return { id: row.id, predicted, matchedPredictions, ignoredPredictions, missedGold };
}

/**
 * Span-level PII scores: type-agnostic headline (any PII type matching any scored gold span), plus recall per gold
 * type and precision per predicted type, keyed by our type names. F2 weighs recall over precision (beta = 2).
 */
export function evalPii(rows: PiiEvalRow[], detect: (text: string) => PiiSpan[] = detectPii): PiiEvalResult {
  const total = emptyCounts();
  const perType = new Map<string, Counts>();
  const counts = (t: string): Counts => {
    let c = perType.get(t);
    if (!c) {
      c = emptyCounts();
      perType.set(t, c);
    }
    return c;
  };
  for (const row of rows) {
    const predicted = detect(row.text);
    const outcome = matchRow(row, predicted);
    const matched = new Set(outcome.matchedPredictions);
    const ignored = new Set(outcome.ignoredPredictions);
    predicted.forEach((p, i) => {
      if (ignored.has(i)) return;
      total.predicted++;
      counts(p.type).predicted++;
      if (matched.has(i)) {
        total.predictedMatched++;
        counts(p.type).predictedMatched++;
      }
    });
    const missed = new Set(outcome.missedGold);
    row.spans.forEach((s, g) => {
      const t = goldType(s.type);
      if (t === null) return;
      total.gold++;
      counts(t).gold++;
      if (!missed.has(g)) {
        total.goldMatched++;
        counts(t).goldMatched++;
      }
    });
  }
  const score = (c: Counts): { precision: number; recall: number; f2: number } => {
    const precision = c.predicted === 0 ? (c.gold === 0 ? 1 : 0) : c.predictedMatched / c.predicted;
    const recall = c.gold === 0 ? 1 : c.goldMatched / c.gold;
    return { precision, recall, f2: fBeta(precision, recall, 2) };
  };
  const per_type: Record<string, PiiTypeScores> = {};
  for (const [t, c] of [...perType.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    per_type[t] = { ...score(c), support: c.gold };
  }
  return { n_test: rows.length, ...score(total), per_type };
}
