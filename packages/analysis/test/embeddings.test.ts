import { describe, expect, it } from 'vitest';
import {
  isLinearModel,
  type LinearModel,
  predictThemes,
  scoreLinear,
  type TrainingExample,
  trainThemeModel,
} from '../src/classifier.ts';
import {
  DEFAULT_EMBEDDING_FEATURES,
  denseFeatures,
  denseLength,
  EmbeddingMismatchError,
  embeddingRef,
  embeddingRows,
  embeddingsFromVectors,
  type WordEmbeddings,
} from '../src/embeddings.ts';
import { createAnalyser } from '../src/pipeline.ts';
import { trainSentimentModel } from '../src/sentiment.ts';
import { tokenise } from '../src/tokenise.ts';

// A tiny table: one direction per topic (vehicles, meals, clinicians), other words spread over the rest.
function table(name = 'test-table', shift = 0): WordEmbeddings {
  const dims = 8;
  const topic: Record<string, number> = {
    car: 0,
    parking: 0,
    automobile: 0,
    vehicle: 0,
    food: 1,
    lunch: 1,
    cuisine: 1,
    supper: 1,
    nurse: 2,
    doctor: 2,
    surgeon: 2,
    physician: 2,
  };
  const fillers = ['the', 'at', 'was', 'in', 'a', 'near', 'clinic', 'hospital', 'library', 'centre', 'ward', 'fine'];
  const entries: [string, number[]][] = [];
  let seed = 7 + shift;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed / 4294967296 - 0.5) * 0.2;
  };
  // ordered by frequency like a real table: function words first (the default skips the top 100 rows)
  fillers.forEach((word, i) => {
    entries.push([word, Array.from({ length: dims }, (_, k) => (k === 3 + (i % 5) ? 1 : 0) + noise())]);
  });
  for (let i = entries.length; i < 100; i++) entries.push([`filler${i}`, Array.from({ length: dims }, noise)]);
  for (const [word, d] of Object.entries(topic)) {
    entries.push([word, Array.from({ length: dims }, (_, k) => (k === d ? 1 : 0) + noise())]);
  }
  return embeddingsFromVectors(name, entries);
}

const templates: Record<string, string[]> = {
  parking: ['the car at the {x}', 'parking near the {x}', 'a car in the {x}'],
  food: ['the food at the {x}', 'lunch in the {x}', 'food near the {x}'],
  staff: ['the nurse at the {x}', 'a doctor in the {x}', 'the nurse near the {x}'],
};
const places = ['clinic', 'hospital', 'library', 'centre', 'ward'];

function examples(): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (const [label, list] of Object.entries(templates)) {
    for (const t of list) for (const p of places) out.push({ text: t.replace('{x}', p), labels: [label] });
  }
  return out;
}

// words never seen in training, each a near neighbour of a trained word in the table
const unseen: [string, string][] = [
  ['the automobile was fine', 'parking'],
  ['the vehicle was fine', 'parking'],
  ['the cuisine was fine', 'food'],
  ['the supper was fine', 'food'],
  ['the surgeon was fine', 'staff'],
  ['the physician was fine', 'staff'],
];

