import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Optimizer, type OptimizerSpec } from './optimizer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const made: tf.Variable[] = [];
afterEach(() => {
  made.splice(0).forEach((v) => v.dispose());
});
const variable = (values: number[], shape: number[], name: string) => {
  const v = tf.variable(tf.tensor(values, shape), true, name);
  made.push(v);
  return v;
};
const sgd = (over: Partial<OptimizerSpec> = {}): OptimizerSpec => ({ kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 0.1, ...over });

describe('Optimizer (fused over each group)', () => {
  it('SGD, Nesterov momentum and weight decay: two steps by hand, two variables of two shapes', () => {
    const a = variable([1, -2], [2], 'opt-a');
    const b = variable([0.5, 0, 3, -1], [2, 2], 'opt-b');
    const opt = new Optimizer(sgd());
    const grads = () => ({ 'opt-a': tf.tensor([0.5, 1], [2]), 'opt-b': tf.tensor([1, 1, -1, 0], [2, 2]) });
    // Step 1, a[0]: g = 0.5 + 0.1·1 = 0.6; v = 0.6; w = 1 − 0.1·(0.6 + 0.9·0.6) = 0.886.
    opt.apply([{ variables: [a, b], learningRate: 0.1 }], grads());
    expect(a.dataSync()[0]).toBeCloseTo(0.886, 6);
    // b[0][1] = 0: g = 1, v = 1, w = −0.1·1.9 = −0.19.
    expect(b.dataSync()[1]).toBeCloseTo(-0.19, 6);
    // Step 2, a[0]: g = 0.5 + 0.0886 = 0.5886; v = 0.9·0.6 + 0.5886 = 1.1286; w = 0.886 − 0.1·(0.5886 + 1.01574) = 0.725566.
    opt.apply([{ variables: [a, b], learningRate: 0.1 }], grads());
    expect(a.dataSync()[0]).toBeCloseTo(0.725566, 6);
    expect(b.shape).toEqual([2, 2]);
    opt.dispose();
  });

  it('each group takes its own learning rate; a variable without a gradient is left alone', () => {
    const a = variable([1], [1], 'opt-c');
    const b = variable([1], [1], 'opt-d');
    const idle = variable([7], [1], 'opt-e');
    const opt = new Optimizer(sgd({ momentum: 0, weightDecay: 0 }));
    opt.apply([{ variables: [a, idle], learningRate: 0.1 }, { variables: [b], learningRate: 1 }], { 'opt-c': tf.scalar(1).reshape([1]), 'opt-d': tf.scalar(1).reshape([1]) });
    expect(a.dataSync()[0]).toBeCloseTo(0.9, 7);
    expect(b.dataSync()[0]).toBeCloseTo(0, 7);
    expect(idle.dataSync()[0]).toBe(7);
    opt.dispose();
  });

  it('Adam: the first step moves each weight by lr·sign(g) (bias-corrected moments)', () => {
    const a = variable([1, 1, 1], [3], 'opt-f');
    const opt = new Optimizer({ kind: 'adam', momentum: 0, nesterov: false, weightDecay: 0 });
    opt.apply([{ variables: [a], learningRate: 0.01 }], { 'opt-f': tf.tensor([3, -0.5, 2]) });
    const w = Array.from(a.dataSync());
    [0.99, 1.01, 0.99].forEach((x, i) => expect(w[i]).toBeCloseTo(x, 5));
    opt.dispose();
  });

  it('gives every parameter exactly the value of a per-variable update, and leaks nothing', () => {
    const shapes = [[3, 3, 1, 4], [4], [4], [36, 5], [5]];
    const values = shapes.map((s, k) => Array.from({ length: s.reduce((x, y) => x * y, 1) }, (_, i) => Math.sin(i * 0.7 + k)));
    const fused = shapes.map((s, k) => variable(values[k], s, `fused-${k}`));
    const opt = new Optimizer(sgd());
    // Per-variable reference, in plain float32 arithmetic.
    const w = values.map((v) => Float32Array.from(v));
    const buf = values.map((v) => new Float32Array(v.length));
    const f = Math.fround;
    const before = tf.memory().numTensors;
    for (let step = 0; step < 5; step++) {
      const grads: tf.NamedTensorMap = {};
      const gv = shapes.map((_, k) => Float32Array.from(values[k], (_, i) => Math.cos(i + step * 3 + k)));
      shapes.forEach((s, k) => (grads[`fused-${k}`] = tf.tensor(gv[k], s)));
      opt.apply([{ variables: fused, learningRate: 0.05 }], grads);
      Object.values(grads).forEach((g) => g.dispose());
      w.forEach((wk, k) => {
        for (let i = 0; i < wk.length; i++) {
          const g = f(gv[k][i] + f(wk[i] * f(0.1)));
          buf[k][i] = f(f(buf[k][i] * f(0.9)) + g);
          wk[i] = f(wk[i] - f(f(g + f(buf[k][i] * f(0.9))) * f(0.05)));
        }
      });
      if (step === 0) expect(tf.memory().numTensors).toBe(before + 1); // the group's momentum buffer
    }
    expect(tf.memory().numTensors).toBe(before + 1);
    fused.forEach((v, k) => expect(Array.from(v.dataSync())).toEqual(Array.from(w[k])));
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
