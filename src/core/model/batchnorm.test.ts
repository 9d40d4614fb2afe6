import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from './batchnorm';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The textbook form, differentiated by tfjs: normalise with tf.moments. */
function reference(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).arraySync() as number;

describe('batchNormTraining', () => {
  it('matches autodiff through tf.moments: output, batch moments, and gradients for x, γ and β', () => {
    const x = tf.add(tf.mul(tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 1), 2), 0.5) as tf.Tensor4D;
    const gamma = tf.randomNormal([6], 1, 0.3, 'float32', 2) as tf.Tensor1D;
    const beta = tf.randomNormal([6], 0, 0.3, 'float32', 3) as tf.Tensor1D;
    const dy = tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 4);
    const ours = batchNormTraining(x, gamma, beta, 1e-3);
    expect(maxAbsDiff(ours.y, reference(x, gamma, beta, 1e-3))).toBeLessThan(1e-5);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    expect(maxAbsDiff(ours.mean, mean)).toBeLessThan(1e-6);
    expect(maxAbsDiff(ours.variance, variance)).toBeLessThan(1e-5);

    const loss = (f: typeof reference) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3), dy));
    const fused = (a: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D, eps: number) => batchNormTraining(a, g, b, eps).y;
    const expected = tf.grads(loss(reference))([x, gamma, beta]);
    const got = tf.grads(loss(fused))([x, gamma, beta]);
    expected.forEach((e, i) => expect(maxAbsDiff(got[i], e)).toBeLessThan(1e-4));
  });

  it('leaks no tensors under tf.grads', () => {
    const x = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
    const gamma = tf.ones([4]) as tf.Tensor1D;
    const beta = tf.zeros([4]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((a: tf.Tensor) => tf.sum(batchNormTraining(a as tf.Tensor4D, gamma, beta, 1e-3).y))([x]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
