import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import { pairwiseDistances } from './distances';
import { mineTriplets, type MiningRule } from './mining';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Distances between points on a line, d_ij = |x_i − x_j| (dyadic values: exact in float32). */
function lineDistances(xs: number[]): tf.Tensor2D {
  return tf.tensor2d(xs.map((a) => xs.map((b) => Math.abs(a - b))));
}

/** The mined (a, p, n) of a mask, sorted. */
function minedTriplets(mask: tf.Tensor3D): [number, number, number][] {
  const out: [number, number, number][] = [];
  (mask.arraySync() as number[][][]).forEach((plane, a) =>
    plane.forEach((row, p) =>
      row.forEach((v, n) => {
        expect(v === 0 || v === 1).toBe(true);
        if (v === 1) out.push([a, p, n]);
      }),
    ),
  );
  return out;
}

function mine(xs: number[], labels: number[], rule: MiningRule, margin = 0.2) {
  return minedTriplets(mineTriplets(lineDistances(xs), tf.tensor1d(labels, 'int32'), rule, margin));
}

describe('mineTriplets on hand-made embeddings', () => {
  // Points on a line: 0:A@0, 1:A@0.125, 2:B@0.25, 3:B@0.5, 4:C@1.
  // (a,p)=(0,1): d_ap=.125, d_an (n=2,3,4) = .25,.5,1 → gaps .125,.375,.875 → margin keeps n=2; nearest n=2.
  // (1,0): d_ap=.125, d_an = .125,.375,.875 → gaps 0,.25,.75 → margin keeps none (0 is not > 0, .25 > .2);
  //        nearest: smallest d_an > .125 is n=3 (.375).
  // (2,3): d_ap=.25, d_an (n=0,1,4) = .25,.125,.75 → gaps 0,−.125,.5 → margin none; nearest n=4.
  // (3,2): d_ap=.25, d_an = .5,.375,.5 → gaps .25,.125,.25 → margin keeps n=1; nearest n=1 (.375).
  const xs = [0, 0.125, 0.25, 0.5, 1];
  const labels = [0, 0, 1, 1, 2];

  it('semihard-margin keeps every triplet with 0 < d_an − d_ap ≤ margin', () => {
    expect(mine(xs, labels, 'semihard-margin')).toEqual([[0, 1, 2], [3, 2, 1]]);
  });

  it('semihard-nearest takes one negative per positive pair: the nearest farther than the positive', () => {
    expect(mine(xs, labels, 'semihard-nearest')).toEqual([[0, 1, 2], [1, 0, 3], [2, 3, 4], [3, 2, 1]]);
  });

  it('semihard-nearest falls back to the farthest negative when none is farther than the positive', () => {
    // 0:A@0, 1:A@1, 2:B@0.25, 3:B@0.625.
    // (0,1): d_ap=1, d_an=.25,.625 → none farther → farthest n=3.   (1,0): d_an=.75,.375 → farthest n=2.
    // (2,3): d_ap=.375, d_an=.25,.75 → n=1.   (3,2): d_ap=.375, d_an=.625,.375 (tie, not farther) → n=0.
    const fallback = [0, 1, 0.25, 0.625];
    expect(mine(fallback, [0, 0, 1, 1], 'semihard-nearest')).toEqual([[0, 1, 3], [1, 0, 2], [2, 3, 1], [3, 2, 0]]);
    // margin: gaps (0,1): −.75,−.375; (1,0): −.25,−.625; (2,3): −.125,.375; (3,2): .25, 0 → nothing.
    expect(mine(fallback, [0, 0, 1, 1], 'semihard-margin')).toEqual([]);
  });

  it('breaks ties to the lowest index, both for the nearest and for the farthest negative', () => {
    // 0:A@0, 1:A@0.25, 2:B@0.5, 3:B@−0.5.
    // (0,1): d_ap=.25, d_an=.5,.5 (tie) → n=2.   (1,0): d_an=.25,.75 → n=3.
    // (2,3): d_ap=1, d_an=.5,.25 → farthest n=0.   (3,2): d_an=.5,.75 → farthest n=1.
    expect(mine([0, 0.25, 0.5, -0.5], [0, 0, 1, 1], 'semihard-nearest')).toEqual([
      [0, 1, 2], [1, 0, 3], [2, 3, 0], [3, 2, 1],
    ]);
    // Farthest tie: 0:A@0, 1:A@2, 2:B@1, 3:B@−1. (0,1): d_ap=2, d_an=1,1 → farthest tie → n=2.
    expect(mine([0, 2, 1, -1], [0, 0, 1, 1], 'semihard-nearest')).toContainEqual([0, 1, 2]);
    expect(mine([0, 2, 1, -1], [0, 0, 1, 1], 'semihard-nearest')).not.toContainEqual([0, 1, 3]);
  });

  it('mines nothing in a one-class batch, and nothing for a singleton class', () => {
    expect(mine([0, 0.1, 0.3], [2, 2, 2], 'semihard-nearest')).toEqual([]);
    expect(mine([0, 0.1, 0.3], [2, 2, 2], 'semihard-margin')).toEqual([]);
    expect(mine([0, 0.1, 0.3], [0, 1, 2], 'semihard-nearest')).toEqual([]);
  });
});

