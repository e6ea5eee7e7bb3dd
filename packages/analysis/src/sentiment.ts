import { type LinearModel, scoreTokens, type TrainOptions, trainLinearModel } from './classifier.ts';
import type { WordEmbeddings } from './embeddings.ts';
import { lexiconValence, normaliseValence } from './lexicon.ts';
import { type Token, tokenise } from './tokenise.ts';

export const SENTIMENT_CLASSES = ['very_negative', 'negative', 'neutral', 'positive', 'very_positive'] as const;
export type SentimentClass = (typeof SENTIMENT_CLASSES)[number];

export interface Sentiment {
  score: number;
  class: SentimentClass;
}

/** A trained sentiment model: a one-vs-rest model over the five classes plus per-class decision weights. */
export interface SentimentModel {
  kind: 'closeloop.sentiment';
  formatVersion: 1;
  model: LinearModel;
  /** multipliers on class probabilities before the argmax, tuned for macro-F1 on out-of-fold predictions */
  classWeights: number[];
}

// Position of each class on the [-1, 1] score scale.
const CLASS_SCORE: Record<SentimentClass, number> = {
  very_negative: -1,
  negative: -0.5,
  neutral: 0,
  positive: 0.5,
  very_positive: 1,
};

export function classOfScore(score: number): SentimentClass {
  if (score <= -0.6) return 'very_negative';
  if (score <= -0.15) return 'negative';
  if (score < 0.15) return 'neutral';
  if (score < 0.6) return 'positive';
  return 'very_positive';
}

/** Lexicon-only sentiment: works out of the box, in English and (partly) Welsh. */
export function lexiconSentiment(text: string | Token[]): Sentiment {
  const score = normaliseValence(lexiconValence(typeof text === 'string' ? tokenise(text) : text).sum);
  return { score, class: classOfScore(score) };
}

function macroF1(gold: Int32Array, pred: Int32Array, k: number): number {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      if (pred[i] === c && gold[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (gold[i] === c) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / k;
}

function argmaxWeighted(probs: ArrayLike<number>, weights: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < weights.length; c++) if (probs[c]! * weights[c]! > probs[best]! * weights[best]!) best = c;
  return best;
}

/** Coordinate ascent on per-class multipliers so the argmax maximises macro-F1 (rare classes get their share). */
function tuneClassWeights(oof: Float64Array[], gold: Int32Array): number[] {
  const k = oof.length;
  const n = gold.length;
  const weights = new Array<number>(k).fill(1);
  const pred = new Int32Array(n);
  const row = new Float64Array(k);
  const evaluate = (): number => {
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) row[c] = oof[c]![i]!;
      pred[i] = argmaxWeighted(row, weights);
    }
    return macroF1(gold, pred, k);
  };
  let best = evaluate();
  const grid = [0.5, 0.7, 0.85, 1, 1.2, 1.5, 2, 2.5, 3, 4];
  for (let round = 0; round < 3; round++) {
    for (let c = 0; c < k; c++) {
      const keep = weights[c]!;
      let bestW = keep;
      for (const g of grid) {
        weights[c] = g;
        const f = evaluate();
        if (f > best + 1e-9) {
          best = f;
          bestW = g;
        }
      }
      weights[c] = bestW;
    }
  }
  return weights;
}

export interface SentimentExample {
  text: string;
  sentiment: SentimentClass;
  question?: string | null;
}

/** Trains a sentiment model from labelled items (e.g. staff-confirmed sentiment). */
export function trainSentimentModel(examples: SentimentExample[], opts: TrainOptions = {}): SentimentModel {
  const { model, oofProbs } = trainLinearModel(
    examples.map((e) => ({ text: e.text, question: e.question, labels: [e.sentiment] })),
    'sentiment',
    // Lexicon buckets help; character n-grams do not (5-fold CV on the FFT data, fold seeds 42 and 7: macro-F1
    // 0.631 and 0.627 without them, 0.621 and 0.623 with 3–4-grams) and cost a third of the pipeline's time.
    { C: 0.2, ...opts, features: { lexicon: true, charMax: 0, ...opts.features } },
  );
  let classWeights = model.labels.map(() => 1);
  if (oofProbs) {
    const gold = Int32Array.from(examples, (e) => model.labels.indexOf(e.sentiment));
    classWeights = tuneClassWeights(oofProbs, gold);
  }
  return { kind: 'closeloop.sentiment', formatVersion: 1, model, classWeights };
}

/**
 * Class from the trained model; score = the model's expected class position blended with the lexicon
 * score, so texts the model has little to say about still get a graded score.
 */
export function predictSentiment(
  model: SentimentModel,
  text: string | Token[],
  question?: string | null,
  embeddings?: WordEmbeddings | null,
): Sentiment & { probabilities: Record<string, number> } {
  const tokens = typeof text === 'string' ? tokenise(text) : text;
  const probs = scoreTokens(model.model, tokens, question, embeddings);
  const best = argmaxWeighted(probs, model.classWeights);
  let total = 0;
  let expected = 0;
  const probabilities: Record<string, number> = {};
  model.model.labels.forEach((label, c) => {
    const p = probs[c]!;
    total += p;
    expected += p * (CLASS_SCORE[label as SentimentClass] ?? 0);
    probabilities[label] = p;
  });
  const modelScore = total > 0 ? expected / total : 0;
  const lex = lexiconSentiment(tokens).score;
  const score = Math.max(-1, Math.min(1, 0.8 * modelScore + 0.2 * lex));
  const label = model.model.labels[best] as SentimentClass | undefined;
  return { score, class: label ?? classOfScore(score), probabilities };
}

/** Sentiment with the model when one is given, else from the lexicon. */
export function analyseSentiment(
  text: string | Token[],
  model?: SentimentModel | null,
  question?: string | null,
  embeddings?: WordEmbeddings | null,
): Sentiment {
  if (!model) return lexiconSentiment(text);
  const { score, class: cls } = predictSentiment(model, text, question, embeddings);
  return { score, class: cls };
}

/** Maps the 1–5 survey scale where 1 = very positive and 5 = very negative (as in the FFT data). */
export function classFromFivePoint(value: number): SentimentClass | null {
  const map: Record<number, SentimentClass> = {
    1: 'very_positive',
    2: 'positive',
    3: 'neutral',
    4: 'negative',
    5: 'very_negative',
  };
  return map[value] ?? null;
}

export function fivePointFromClass(cls: SentimentClass): number {
  return 5 - SENTIMENT_CLASSES.indexOf(cls);
}
