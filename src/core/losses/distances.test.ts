import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { constantOf, l2Normalize, maskedLogSoftmax, pairwiseDistances, safeDivideByCount, stopGradient } from './distances';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function expectClose(actual: number[] | number[][], expected: number[] | number[][], digits = 6) {
  const a = (actual as number[]).flat(2) as number[];
  const e = (expected as number[]).flat(2) as number[];
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(e[i], digits));
}

describe('l2Normalize', () => {
  it('divides each row by its norm and leaves a zero row at zero', () => {
    const z = tf.tensor2d([[3, 4], [0, 0], [0, -2]]);
    expectClose(l2Normalize(z).arraySync() as number[][], [[0.6, 0.8], [0, 0], [0, -1]]);
  });

  it('has a finite gradient at the zero vector', () => {
    const z = tf.tensor2d([[0, 0], [1, 2]]);
    const [g] = tf.grads((x: tf.Tensor) => tf.sum(l2Normalize(x as tf.Tensor2D)))([z]);
    expect((g.arraySync() as number[][]).flat().every(Number.isFinite)).toBe(true);
  });
});

describe('pairwiseDistances', () => {
  it('gives Euclidean (not squared) distances of a 3-4-5 triangle, 0 on the diagonal', () => {
    // (0,0), (3,0), (0,4): d01 = 3, d02 = 4, d12 = 5.
    const z = tf.tensor2d([[0, 0], [3, 0], [0, 4]]);
    expectClose(pairwiseDistances(z).arraySync(), [[0, 3, 4], [3, 0, 5], [4, 5, 0]], 5);
  });

  it('is exactly 0 on the diagonal and for coincident points, with finite gradients', () => {
    const z = tf.tensor2d([[1, 2], [1, 2], [0.5, -1]]);
    const d = pairwiseDistances(z).arraySync();
    expect(d[0][0]).toBe(0);
    expect(d[0][1]).toBe(0);
    expect(d[0][2]).toBeCloseTo(Math.hypot(0.5, 3), 5);
    const [g] = tf.grads((x: tf.Tensor) => tf.sum(pairwiseDistances(x as tf.Tensor2D)))([z]);
    expect((g.arraySync() as number[][]).flat().every(Number.isFinite)).toBe(true);
  });
});

describe('gradient barriers and helpers', () => {
  it('stopGradient is the identity forward and gives a zero gradient', () => {
    const x = tf.tensor1d([1, -2, 3]);
    expect(stopGradient(x).arraySync()).toEqual([1, -2, 3]);
    const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.square(stopGradient(t))))([x]);
    expect(g.arraySync()).toEqual([0, 0, 0]);
  });

  it('constantOf lets comparisons sit between x and the loss', () => {
    const x = tf.tensor1d([1, -2, 3]);
    // d/dx Σ x · [x > 0] with the mask held constant = [1, 0, 1].
    const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(t, constantOf(() => tf.cast(tf.greater(t, 0), 'float32')))))([x]);
    expect(g.arraySync()).toEqual([1, 0, 1]);
  });

  it('safeDivideByCount is 0 (not NaN) for an empty set', () => {
    expect(safeDivideByCount(tf.scalar(0), tf.scalar(0)).arraySync()).toBe(0);
    expect(safeDivideByCount(tf.scalar(6), tf.scalar(3)).arraySync()).toBe(2);
  });

  it('maskedLogSoftmax is a softmax over the kept entries only', () => {
    // log softmax([0, ln 3]) = [ln ¼, ln ¾]; the masked entry gets probability 0.
    const out = maskedLogSoftmax(tf.tensor2d([[0, 100, Math.log(3)]]), tf.tensor2d([[1, 0, 1]])).arraySync() as number[][];
    expect(out[0][0]).toBeCloseTo(Math.log(0.25), 6);
    expect(out[0][2]).toBeCloseTo(Math.log(0.75), 6);
    expect(Math.exp(out[0][1])).toBe(0);
    expect(Number.isFinite(out[0][1])).toBe(true);
  });

  it('leaks no tensors', () => {
    const z = tf.randomNormal([6, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    tf.dispose([pairwiseDistances(z), l2Normalize(z), stopGradient(z), constantOf(() => tf.add(z, 1))]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
