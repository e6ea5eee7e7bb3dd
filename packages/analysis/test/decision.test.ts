import { describe, expect, it } from 'vitest';
import {
  decideLabels,
  isLinearModel,
  predictThemes,
  type TrainingExample,
  trainLinearModel,
  trainThemeModel,
} from '../src/classifier.ts';
import { chooseCatchAll, sumF1UnderRule } from '../src/linear.ts';

// 40 rows of a catch-all label the scores barely recognise, 30 rows each of two labels they recognise well
function scores(): { probs: Float64Array[]; positive: Uint8Array[] } {
  const n = 100;
  const probs = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const positive = [new Uint8Array(n), new Uint8Array(n), new Uint8Array(n)];
  for (let i = 0; i < n; i++) {
    const label = i < 40 ? 0 : i < 70 ? 1 : 2;
    positive[label]![i] = 1;
    probs[0]![i] = label === 0 ? 0.2 : 0.1;
    probs[1]![i] = label === 1 ? 0.9 : label === 0 ? 0.3 : 0.1;
    probs[2]![i] = label === 2 ? 0.9 : label === 0 ? 0.25 : 0.1;
  }
  return { probs, positive };
}

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

describe('decision rule', () => {
  it('learns a catch-all label when predicting it for items where nothing passes raises the out-of-fold F1', () => {
    const { probs, positive } = scores();
    const thresholds = [0.5, 0.5, 0.5];
    const plain = sumF1UnderRule(probs, positive, thresholds, true, -1);
    const chosen = chooseCatchAll(probs, positive, thresholds);
    expect(chosen.label).toBe(0);
    expect(sumF1UnderRule(probs, positive, [chosen.threshold, 0.5, 0.5], true, 0)).toBeGreaterThan(plain);
  });

  it('learns no catch-all label when no frequent label is mostly alone in its rows', () => {
    const { probs, positive } = scores();
    // every catch-all row also carries label 1: the label is never alone
    for (let i = 0; i < 40; i++) positive[1]![i] = 1;
    expect(chooseCatchAll(probs, positive, [0.5, 0.5, 0.5]).label).toBe(-1);
  });

  it('predicts the catch-all label, not the best-ratio label, when no label passes its threshold', () => {
    const model = trainThemeModel(examples());
    const probs = model.labels.map(() => 0.01);
    const staff = model.labels.indexOf('staff');
    probs[model.labels.indexOf('food')] = 0.04;
    expect(decideLabels({ ...model, catchAll: undefined }, probs)).toEqual(['food']);
    expect(decideLabels({ ...model, catchAll: staff }, probs)).toEqual(['staff']);
  });

  it('still loads and uses a model stored before ensembles and catch-all labels existed', () => {
    const { model } = trainLinearModel(examples(), 'themes', {
      ensemble: false,
      committee: false,
      catchAll: false,
      pruneBelow: 0.01,
    });
    const stored: unknown = JSON.parse(JSON.stringify(model));
    expect(stored).not.toHaveProperty('catchAll');
    expect(isLinearModel(stored)).toBe(true);
    if (!isLinearModel(stored)) return;
    expect(predictThemes(stored, 'The car park near the station was full').predicted).toEqual(['parking']);
  });

  it('stores the ensemble as one linear model that predicts the same after a JSON round trip', () => {
    const model = trainThemeModel(examples());
    const copy: unknown = JSON.parse(JSON.stringify(model));
    expect(isLinearModel(copy)).toBe(true);
    if (!isLinearModel(copy)) return;
    for (const text of ['the nurse was kind', 'lunch was cold', 'parking charges are too high']) {
      expect(predictThemes(copy, text)).toEqual(predictThemes(model, text));
    }
    expect(predictThemes(model, 'the nurse was kind').predicted).toEqual(['staff']);
  });
});
