import { describe, expect, it } from 'vitest';
import {
  isLinearModel,
  type LinearModel,
  predictThemes,
  scoreLinear,
  type TrainingExample,
  trainThemeModel,
} from '../src/classifier.ts';
import { extractFeatures, wordFeatureHash } from '../src/features.ts';
import { HashIndex, platt, tfidfRow } from '../src/linear.ts';

const templates: Record<string, string[]> = {
  parking: [
    'no parking spaces near the {x}',
    'the car park at the {x} was full',
    'parking charges at the {x} are high',
  ],
  food: ['the food at the {x} was cold', 'lunch in the {x} was tasty', 'a better menu in the {x} please'],
  staff: ['the nurse at the {x} was kind', 'reception staff at the {x} were rude', 'the doctor at the {x} listened'],
};
const places = ['clinic', 'hospital', 'library', 'centre', 'ward', 'surgery', 'office', 'hub'];

function examples(): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (const [label, list] of Object.entries(templates)) {
    for (const t of list) for (const p of places) out.push({ text: t.replace('{x}', p), labels: [label] });
  }
  return out;
}

describe('theme classifier', () => {
  it('predicts the classes it was trained on for unseen texts', () => {
    const model = trainThemeModel(examples());
    expect(predictThemes(model, 'The car park near the station was full').predicted).toEqual(['parking']);
    expect(predictThemes(model, 'The food on the ward was cold again').predicted).toEqual(['food']);
    expect(predictThemes(model, 'The nurse was kind and listened').predicted).toEqual(['staff']);
  });

  it('pulls a label with few examples towards its name (label-name prior)', () => {
    const base = examples();
    const rare: TrainingExample[] = [
      { text: 'the wheelchair equipment broke on the ward', labels: ['Medical equipment'] },
      { text: 'my hoist was not repaired', labels: ['Medical equipment'] },
    ];
    const on = trainThemeModel([...base, ...rare]);
    const off = trainThemeModel([...base, ...rare], { namePrior: 0 });
    // the word of the name that the examples use weighs more for the label with the prior than without it
    const weight = (model: LinearModel, stem: string) => unigramWeight(model, 'Medical equipment', stem);
    expect(weight(on, 'equip')).toBeGreaterThan(weight(off, 'equip') + 0.2);
  });

  it('gives no name prior to a label whose examples never use its name', () => {
    const base = examples();
    const rare: TrainingExample[] = [
      { text: 'the wheelchair broke on the ward', labels: ['Medical equipment'] },
      { text: 'my hoist was not repaired', labels: ['Medical equipment'] },
    ];
    const text = 'they never fixed the broken equipment';
    const on = predictThemes(trainThemeModel([...base, ...rare]), text).scores['Medical equipment']!;
    const off = predictThemes(trainThemeModel([...base, ...rare], { namePrior: 0 }), text).scores['Medical equipment']!;
    expect(on).toBeCloseTo(off, 9);
  });

  it('gives every label a probability between 0 and 1', () => {
    const { scores } = predictThemes(trainThemeModel(examples()), 'parking was awful');
    expect(Object.keys(scores).sort()).toEqual(['food', 'parking', 'staff']);
    for (const s of Object.values(scores)) expect(s).toBeGreaterThanOrEqual(0);
    for (const s of Object.values(scores)) expect(s).toBeLessThanOrEqual(1);
  });

  it('changes its predictions on similar items after retraining with staff corrections', () => {
    const base = examples();
    const item = 'the wifi in the waiting room keeps dropping';
    const before = trainThemeModel(base);
    expect(predictThemes(before, item).predicted).not.toContain('digital');
    const corrections: TrainingExample[] = [
      'the wifi in the {x} keeps dropping',
      'no wifi signal in the {x}',
      'wifi password at the {x} does not work',
    ].flatMap((t) => places.map((p) => ({ text: t.replace('{x}', p), labels: ['digital'] })));
    const after = trainThemeModel([...base, ...corrections], { version: 'v2' });
    expect(predictThemes(after, 'the wifi in the day room keeps dropping').predicted).toEqual(['digital']);
    expect(after.version).toBe('v2');
  });

  it('round-trips through JSON and predicts the same', () => {
    const model = trainThemeModel(examples());
    const copy: unknown = JSON.parse(JSON.stringify(model));
    expect(isLinearModel(copy)).toBe(true);
    if (!isLinearModel(copy)) return;
    const text = 'reception staff were rude about parking';
    expect(predictThemes(copy, text)).toEqual(predictThemes(model, text));
  });

  it('uses the question: the same answer gets the label its question implies', () => {
    const train: TrainingExample[] = [];
    for (let i = 0; i < 30; i++) {
      train.push({
        text: i % 2 ? 'Nothing.' : 'Nothing really',
        question: 'What could we do better?',
        labels: ['praise'],
      });
      train.push({ text: i % 2 ? 'Nothing.' : 'Nothing really', question: 'What was good?', labels: ['criticism'] });
      train.push({ text: `The staff were lovely ${i}`, question: 'What was good?', labels: ['praise'] });
      train.push({
        text: `The wait was far too long ${i}`,
        question: 'What could we do better?',
        labels: ['criticism'],
      });
    }
    const model = trainThemeModel(train);
    expect(predictThemes(model, 'Nothing', 'What could we do better?').predicted).toEqual(['praise']);
    expect(predictThemes(model, 'Nothing', 'What was good?').predicted).toEqual(['criticism']);
  });
});

