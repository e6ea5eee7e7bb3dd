import { describe, expect, it } from 'vitest';
import { type SparseRow, trainBinarySvm } from '../src/linear.ts';

const row = (idx: number[], val: number[]): SparseRow => ({ idx: Int32Array.from(idx), val: Float32Array.from(val) });

describe('trainBinarySvm with prior weights', () => {
  it('keeps the prior on columns the data does not touch and learns from the data on the others', () => {
    const rows = [row([0], [1]), row([0], [-1]), row([0], [0.9]), row([0], [-0.8])];
    const y = Uint8Array.from([1, 0, 1, 0]);
    const prior = Float64Array.from([0, 2.5]);
    const opts = { C: 1, posWeight: 1, maxEpochs: 50, tolerance: 0.01, seed: 1 };
    const withPrior = trainBinarySvm(rows, y, 2, { ...opts, prior });
    const plain = trainBinarySvm(rows, y, 2, opts);
    expect(withPrior.w[1]).toBeCloseTo(2.5);
    expect(plain.w[1]).toBe(0);
    expect(withPrior.w[0]).toBeGreaterThan(0.5);
    expect(prior[1]).toBe(2.5); // not modified in place
  });

  it('with a feature scale r: the prior is in the scaled space and the weights come back unscaled', () => {
    const rows = [row([0], [1]), row([0], [-1]), row([0], [0.9]), row([0], [-0.8])];
    const y = Uint8Array.from([1, 0, 1, 0]);
    const opts = { C: 1, posWeight: 1, maxEpochs: 50, tolerance: 0.01, seed: 1 };
    const scaled = trainBinarySvm(rows, y, 2, {
      ...opts,
      featureScale: Float64Array.from([2, 3]),
      prior: Float64Array.from([0, 2.5]),
    });
    expect(scaled.w[1]).toBeCloseTo(7.5); // prior 2.5 on the scaled input, × 3 back on the raw one
  });
});

describe('trainBinarySvm', () => {
  it('training on x ∘ r with featureScale r equals training on the pre-scaled rows', () => {
    const rand = (() => {
      let a = 7;
      return () => {
        a = (a * 16807) % 2147483647;
        return a / 2147483647;
      };
    })();
    const scale = Float64Array.from({ length: 6 }, () => 0.2 + 2 * rand());
    const rows: SparseRow[] = [];
    const y = new Uint8Array(40);
    for (let i = 0; i < 40; i++) {
      const idx = [0, 1, 2, 3, 4, 5].filter(() => rand() < 0.6);
      rows.push(
        row(
          idx,
          idx.map(() => rand() - 0.5),
        ),
      );
      y[i] = rand() < 0.4 ? 1 : 0;
    }
    const opts = { C: 0.5, posWeight: 1.5, maxEpochs: 200, tolerance: 1e-6, seed: 3 };
    const viaScale = trainBinarySvm(rows, y, 6, { ...opts, featureScale: scale });
    const preScaled = rows.map((r) =>
      row(
        Array.from(r.idx),
        Array.from(r.idx, (c, k) => r.val[k]! * scale[c]!),
      ),
    );
    const direct = trainBinarySvm(preScaled, y, 6, opts);
    expect(viaScale.bias).toBeCloseTo(direct.bias, 4);
    // weights on the raw input = weights on the scaled input × r
    for (let c = 0; c < 6; c++) expect(viaScale.w[c]).toBeCloseTo(direct.w[c]! * scale[c]!, 4);
  });
});
