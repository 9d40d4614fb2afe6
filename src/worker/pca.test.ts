import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pca2 } from './pca';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('pca2', () => {
  it('projects onto the two directions of largest variance, largest first, with fixed signs', async () => {
    // Uncorrelated columns with variances 4, 0.01 and 9: the components are e₂, then e₀.
    const rows = [
      [2, 0.1, 3],
      [-2, 0.1, -3],
      [2, -0.1, -3],
      [-2, -0.1, 3],
    ];
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(rows);
    const p = pca2(x);
    expect(p.shape).toEqual([4, 2]);
    const values = await p.array();
    // First component: ±e₂ (variance 9); second: ±e₀ (variance 4); signs make the pivot positive.
    values.forEach((row, i) => {
      expect(row[0]).toBeCloseTo(rows[i][2], 4);
      expect(row[1]).toBeCloseTo(rows[i][0], 4);
    });
    x.dispose();
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('centres the data and is invariant to a shift', async () => {
    const base = tf.randomNormal([50, 6], 0, 1, 'float32', 3) as tf.Tensor2D;
    const shifted = tf.add(base, 10) as tf.Tensor2D;
    const [a, b] = await Promise.all([pca2(base).array(), pca2(shifted).array()]);
    a.forEach((row, i) => {
      expect(row[0]).toBeCloseTo(b[i][0], 3);
      expect(row[1]).toBeCloseTo(b[i][1], 3);
    });
    const meanFirst = a.reduce((s, r) => s + r[0], 0) / a.length;
    expect(Math.abs(meanFirst)).toBeLessThan(1e-4);
    tf.dispose([base, shifted]);
  });
});