/** A stored model's typed arrays, decoded from base64 independently of the code under test. */
function modelArrays(model: LinearModel) {
  const bytes = (b64: string) => {
    const b = Buffer.from(b64, 'base64');
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  };
  const colStart = new Int32Array(bytes(model.colStart));
  const labelsOf = new Uint16Array(bytes(model.weightLabels));
  const q = new Int16Array(bytes(model.weights));
  return {
    vocab: new Uint32Array(bytes(model.vocab)),
    idf: new Float32Array(bytes(model.idf)),
    /** label l's weight on column col (0 when pruned) */
    weight(col: number, l: number): number {
      for (let e = colStart[col]!; e < colStart[col + 1]!; e++)
        if (labelsOf[e] === l) return q[e]! * model.weightScale[l]!;
      return 0;
    },
  };
}

/** A label's weight on a unigram (by its stem) in a trained model, 0 when pruned or unseen. */
function unigramWeight(model: LinearModel, label: string, stem: string): number {
  const m = modelArrays(model);
  const col = m.vocab.indexOf(wordFeatureHash(stem));
  return col < 0 ? 0 : m.weight(col, model.labels.indexOf(label));
}

describe('theme model scoring', () => {
  /** The model's margins the slow, obvious way: the text's TF-IDF row (as in training) times the weights. */
  function referenceProbabilities(model: LinearModel, text: string, question: string | null): number[] {
    const m = modelArrays(model);
    const doc = extractFeatures(text, question, model.features);
    const row = tfidfRow(doc.hashes, doc.counts, new HashIndex(m.vocab), m.idf, model.features.charWeight);
    const margins = model.bias.map((b, l) => {
      let sum = b;
      for (let k = 0; k < row.idx.length; k++) sum += m.weight(row.idx[k]!, l) * row.val[k]!;
      return sum;
    });
    return margins.map((m, l) => platt(m, model.calibration[l]!));
  }

  it('scores a text as its TF-IDF row times the weights, repeated character n-grams and words included', () => {
    const model = trainThemeModel(examples());
    const texts = [
      'parking parking parking at the the hospital hospital',
      'the food, the food and the nurse: tasty tasty lunch',
      'rude reception staff; the doctor listened to the nurse',
      'Wifi',
      '',
      'rudely reparked the carparks near the hospitals',
    ];
    for (const text of texts) {
      for (const question of [null, 'What could we do better?']) {
        const probs = scoreLinear(model, text, question);
        const expected = referenceProbabilities(model, text, question);
        expected.forEach((p, l) => {
          expect(probs[l]).toBeCloseTo(p, 6);
        });
      }
    }
  });

  it('two models scoring the same words in turn each score as their own (the per-word memo is per model)', () => {
    const first = trainThemeModel(examples());
    // the same words, other labels: a memo entry of the first model used by the second would show
    const swapped = examples().map((e) => ({ ...e, labels: e.labels.map((l) => (l === 'food' ? 'staff' : 'food')) }));
    const second = trainThemeModel(swapped);
    const text = 'the food at the hospital, the nurse in the ward and parking';
    for (let round = 0; round < 3; round++) {
      for (const model of [first, second]) {
        const probs = scoreLinear(model, text, null);
        referenceProbabilities(model, text, null).forEach((p, l) => {
          expect(probs[l]).toBeCloseTo(p, 6);
        });
      }
    }
  });

  it('scores the same after its per-word memo fills up and starts again, mid-text included', () => {
    const model = trainThemeModel(examples());
    // 22,000 distinct made-up words, 50 to a text, with known words mixed in: the memo (20,000 words) is
    // emptied and its space reused while one of these texts is being scored
    let seed = 7;
    const letter = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return String.fromCharCode(97 + (seed % 26));
    };
    const seen = new Set<string>();
    const texts: string[] = [];
    for (let i = 0; i < 440; i++) {
      const words: string[] = [];
      for (let fresh = 0; fresh < 50; ) {
        let w = '';
        for (let k = 0; k < 5 + (fresh % 4); k++) w += letter();
        if (seen.has(w)) continue;
        seen.add(w);
        fresh++;
        words.push(w, fresh % 10 === 0 ? 'parking' : 'nurse');
      }
      texts.push(`${words.join(' ')} ${words[0]} ${words[2]}`);
    }
    texts.forEach((text, i) => {
      const probs = scoreLinear(model, text, null);
      if (i % 40 !== 0 && (i < 395 || i > 405)) return;
      referenceProbabilities(model, text, null).forEach((p, l) => {
        expect(probs[l]).toBeCloseTo(p, 6);
      });
    });
    // words scored before the memo started again still score as they did
    const again = scoreLinear(model, texts[0]!, null);
    referenceProbabilities(model, texts[0]!, null).forEach((p, l) => {
      expect(again[l]).toBeCloseTo(p, 6);
    });
  });
});
