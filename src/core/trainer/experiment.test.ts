import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig, type ExperimentConfig, type Method } from '../../protocol/config';
import type { ExperimentSplit, ExperimentSplits } from '../data/splits';
import { ConvNet } from '../model/convnet';
import { teacherFromLayersModel, type Teacher } from '../model/teacher';
import { mulberry32 } from '../random';
import { Experiment } from './experiment';

/** Class k draws a bright square at a class-specific position plus noise: separable, like a tiny dataset. */
function syntheticSplit(perClass: number, classes: number, seed: number): ExperimentSplit {
  const rng = mulberry32(seed);
  const count = perClass * classes;
  const images = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const k = i % classes;
    labels[i] = k;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = 0.2 * rng();
    const r0 = 2 + 5 * (k % 5);
    const c0 = k < 5 ? 2 : 15;
    for (let r = r0; r < r0 + 5; r++) for (let c = c0; c < c0 + 10; c++) images[i * 784 + r * 28 + c] = 0.8 + 0.2 * rng();
  }
  return { images, labels, count, sourceClasses: Array.from({ length: classes }, (_, k) => k), indices: new Int32Array(count) };
}

const splits: ExperimentSplits = { train: syntheticSplit(4, 3, 1), val: syntheticSplit(3, 3, 2), test: syntheticSplit(5, 3, 3) };
const splits10: ExperimentSplits = { train: syntheticSplit(2, 10, 4), val: syntheticSplit(1, 10, 5), test: syntheticSplit(1, 10, 6) };
let teacher: Teacher;
let teacher10: Teacher;
const OPTIONS = { backend: 'cpu', classNames: ['a', 'b', 'c'], evalIntervalSteps: 3, evalChunk: 16 };

function tinyConfig(method: Method, overrides: Record<string, unknown> = {}): ExperimentConfig {
  return resolveConfig({
    dataset: 'mnist',
    teacher: 'mnist-0-4',
    studentClasses: [5, 6, 7],
    method,
    studentWidth: 0.25,
    batchSize: 12,
    runtime: { reportIntervalSteps: 2 },
    stage1: { epochs: 3 },
    stage2: { epochs: 3 },
    ...overrides,
  });
}

async function run(config: ExperimentConfig, data = splits, t = () => teacher) {
  const exp = await Experiment.create(config, data, t(), OPTIONS);
  const result = await exp.runToEnd();
  exp.dispose();
  if (!result) throw new Error('no result');
  return result;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  // A random width-0.25 "teacher" with a 3-class head, exported and wrapped like a shipped one.
  const net = new ConvNet({ widthMultiplier: 0.25, numClasses: 3, seed: 99 });
  teacher = teacherFromLayersModel(net.toLayersModel());
  net.dispose();
  const net10 = new ConvNet({ widthMultiplier: 0.25, numClasses: 10, seed: 98 });
  teacher10 = teacherFromLayersModel(net10.toLayersModel());
  net10.dispose();
});
afterAll(() => {
  teacher.dispose();
  teacher10.dispose();
});