describe('word-embedding features', () => {
  it('classify unseen synonyms by their neighbours in the table, which the bag of n-grams cannot', () => {
    const emb = table();
    const withEmb = trainThemeModel(examples(), { embeddings: emb });
    const without = trainThemeModel(examples());
    const rightWith = unseen.filter(([text, label]) => predictThemes(withEmb, text, null, emb).predicted[0] === label);
    const rightWithout = unseen.filter(([text, label]) => predictThemes(without, text).predicted[0] === label);
    expect(rightWith.length).toBe(unseen.length);
    expect(rightWithout.length).toBeLessThanOrEqual(2);
    for (const [text, label] of unseen) {
      expect(predictThemes(withEmb, text, null, emb).scores[label]!).toBeGreaterThan(
        predictThemes(without, text).scores[label]!,
      );
    }
  });

  it("pools the same words from two tables in turn as from each alone (the word's row is kept per table)", () => {
    const a = table('table-a');
    // the same words in the opposite order: a row number kept from one table is wrong in the other
    const b = embeddingsFromVectors(
      'table-b',
      a.words
        .map((w, r): [string, number[]] => [
          w,
          Array.from({ length: a.dims }, (_, d) => a.vectors[r * a.dims + d]! * a.scales[r]! + (d === 0 ? 0.5 : 0)),
        ])
        .reverse(),
    );
    const cfg = { ...DEFAULT_EMBEDDING_FEATURES, skipTop: 0 };
    const tokens = tokenise('the car at the clinic and lunch with a surgeon');
    const handMade = tokens.map(({ info: _, ...t }) => t); // no memo record: a lookup every time
    const pooled = (tab: WordEmbeddings, toks: typeof handMade) => {
      const x = new Float64Array(denseLength(cfg, tab.dims));
      denseFeatures(toks, cfg, tab, embeddingRows(tab), x);
      return [...x];
    };
    const expectedA = pooled(a, handMade);
    const expectedB = pooled(b, handMade);
    expect(expectedA).not.toEqual(expectedB);
    for (let round = 0; round < 3; round++) {
      expect(pooled(a, tokens)).toEqual(expectedA);
      expect(pooled(b, tokens)).toEqual(expectedB);
    }
  });

  it('scores the dense block as the pooled vector times its weights, word memo or not', () => {
    const emb = table();
    const texts = [
      'the car at the clinic, the car again and a vehicle',
      'lunch lunch lunch near the ward',
      'the nurse was fine',
      'the was at', // only skipped (frequent) rows: a zero block
      'supper with a surgeon and a physician in a car',
      'the car at the clinic, the car again and a vehicle', // again, from the memo
    ];
    for (const features of [{}, { charMax: 0 }]) {
      const model = trainThemeModel(examples(), { embeddings: emb, features });
      const cfg = model.features.embedding!;
      const raw = Buffer.from(model.embedding!.weights, 'base64');
      const dw = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      // calibration that keeps the margin readable (p = sigmoid(margin)); the same model without the dense block
      const uncalibrated = { ...model, calibration: model.labels.map(() => [-1, 0] as [number, number]) };
      const sparseOnly: LinearModel = {
        ...uncalibrated,
        features: { ...model.features, embedding: undefined },
        embedding: undefined,
      };
      const logit = (p: number) => Math.log(p / (1 - p));
      for (const text of texts) {
        const x = new Float64Array(denseLength(cfg, emb.dims));
        denseFeatures(tokenise(text), cfg, emb, embeddingRows(emb), x);
        const full = scoreLinear(uncalibrated, text, null, emb);
        const sparse = scoreLinear(sparseOnly, text, null);
        model.labels.forEach((_, l) => {
          let dense = 0;
          for (let k = 0; k < x.length; k++) dense += dw[l * x.length + k]! * x[k]!;
          expect(logit(full[l]!) - logit(sparse[l]!)).toBeCloseTo(dense, 6);
        });
      }
    }
  });

  it('records the table in the model and round-trips through JSON with the same predictions', () => {
    const emb = table();
    const model = trainThemeModel(examples(), { embeddings: emb, version: 'with-embeddings' });
    expect(model.embedding?.table).toEqual(embeddingRef(emb));
    expect(model.features.embedding).toEqual(DEFAULT_EMBEDDING_FEATURES);
    const copy: unknown = JSON.parse(JSON.stringify(model));
    expect(isLinearModel(copy)).toBe(true);
    if (!isLinearModel(copy)) return;
    for (const [text] of unseen)
      expect(predictThemes(copy, text, null, emb)).toEqual(predictThemes(model, text, null, emb));
  });

  it('refuses to predict with a different table or none, naming the table it needs', () => {
    const model = trainThemeModel(examples(), { embeddings: table() });
    const other = table('other-table', 1);
    expect(() => predictThemes(model, 'the car', null, other)).toThrow(EmbeddingMismatchError);
    expect(() => predictThemes(model, 'the car', null, other)).toThrow(/needs the word embeddings "test-table"/);
    expect(() => predictThemes(model, 'the car')).toThrow(/none were given/);
    expect(() => createAnalyser({ taxonomy: [], themeModel: model, embeddings: other })).toThrow(
      EmbeddingMismatchError,
    );
    const sentimentModel = trainSentimentModel(
      examples().map((e, i) => ({ text: e.text, sentiment: i % 2 ? 'positive' : 'negative' })),
      { embeddings: table() },
    );
    expect(() => createAnalyser({ taxonomy: [], sentimentModel })).toThrow(/none were given/);
  });

  it('leaves models without embeddings unchanged, with or without a table given', () => {
    const model = trainThemeModel(examples());
    expect(model.embedding).toBeUndefined();
    expect(model.features.embedding).toBeUndefined();
    const text = 'the car near the ward';
    expect(predictThemes(model, text, null, table())).toEqual(predictThemes(model, text));
    const analyser = createAnalyser({ taxonomy: [], themeModel: model, embeddings: table() });
    expect(analyser.analyse({ text }).themes.map((t) => t.key)).toEqual(['parking']);
  });

  it('uses the table in the pipeline for theme and sentiment models trained with it', () => {
    const emb = table();
    const themeModel = trainThemeModel(examples(), { embeddings: emb });
    const analyser = createAnalyser({ taxonomy: [], themeModel, embeddings: emb });
    expect(analyser.analyse({ text: 'the automobile was fine' }).themes[0]?.key).toBe('parking');
    expect(analyser.analyse({ text: 'the surgeon was fine' }).themes[0]?.key).toBe('staff');
  });
});
