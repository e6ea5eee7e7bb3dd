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
});
