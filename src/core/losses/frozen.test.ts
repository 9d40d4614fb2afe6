import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import { accuracy, confusionMatrix, ncmPredict, oneNnPredict, trainLogisticRegression } from './frozen';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Three well-separated directions in 3-D with noise: linearly (and cosine-) separable. */
function toyData(seed: number, perClass: number) {
  const rng = mulberry32(seed);
  const directions = [[4, 0, 0], [0, 4, 0], [-3, -3, 3]];
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < perClass; i++) {
    directions.forEach((d, k) => {
      const scale = 0.5 + rng() * 2; // raw norms vary; cosine methods must not care
      rows.push(d.map((v) => scale * (v + (rng() - 0.5))));
      labels.push(k);
    });
  }
  return { emb: tf.tensor2d(rows), labels: tf.tensor1d(labels, 'int32') };
}

describe('classifiers on a frozen embedding: separable toy data', () => {
  it('NCM, 1-NN and logistic regression are 100% on held-out points', () => {
    const train = toyData(1, 10);
    const test = toyData(2, 20);
    const ncm = ncmPredict(train.emb, train.labels, 3, test.emb);
    const nn = oneNnPredict(train.emb, train.labels, test.emb);
    const lr = trainLogisticRegression(train.emb, train.labels, 3, { epochs: 150, learningRate: 0.1, l2: 1e-4 });
    const lrPred = lr.predict(test.emb);
    for (const pred of [ncm, nn, lrPred]) {
      expect(pred.dtype).toBe('int32');
      expect(pred.shape).toEqual([60]);
      expect(accuracy(pred, test.labels).arraySync()).toBe(1);
    }
    expect(lr.weights.shape).toEqual([3, 3]);
    expect(lr.bias.shape).toEqual([3]);
    lr.dispose();
  });

  it('logistic regression is deterministic, seeded or not, and leaks nothing', () => {
    const train = toyData(3, 6);
    const before = tf.memory().numTensors;
    const options = { epochs: 20, learningRate: 0.05, l2: 1e-3 };
    const a = trainLogisticRegression(train.emb, train.labels, 3, options);
    const b = trainLogisticRegression(train.emb, train.labels, 3, options);
    expect(a.weights.arraySync()).toEqual(b.weights.arraySync());
    const c = trainLogisticRegression(train.emb, train.labels, 3, { ...options, seed: 42 });
    const d = trainLogisticRegression(train.emb, train.labels, 3, { ...options, seed: 42 });
    expect(c.weights.arraySync()).toEqual(d.weights.arraySync());
    expect(c.weights.arraySync()).not.toEqual(a.weights.arraySync());
    for (const model of [a, b, c, d]) {
      model.predict(train.emb).dispose();
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('ncmPredict', () => {
  it('normalises the mean of the raw embeddings (not the mean of normalised ones)', () => {
    // Class 0: (10,0) and (0,1) → raw mean (5, 0.5), ĉ0 ≈ (0.995, 0.0995).
    //   (The mean of the normalised points would be (0.5, 0.5) → (0.707, 0.707).)
    // Class 1: (−1,1) → ĉ1 = (−0.707, 0.707).
    // Query (0.3, 1) → q̂ = (0.287, 0.958): ⟨q̂, ĉ0⟩ = 0.381 < ⟨q̂, ĉ1⟩ = 0.474 → class 1
    //   (with normalised-then-averaged centres it would be 0.880 → class 0).
    const pred = ncmPredict(
      tf.tensor2d([[10, 0], [0, 1], [-1, 1]]),
      tf.tensor1d([0, 0, 1], 'int32'),
      2,
      tf.tensor2d([[0.3, 1]]),
    );
    expect(pred.arraySync()).toEqual([1]);
  });

  it('never predicts a class absent from the training labels', () => {
    // Classes 0 at (1,0) and 1 at (0,1); class 2 has no examples (zero centre, cosine 0).
    // Query (−1, −0.9): cosines −0.743 and −0.669, both below 0 → still class 1, never 2.
    const pred = ncmPredict(tf.tensor2d([[1, 0], [0, 1]]), tf.tensor1d([0, 1], 'int32'), 3, tf.tensor2d([[-1, -0.9]]));
    expect(pred.arraySync()).toEqual([1]);
  });
});

describe('oneNnPredict', () => {
  it('takes the label of the most cosine-similar training point, whatever its norm', () => {
    // Query (1, 0.1): cosine with (100, 30) [class 1] is 0.9986 > with (0.5, 0.2) [class 0] 0.9832.
    const pred = oneNnPredict(tf.tensor2d([[0.5, 0.2], [100, 30], [0, 1]]), tf.tensor1d([0, 1, 2], 'int32'), tf.tensor2d([[1, 0.1], [0.1, 5]]));
    expect(pred.arraySync()).toEqual([1, 2]);
  });
});

describe('accuracy and confusionMatrix', () => {
  // pred   = [0, 1, 1, 2, 0]
  // labels = [0, 1, 2, 2, 1]
  // rows = true class: true 0 → pred 0 (i=0); true 1 → pred 1 (i=1), pred 0 (i=4);
  //                    true 2 → pred 1 (i=2), pred 2 (i=3).
  const pred = tf.tensor1d([0, 1, 1, 2, 0], 'int32');
  const labels = tf.tensor1d([0, 1, 2, 2, 1], 'int32');

  it('accuracy = 3 / 5', () => {
    expect(accuracy(pred, labels).arraySync()).toBeCloseTo(0.6, 6);
  });

  it('confusion matrix, rows = true class', () => {
    const m = confusionMatrix(pred, labels, 3);
    expect(m.dtype).toBe('int32');
    expect(m.arraySync()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    tf.dispose([accuracy(pred, labels), confusionMatrix(pred, labels, 3)]);
    const train = toyData(4, 3);
    const mid = tf.memory().numTensors;
    tf.dispose([ncmPredict(train.emb, train.labels, 3, train.emb), oneNnPredict(train.emb, train.labels, train.emb)]);
    expect(tf.memory().numTensors).toBe(mid);
    tf.dispose([train.emb, train.labels]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