/** Plain-loop reference of both rules, on the same float32 distances. */
function referenceMask(d: number[][], labels: number[], rule: MiningRule, margin: number): number[][][] {
  const b = labels.length;
  const f = Math.fround;
  const mask = Array.from({ length: b }, () => Array.from({ length: b }, () => new Array<number>(b).fill(0)));
  for (let a = 0; a < b; a++) {
    for (let p = 0; p < b; p++) {
      if (a === p || labels[a] !== labels[p]) continue;
      const negatives = [...Array(b).keys()].filter((n) => labels[n] !== labels[a]);
      if (rule === 'semihard-margin') {
        for (const n of negatives) {
          const gap = f(d[a][n] - d[a][p]);
          if (gap > 0 && gap <= f(margin)) mask[a][p][n] = 1;
        }
        continue;
      }
      const farther = negatives.filter((n) => d[a][n] > d[a][p]);
      const pool = farther.length > 0 ? farther : negatives;
      let best = -1;
      for (const n of pool) {
        const better = farther.length > 0 ? d[a][n] < d[a][best] : d[a][n] > d[a][best];
        if (best < 0 || better) best = n;
      }
      if (best >= 0) mask[a][p][best] = 1;
    }
  }
  return mask;
}

describe('mineTriplets against a plain-loop reference', () => {
  for (const rule of ['semihard-margin', 'semihard-nearest'] as const) {
    it(`matches on random batches (${rule})`, () => {
      const rng = mulberry32(7);
      for (let trial = 0; trial < 5; trial++) {
        const b = 12 + trial * 3;
        const labels = Array.from({ length: b }, () => Math.floor(rng() * 4));
        const emb = tf.tensor2d(Array.from({ length: b }, () => [rng() - 0.5, rng() - 0.5, rng() - 0.5]));
        const dist = pairwiseDistances(emb);
        const expected = referenceMask(dist.arraySync(), labels, rule, 0.2);
        const mask = mineTriplets(dist, tf.tensor1d(labels, 'int32'), rule, 0.2);
        expect(mask.dtype).toBe('float32');
        expect(mask.arraySync()).toEqual(expected);
        tf.dispose([emb, dist, mask]);
      }
    });
  }

  it('is a constant for tf.grads and leaks no tensors', () => {
    const emb = tf.randomNormal([10, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 0, 1, 1, 2, 2, 0, 1, 2, 0], 'int32');
    const before = tf.memory().numTensors;
    const [g] = tf.grads((e: tf.Tensor) => {
      const d = pairwiseDistances(e as tf.Tensor2D);
      const mask = mineTriplets(d, labels, 'semihard-nearest', 0.2);
      return tf.sum(tf.mul(mask, tf.expandDims(d, 2)));
    })([emb]);
    expect((g.arraySync() as number[][]).flat().every(Number.isFinite)).toBe(true);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
