import { describe, expect, it } from 'vitest';
import { classificationMetrics, crossValidate, groupKeys, kFoldAssignments, multiLabelMetrics } from '../src/eval.ts';

describe('evaluation metrics', () => {
  it('computes micro/macro F1 and exact match on a hand-made multi-label case', () => {
    const gold = [['a'], ['a', 'b'], ['b'], ['c']];
    const pred = [['a'], ['a'], ['b', 'c'], []];
    // a: tp 2 fp 0 fn 0 → F1 1; b: tp 1 fp 0 fn 1 → P 1 R .5 F1 2/3; c: tp 0 fp 1 fn 1 → F1 0
    const r = multiLabelMetrics(gold, pred);
    expect(r.labels).toBe(3);
    expect(r.per_label.a).toEqual({ precision: 1, recall: 1, f1: 1, support: 2 });
    expect(r.per_label.b?.f1).toBeCloseTo(2 / 3, 10);
    expect(r.per_label.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.macro_f1).toBeCloseTo((1 + 2 / 3 + 0) / 3, 10);
    // micro: tp 3, fp 1, fn 2 → P .75, R .6
    expect(r.micro_f1).toBeCloseTo((2 * 0.75 * 0.6) / 1.35, 10);
    expect(r.exact_match).toBe(0.25);
  });

  it('computes accuracy, macro-F1 and MAE for ordinal classes', () => {
    const r = classificationMetrics([1, 1, 2, 5], [1, 2, 2, 3]);
    expect(r.accuracy).toBe(0.5);
    expect(r.mae).toBe(0.75);
    // class 1: P 1 R .5 → 2/3; class 2: P .5 R 1 → 2/3; class 3: 0; class 5: 0
    expect(r.macro_f1).toBeCloseTo((2 / 3 + 2 / 3) / 4, 10);
  });

  it('derives group keys from the first capture group of a pattern', () => {
    expect(groupKeys(['NEAS 1 - Q1', 'NEAS 1 - Q2', 'x'], '^(.*) - Q\\d+$')).toEqual(['NEAS 1', 'NEAS 1', null]);
  });

  it('keeps a group within one fold and balances fold sizes', () => {
    const groups = Array.from({ length: 100 }, (_, i) => `g${Math.floor(i / 4)}`);
    const folds = kFoldAssignments(100, 5, groups, 3);
    for (let i = 0; i < 100; i += 4) expect(new Set([folds[i], folds[i + 1], folds[i + 2], folds[i + 3]]).size).toBe(1);
    const sizes = [0, 1, 2, 3, 4].map((f) => folds.filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(4);
  });

  it('cross-validates with each item predicted by a model that did not see it', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const out = crossValidate(
      items,
      4,
      (train) => new Set(train),
      (seen, item) => seen.has(item),
    );
    expect(out.every((x) => x === false)).toBe(true);
  });
});
