import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { METHODS, resolveConfig, usesStage1 } from '../../protocol/config';
import type { MetricsPoint } from '../../protocol/results';
import { teacherDistances } from '../losses';
import { METHOD_TABLE, type BatchContext } from './objectives';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function context(overrides: Partial<BatchContext> & { labels: tf.Tensor1D }): BatchContext {
  const ctx: BatchContext = {
    config: resolveConfig({}),
    numClasses: 2,
    rows: tf.range(0, overrides.labels.shape[0], 1, 'int32') as tf.Tensor1D,
    teacherEmb: () => {
      throw new Error('teacher embedding not given');
    },
    teacherLogits: () => {
      throw new Error('teacher logits not given');
    },
    globalCentres: null,
    tau2: 1,
    teacherTau: 1,
    lambda: 0,
    withStats: true,
    // As the trainer does without its cache: from the batch's teacher embedding.
    teacherDist: () => teacherDistances(ctx.teacherEmb()),
    ...overrides,
  };
  return ctx;
}

const point = (): MetricsPoint => ({ stage: 2, step: 1, epoch: 0, learningRate: 0.1, loss: 0, stepMs: 0 });

describe('METHOD_TABLE', () => {
  it('has an entry for every method, and runs stage 1 exactly where the protocol says so', () => {
    for (const method of METHODS) {
      const entry = METHOD_TABLE[method];
      expect(entry, method).toBeDefined();
      expect(entry.stage1 !== null, method).toBe(usesStage1(method));
    }
  });

  it('names the loss first in every objective', () => {
    for (const method of METHODS) {
      const { stage1, stage2 } = METHOD_TABLE[method];
      for (const objective of [stage1, stage2]) if (objective) expect(objective.stats[0], method).toBe('loss');
    }
  });

  it('asks for the teacher caches the configuration reads', () => {
    // Stage 1's triplets read the teacher's pairwise distances of each batch: cached for the training set.
    expect(METHOD_TABLE.refilled.teacherCaches(resolveConfig({ stage2: { centres: 'global' } }))).toEqual(['globalCentres', 'trainDistances']);
    expect(METHOD_TABLE.refilled.teacherCaches(resolveConfig({ stage2: { centres: 'local' } }))).toEqual(['trainDistances']);
    expect(METHOD_TABLE['stage1-only'].teacherCaches(resolveConfig({}))).toEqual(['trainDistances']);
    const kd = resolveConfig({ method: 'kd', teacher: 'fashion-all', studentClasses: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(METHOD_TABLE.kd.teacherCaches(kd)).toEqual(['trainLogits']);
    for (const method of ['vanilla', 'rkd'] as const) expect(METHOD_TABLE[method].teacherCaches(resolveConfig({}))).toEqual([]);
  });

  it('gives λ(epoch): the schedule for REFILLED, the constant for KD, 0 for the others', () => {
    const decayed = resolveConfig({ preset: 'cvpr2020' });
    expect(METHOD_TABLE.refilled.lambda(decayed, 2)).toBeCloseTo(1000 * Math.exp(-0.05 * 2), 9);
    expect(METHOD_TABLE.refilled.lambda(resolveConfig({ stage2: { lambda: 7 } }), 5)).toBe(7);
    expect(METHOD_TABLE.kd.lambda(resolveConfig({ stage2: { lambda: 3 } }), 9)).toBe(3);
    for (const method of ['vanilla', 'stage1-only', 'rkd'] as const) expect(METHOD_TABLE[method].lambda(decayed, 0)).toBe(0);
  });

  it('cross-entropy objective: CE, zero KD term and the batch accuracy, hand-computed', async () => {
    // logits [[2, 0], [0, 1]], labels [0, 0]: CE = (log(1 + e⁻²) + log(1 + e¹)) / 2, accuracy ½.
    const labels = tf.tensor1d([0, 0], 'int32');
    const logits = tf.tensor2d([[2, 0], [0, 1]]);
    const before = tf.memory().numTensors;
    const stats = tf.tidy(() => {
      const r = METHOD_TABLE.vanilla.stage2.compute(context({ labels }), logits);
      return tf.stack(METHOD_TABLE.vanilla.stage2.stats.map((k) => r.stats[k]));
    });
    const values = Array.from(await stats.data());
    stats.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const ce = (Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(1))) / 2;
    expect(values[0]).toBeCloseTo(ce, 5);
    expect(values[1]).toBeCloseTo(ce, 5);
    expect(values[2]).toBe(0);
    expect(values[3]).toBeCloseTo(0.5, 6);
    const p = point();
    METHOD_TABLE.vanilla.stage2.report({ loss: ce, ce, kd: 0, trainAccuracy: 0.5 }, 5, p);
    expect(p).toMatchObject({ ce, kd: 0, trainAccuracy: 0.5 });
    tf.dispose([labels, logits]);
  });

  it('KD objective reads the teacher logits of the batch', async () => {
    const labels = tf.tensor1d([0, 1], 'int32');
    const logits = tf.tensor2d([[1, 0], [0, 1]]);
    const teacher = tf.tensor2d([[1, 0], [0, 1]]);
    // Same logits on both sides: the KL term is exactly 0 and the loss is the CE.
    const r = tf.tidy(() => {
      const out = METHOD_TABLE.kd.stage2.compute(context({ labels, lambda: 5, teacherLogits: () => teacher }), logits);
      return tf.stack([out.stats.loss, out.stats.ce, out.stats.kd]);
    });
    const [loss, ce, kd] = Array.from(await r.data());
    expect(kd).toBeCloseTo(0, 6);
    expect(loss).toBeCloseTo(ce, 6);
    expect(ce).toBeCloseTo(Math.log(1 + Math.exp(-1)), 5);
    tf.dispose([labels, logits, teacher, r]);
  });

  it('stage-1 reports: triplet statistics of the last step (undoing the interval mean), RKD terms as means', () => {
    const p = point();
    METHOD_TABLE.refilled.stage1?.report({ loss: 2, mined: 3, anchorsWithTriplet: 1, meanPT: 0.1, meanPS: 0.1, agreement: 0.2, meanAbsDiff: 0.01 }, 5, p);
    expect(p.triplets?.mined).toBe(15);
    expect(p.triplets?.agreement).toBeCloseTo(1, 12);
    const q = point();
    METHOD_TABLE.rkd.stage1?.report({ loss: 2, distance: 0.5, angle: 0.25 }, 5, q);
    expect(q.rkd).toEqual({ distance: 0.5, angle: 0.25 });
  });
});
