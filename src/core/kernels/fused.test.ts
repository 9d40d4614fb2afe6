import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvGradientMode } from '../model/conv';
import { ConvNet, momentTensors, type BatchMoments } from '../model/convnet';
import { Optimizer } from '../trainer/optimizer';
import { setFusedMode, type FusedMode } from './index';
import { crossEntropy } from '../losses/baselines';
import { refilledStage1Loss } from '../losses/stage1';
import { refilledStage2Loss } from '../losses/stage2';
import { fused } from './ops';
import { patchesTransposed3x3 } from '../model/conv';

/**
 * Two training steps of a small student (forward, gradients, Nesterov SGD, BN moving
 * averages): every variable afterwards, with the fused kernels or without.
 */
function twoSteps(fusedMode: FusedMode, mode: ConvGradientMode): { values: Float32Array[]; loss: number } {
  setFusedMode(fusedMode);
  const net = new ConvNet({ widthMultiplier: 0.25, numClasses: 3, seed: 7 });
  const optimizer = new Optimizer({ kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  let loss = 0;
  for (let step = 0; step < 2; step++) {
    tf.tidy(() => {
      const x = tf.randomUniform([6, 28, 28, 1], 0, 1, 'float32', 11 + step) as tf.Tensor4D;
      const target = tf.randomNormal([6, 3], 0, 1, 'float32', 21 + step);
      const moments: BatchMoments = [];
      const { value, grads } = tf.variableGrads(() => {
        const logits = net.head(net.embed(x, true, mode, moments));
        momentTensors(moments).forEach((m) => tf.keep(m));
        return tf.mean(tf.square(tf.sub(logits, target))) as tf.Scalar;
      }, net.trainableVariables());
      optimizer.apply([{ variables: net.trainableVariables(), learningRate: 0.1 }], grads);
      net.updateMovingAverages(moments);
      tf.dispose(momentTensors(moments));
      loss = value.dataSync()[0];
    });
  }
  const values = net.allVariables().map((v) => v.dataSync() as Float32Array);
  net.dispose();
  optimizer.dispose();
  return { values, loss };
}

describe.each(['cpu', 'wasm'])('the fused training step on %s', (backend) => {
  afterAll(() => {
    setFusedMode('auto');
  });

  it.each(['swapped', 'native', 'matmul'] as const)('gives the unfused step\'s parameters, moving averages and loss (%s conv gradient)', async (mode) => {
    await tf.setBackend(backend);
    if (backend === 'wasm' && mode === 'native') return; // wasm has no Conv2DBackpropFilter
    setFusedMode('all');
    expect(fused('batchNormRelu') && fused('sgd') && fused('movingAverage') && fused('maxPoolGrad')).toBe(true);
    const before = tf.memory().numTensors;
    // `auto` too: on wasm it keeps tfjs's batch norm, whose moments reach the moving-average kernel as [1, C] rows.
    const [all, auto] = [twoSteps('all', mode), twoSteps('auto', mode)];
    const b = twoSteps('none', mode);
    expect(tf.memory().numTensors).toBe(before);
    for (const a of [all, auto]) {
      expect(a.loss).toBeCloseTo(b.loss, 5);
      a.values.forEach((v, i) => {
        let err = 0;
        let scale = 0;
        for (let k = 0; k < v.length; k++) {
          err = Math.max(err, Math.abs(v[k] - b.values[i][k]));
          scale = Math.max(scale, Math.abs(b.values[i][k]));
        }
        expect(err, `variable ${i}`).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
      });
    }
  });

  it('gives the cross-entropy and its gradient of tfjs\'s own operations', async () => {
    await tf.setBackend(backend);
    const logits = tf.randomNormal([9, 5], 0, 8, 'float32', 3) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 4, 2, 2, 1, 3, 0, 4, 1], 'int32');
    const lossAndGrad = (mode: 'all' | 'none') => {
      setFusedMode(mode);
      const { value, grads } = tf.variableGrads(() => crossEntropy(tf.mul(logits, w) as tf.Tensor2D, labels), [w]);
      return { loss: value.dataSync()[0], grad: Array.from(grads[w.name].dataSync()) };
    };
    const w = tf.variable(tf.scalar(1.3));
    const before = tf.memory().numTensors;
    const a = tf.tidy(() => lossAndGrad('all'));
    const b = tf.tidy(() => lossAndGrad('none'));
    expect(tf.memory().numTensors).toBe(before);
    expect(a.loss).toBeCloseTo(b.loss, 5);
    expect(a.grad[0]).toBeCloseTo(b.grad[0], 5);
    tf.dispose([logits, labels, w]);
    setFusedMode('auto');
  });

  it.each([
    ['semihard-margin', 'tuple'],
    ['semihard-margin', 'triplet'],
    ['semihard-nearest', 'tuple'],
    ['semihard-nearest', 'triplet'],
  ] as const)('gives the unfused stage-1 loss, gradient and statistics (%s, %s)', async (mining, form) => {
    await tf.setBackend(backend);
    const b = 24;
    const emb = tf.variable(tf.randomNormal([b, 16], 0, 1, 'float32', 5));
    const teacherEmb = tf.randomNormal([b, 20], 0, 1, 'float32', 6) as tf.Tensor2D;
    const labels = tf.tensor1d(Array.from({ length: b }, (_, i) => i % 3), 'int32');
    const run = (mode: 'all' | 'none') =>
      tf.tidy(() => {
        setFusedMode(mode);
        let stats: number[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const r = refilledStage1Loss({ studentEmb: emb as tf.Tensor2D, teacherEmb, labels, mining, margin: 0.4, form, tau1: 4, w1: 1000 });
          stats = Object.values(r.stats).map((t) => t.dataSync()[0]);
          return r.loss;
        }, [emb]);
        return { loss: value.dataSync()[0], grad: grads[emb.name].dataSync(), stats };
      });
    const before = tf.memory().numTensors;
    const a = run('all');
    const b2 = run('none');
    setFusedMode('auto');
    expect(tf.memory().numTensors).toBe(before);
    expect(a.stats[0]).toBeGreaterThan(0); // triplets were mined
    expect(Math.abs(a.loss - b2.loss)).toBeLessThanOrEqual(1e-4 * Math.abs(b2.loss));
    for (let i = 0; i < a.stats.length; i++) expect(a.stats[i]).toBeCloseTo(b2.stats[i], 5);
    let err = 0;
    let scale = 0;
    for (let i = 0; i < a.grad.length; i++) {
      err = Math.max(err, Math.abs(a.grad[i] - b2.grad[i]));
      scale = Math.max(scale, Math.abs(b2.grad[i]));
    }
    expect(scale).toBeGreaterThan(0);
    expect(err).toBeLessThanOrEqual(1e-5 * scale);
    tf.dispose([emb, teacherEmb, labels]);
  });

  it.each([
    { centres: 'local', score: 'dot', temperatureOn: 'both', scope: 'batch', klReduction: 'batchmean' },
    { centres: 'global', score: 'sqeuclidean', temperatureOn: 'teacher', scope: 'all', klReduction: 'elementwise' },
    { centres: 'local', score: 'sqeuclidean', temperatureOn: 'both', scope: 'batch', klReduction: 'elementwise', teacherTau: 0.6 },
    { centres: 'global', score: 'dot', temperatureOn: 'both', scope: 'batch', klReduction: 'batchmean', targets: 'uniform' },
  ] as const)('gives the unfused stage-2 loss and gradient (%o)', async (settings) => {
    await tf.setBackend(backend);
    const b = 20;
    const classes = 6;
    const logits = tf.variable(tf.randomNormal([b, classes], 0, 3, 'float32', 8));
    const teacherEmb = tf.randomNormal([b, 12], 0, 1, 'float32', 9) as tf.Tensor2D;
    // Class 5 has no example in the batch.
    const labels = tf.tensor1d(Array.from({ length: b }, (_, i) => i % 5), 'int32');
    const globalCentres = tf.randomNormal([classes, 12], 0, 1, 'float32', 10) as tf.Tensor2D;
    const run = (mode: 'all' | 'none') =>
      tf.tidy(() => {
        setFusedMode(mode);
        let parts: number[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const r = refilledStage2Loss({ ...settings, studentLogits: logits as tf.Tensor2D, teacherEmb, labels, numClasses: classes, globalCentres, tau2: 2, lambda: 3 });
          parts = [r.ce.dataSync()[0], r.kd.dataSync()[0]];
          return r.loss;
        }, [logits]);
        return { loss: value.dataSync()[0], parts, grad: grads[logits.name].dataSync() };
      });
    const before = tf.memory().numTensors;
    const a = run('all');
    const c = run('none');
    setFusedMode('auto');
    expect(tf.memory().numTensors).toBe(before);
    expect(a.parts[1]).toBeGreaterThan(0);
    expect(a.loss).toBeCloseTo(c.loss, 5);
    expect(a.parts[1]).toBeCloseTo(c.parts[1], 5);
    let err = 0;
    for (let i = 0; i < a.grad.length; i++) err = Math.max(err, Math.abs(a.grad[i] - c.grad[i]));
    expect(err).toBeLessThanOrEqual(1e-6);
    tf.dispose([logits, teacherEmb, labels, globalCentres]);
  });

  it('builds the 3×3 patch matrix: by hand, and as the transpose, pad and slices do', async () => {
    await tf.setBackend(backend);
    setFusedMode('all');
    expect(fused('patches')).toBe(true);
    const before = tf.memory().numTensors;
    // x = [[1, 2], [3, 4]]: the top-left tap sees x[y − 1, x − 1], the centre x itself, the bottom-right x[y + 1, x + 1].
    const small = tf.tidy(() => patchesTransposed3x3(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])).arraySync());
    expect(small).toHaveLength(9);
    expect(small[0]).toEqual([0, 0, 0, 1]);
    expect(small[1]).toEqual([0, 0, 1, 2]);
    expect(small[4]).toEqual([1, 2, 3, 4]);
    expect(small[8]).toEqual([4, 0, 0, 0]);
    const x = tf.randomNormal([3, 5, 7, 2], 0, 1, 'float32', 14) as tf.Tensor4D;
    const fusedPatches = tf.tidy(() => patchesTransposed3x3(x).arraySync());
    setFusedMode('none');
    const opsPatches = tf.tidy(() => patchesTransposed3x3(x).arraySync());
    setFusedMode('auto');
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect([fusedPatches.length, fusedPatches[0].length]).toEqual([18, 105]);
    expect(fusedPatches).toEqual(opsPatches);
  });

  it('updates a group of variables with one SGD kernel, as the concatenated update does', async () => {
    await tf.setBackend(backend);
    const run = (mode: 'all' | 'none') => {
      setFusedMode(mode);
      const vars = tf.tidy(() => [tf.variable(tf.randomNormal([3, 3, 1, 4], 0, 1, 'float32', 30)), tf.variable(tf.randomNormal([4], 0, 1, 'float32', 31)), tf.variable(tf.randomNormal([4, 5], 0, 1, 'float32', 32))]);
      const optimizer = new Optimizer({ kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
      for (let step = 0; step < 3; step++) {
        tf.tidy(() => {
          const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.randomNormal(v.shape, 0, 1, 'float32', 40 + 3 * step + i)]));
          optimizer.apply([{ variables: vars, learningRate: 0.1 }], grads);
        });
      }
      const out = { weights: vars.map((v) => Array.from(v.dataSync())), velocity: Array.from(optimizer.stateTensors().slots[0].variables[0].dataSync()) };
      tf.dispose(vars);
      optimizer.dispose();
      return out;
    };
    const before = tf.memory().numTensors;
    const group = run('all');
    expect(fused('sgdGroup')).toBe(true);
    const flat = run('none');
    setFusedMode('auto');
    expect(tf.memory().numTensors).toBe(before);
    expect(group.velocity).toHaveLength(36 + 4 + 20);
    // Elementwise float32 arithmetic in the same order: bit for bit.
    expect(group).toEqual(flat);
  });

  it('runs what the mode asks: none, all, or (auto) what makes this backend faster', async () => {
    await tf.setBackend(backend);
    setFusedMode('none');
    expect([fused('batchNormRelu'), fused('sgd')]).toEqual([false, false]);
    setFusedMode('all');
    expect([fused('batchNormRelu'), fused('sgd')]).toEqual([true, true]);
    setFusedMode('auto');
    // wasm keeps tfjs's SIMD batch-norm kernels (see SLOWER_ON).
    expect([fused('batchNormRelu'), fused('sgd'), fused('movingAverage')]).toEqual([backend !== 'wasm', true, true]);
  });
});