describe('Experiment', () => {
  it('runs REFILLED through both stages and reports every series', async () => {
    const result = await run(tinyConfig('refilled'));
    expect(result.stage1?.steps).toBe(3);
    expect(result.final.steps).toBe(3);
    const stage1 = result.series.metrics.filter((m) => m.stage === 1);
    const stage2 = result.series.metrics.filter((m) => m.stage === 2);
    expect(stage1.length).toBe(2); // steps 1-2, then the end of stage 1
    expect(stage2.length).toBe(2);
    expect(stage1[0].triplets?.mined).toBeGreaterThan(0);
    expect(stage2[0].ce).toBeGreaterThan(0);
    expect(stage2[0].lambda).toBe(DEFAULT_CONFIG.stage2.lambda);
    for (const m of result.series.metrics) expect(Number.isFinite(m.loss)).toBe(true);
    expect(result.final.confusion.flat().reduce((a, b) => a + b, 0)).toBe(splits.test.count);
    expect(result.counts).toEqual({ train: 12, val: 9, test: 15 });
    // NMI after stage 1 and at the end; no episodic task fits 5 test images per class (1 shot + 15 queries).
    for (const nmi of [result.stage1?.nmi, result.final.nmi]) expect(nmi).toBeGreaterThanOrEqual(0);
    expect(result.final.episodic).toEqual([]);
  });

  it('selects the stage-2 checkpoint on validation accuracy, never on test', async () => {
    const result = await run(tinyConfig('refilled', { stage2: { epochs: 6 } }));
    const stage2Evals = result.series.evals.filter((e) => e.stage === 2);
    const bestVal = Math.max(...stage2Evals.map((e) => e.valAccuracy ?? 0));
    expect(result.final.valAccuracy).toBe(bestVal);
    expect(stage2Evals.find((e) => e.valAccuracy === bestVal)?.step).toBe(result.final.bestStep);
  });

  it.each(['vanilla', 'stage1-only', 'rkd'] as const)('runs the %s baseline', async (method) => {
    const result = await run(tinyConfig(method));
    expect(result.method).toBe(method);
    expect(result.stage1 === undefined).toBe(method === 'vanilla');
    for (const m of result.series.metrics.filter((p) => p.stage === 2)) expect(m.kd).toBe(0);
    if (method === 'rkd') expect(result.series.metrics[0].rkd).toBeDefined();
  });

  it('runs Hinton KD when the student has the teacher classes', async () => {
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const result = await run(tinyConfig('kd', { teacher: 'fashion-all', dataset: 'fashion-mnist', studentClasses: all, teacherClasses: all, batchSize: 10 }), splits10, () => teacher10);
    expect(result.series.metrics.some((m) => (m.kd ?? 0) > 0)).toBe(true);
  });

  it('gives the same numbers for the same seed and different ones for another seed', async () => {
    const a = await run(tinyConfig('refilled'));
    const b = await run(tinyConfig('refilled'));
    const c = await run(tinyConfig('refilled', { seed: 2 }));
    const losses = (r: typeof a) => r.series.metrics.map((m) => m.loss);
    expect(losses(b)).toEqual(losses(a));
    expect(b.final.testAccuracy).toBe(a.final.testAccuracy);
    expect(b.final.nmi).toBe(a.final.nmi);
    expect(losses(c)).not.toEqual(losses(a));
  });

  it('augments the same seeded way on every run', async () => {
    // Digits refuse flips (config.test.ts); the KD test below flips Fashion-MNIST.
    const augment = { shift: 2, flip: false };
    const a = await run(tinyConfig('refilled', { augment }));
    const b = await run(tinyConfig('refilled', { augment }));
    const plain = await run(tinyConfig('refilled'));
    const losses = (r: typeof a) => r.series.metrics.map((m) => m.loss);
    expect(losses(b)).toEqual(losses(a));
    expect(b.final.testAccuracy).toBe(a.final.testAccuracy);
    expect(losses(a)).not.toEqual(losses(plain));
  }, 300_000);

  it('has the teacher embed the augmented batch in both stages, and read its cache otherwise', async () => {
    // The teacher embeds each training batch (as augmented) once per step, in both stages;
    // without augmentation it reads its cached embeddings and never runs during training.
    const batchesSeen = async (method: 'refilled' | 'vanilla' | 'rkd', shift: number) => {
      const seen: number[] = [];
      const spy: Teacher = { ...teacher, embed: (x) => (seen.push(x.shape[0]), teacher.embed(x)) };
      const exp = await Experiment.create(tinyConfig(method, { augment: { shift }, stage1: { epochs: 2 }, stage2: { epochs: 1 } }), splits, spy, OPTIONS);
      const afterCache = seen.length;
      await exp.runToEnd();
      exp.dispose();
      return seen.slice(afterCache);
    };
    expect(await batchesSeen('refilled', 1)).toEqual([12, 12, 12]);
    expect(await batchesSeen('rkd', 1)).toEqual([12, 12]);
    expect(await batchesSeen('vanilla', 1)).toEqual([]);
    expect(await batchesSeen('refilled', 0)).toEqual([]);
  }, 300_000);

  it('augments Hinton KD with the teacher logits of the augmented batch', async () => {
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const seen: number[] = [];
    const spy: Teacher = { ...teacher10, logits: (x) => (seen.push(x.shape[0]), teacher10.logits(x)) };
    const config = tinyConfig('kd', { teacher: 'fashion-all', dataset: 'fashion-mnist', studentClasses: all, teacherClasses: all, batchSize: 10, augment: { shift: 1, flip: true } });
    const exp = await Experiment.create(config, splits10, spy, OPTIONS);
    const afterCache = seen.length;
    const result = await exp.runToEnd();
    exp.dispose();
    expect(seen.slice(afterCache)).toEqual(Array(6).fill(10));
    expect(result?.series.metrics.some((m) => (m.kd ?? 0) > 0)).toBe(true);
  });

  it('keeps the tensor count flat with augmentation on', async () => {
    const before = tf.memory().numTensors;
    const exp = await Experiment.create(tinyConfig('refilled', { stage1: { epochs: 5 }, stage2: { epochs: 5 }, augment: { shift: 2 } }), splits, teacher, { ...OPTIONS, evalIntervalSteps: 2 });
    // Tensors alive after every 2nd step of each stage (a report and an evaluation just ran).
    const counts: Record<number, number[]> = { 1: [], 2: [] };
    while (exp.stage !== 'done') {
      const stage = exp.stage;
      const stageStep = exp.progress().stageStep;
      await exp.step();
      if ((stageStep + 1) % 2 === 0 && exp.stage === stage) counts[stage].push(tf.memory().numTensors);
    }
    expect(counts[1].length).toBe(2);
    expect(counts[2].length).toBe(2);
    expect(new Set(counts[1]).size).toBe(1);
    expect(new Set(counts[2]).size).toBe(1);
    await exp.result();
    exp.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);

  it('keeps the tensor count flat across steps and frees everything on dispose', async () => {
    const before = tf.memory().numTensors;
    const exp = await Experiment.create(tinyConfig('refilled', { stage1: { epochs: 12 }, stage2: { epochs: 12 } }), splits, teacher, { ...OPTIONS, evalIntervalSteps: 4 });
    // Tensors alive after every 4th step of each stage (a report and an evaluation just ran).
    const counts: Record<number, number[]> = { 1: [], 2: [] };
    while (exp.stage !== 'done') {
      const stage = exp.stage;
      const stageStep = exp.progress().stageStep;
      await exp.step();
      if ((stageStep + 1) % 4 === 0 && exp.stage === stage) counts[stage].push(tf.memory().numTensors);
    }
    expect(counts[1].length).toBe(2);
    expect(counts[2].length).toBe(2);
    expect(new Set(counts[1]).size).toBe(1);
    expect(new Set(counts[2]).size).toBe(1);
    await exp.result();
    exp.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads back only at reporting and evaluation intervals', async () => {
    const exp = await Experiment.create(tinyConfig('refilled', { stage1: { epochs: 8 }, stage2: { epochs: 8 }, runtime: { reportIntervalSteps: 4 } }), splits, teacher, { ...OPTIONS, evalIntervalSteps: 8 });
    const afterPrepare = exp.readbacks.count;
    const perStep: number[] = [];
    while (exp.stage !== 'done') {
      const n = exp.readbacks.count;
      await exp.step();
      perStep.push(exp.readbacks.count - n);
    }
    exp.dispose();
    expect(afterPrepare).toBe(2); // the teacher's NCM reference and its local classifier (τ*, q's statistics)
    // 16 steps: reports after steps 4, 8, 12, 16; evaluations after 8 and 16; stage-1 test NCM and test embedding (NMI) after 8.
    expect(perStep.filter((n) => n > 0).length).toBe(4);
    expect(perStep.reduce((a, b) => a + b, 0)).toBe(4 + 2 + 2);
  });
});
