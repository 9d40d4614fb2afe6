import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ExperimentConfig } from '../../protocol/config';
import type { ExperimentSplit, ExperimentSplits } from '../data/splits';
import { ConvNet } from '../model/convnet';
import { teacherFromLayersModel, type Teacher } from '../model/teacher';
import { mulberry32 } from '../random';
import { checkpointKey, CheckpointError, readTensorGroups, type TrainingCheckpoint } from './checkpoint';
import { Experiment } from './experiment';

/** Class k draws a bright square at a class-specific position plus noise (as experiment.test.ts). */
function syntheticSplit(perClass: number, classes: number, seed: number): ExperimentSplit {
  const rng = mulberry32(seed);
  const count = perClass * classes;
  const images = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const k = i % classes;
    labels[i] = k;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = 0.2 * rng();
    const r0 = 2 + 5 * k;
    for (let r = r0; r < r0 + 5; r++) for (let c = 2; c < 12; c++) images[i * 784 + r * 28 + c] = 0.8 + 0.2 * rng();
  }
  return { images, labels, count, sourceClasses: Array.from({ length: classes }, (_, k) => k), indices: new Int32Array(count) };
}

const splits: ExperimentSplits = { train: syntheticSplit(4, 3, 1), val: syntheticSplit(3, 3, 2), test: syntheticSplit(5, 3, 3) };
const OPTIONS = { backend: 'cpu', classNames: ['a', 'b', 'c'], evalIntervalSteps: 2, evalChunk: 16, episodes: 0 };

/** 12 training images in batches of 6: 2 steps per epoch, 3 epochs per stage, a report every second step. */
function config(overrides: Record<string, unknown> = {}): ExperimentConfig {
  return resolveConfig({
    dataset: 'mnist',
    teacher: 'mnist-0-4',
    studentClasses: [5, 6, 7],
    method: 'refilled',
    studentWidth: 0.25,
    batchSize: 6,
    runtime: { reportIntervalSteps: 2 },
    stage1: { epochs: 3 },
    stage2: { epochs: 3 },
    ...overrides,
  });
}

/** A random width-0.25 "teacher" with a 3-class head, built on the current backend. */
function makeTeacher(): Teacher {
  const net = new ConvNet({ widthMultiplier: 0.25, numClasses: 3, seed: 99 });
  const teacher = teacherFromLayersModel(net.toLayersModel());
  net.dispose();
  return teacher;
}

async function stepTo(exp: Experiment, globalStep: number): Promise<void> {
  while (exp.globalStep < globalStep) await exp.step();
}

async function variableValues(exp: Experiment): Promise<Float32Array[]> {
  const [values] = await readTensorGroups([exp.student.allVariables()], (t) => t.data() as Promise<Float32Array>);
  return values;
}

let cpuTeacher: Teacher;

beforeAll(async () => {
  await tf.setBackend('cpu');
  cpuTeacher = makeTeacher();
});
afterAll(async () => {
  await tf.setBackend('cpu');
  cpuTeacher.dispose();
});

describe('training checkpoints', () => {
  it('continues on the same backend exactly as the uninterrupted run (stage 1 and stage 2, with augmentation and momentum)', async () => {
    const c = config({ augment: { shift: 2 }, optimizer: { kind: 'sgd', momentum: 0.9 } });
    const whole = await Experiment.create(c, splits, cpuTeacher, OPTIONS);
    const expected = await whole.runToEnd();
    whole.dispose();
    for (const at of [4, 8]) {
      const first = await Experiment.create(c, splits, cpuTeacher, OPTIONS);
      await stepTo(first, at);
      expect(first.atReport).toBe(true);
      const checkpoint = await first.checkpoint();
      first.dispose();
      const second = await Experiment.create(c, splits, cpuTeacher, OPTIONS);
      second.restore(checkpoint);
      expect(second.globalStep).toBe(at);
      const result = await second.runToEnd();
      second.dispose();
      expect(result?.series.metrics.map((m) => [m.step, m.loss])).toEqual(expected?.series.metrics.map((m) => [m.step, m.loss]));
      expect(result?.series.evals).toEqual(expected?.series.evals);
      expect(result?.final.testAccuracy).toBe(expected?.final.testAccuracy);
      expect(result?.final.bestStep).toBe(expected?.final.bestStep);
      expect(result?.stage1).toEqual(expected?.stage1);
    }
  });

  it('holds the stage, the optimiser slots and the best snapshot as plain data, in one counted read-back', async () => {
    const before = tf.memory().numTensors;
    const exp = await Experiment.create(config(), splits, cpuTeacher, OPTIONS);
    await stepTo(exp, 8);
    const tensors = tf.memory().numTensors;
    const readbacks = exp.readbacks.count;
    const checkpoint = await exp.checkpoint();
    expect(exp.readbacks.count).toBe(readbacks + 1);
    expect(checkpoint.readbacks).toBe(readbacks + 1);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(checkpoint).toMatchObject({ stage: 2, stageStep: 2, globalStep: 8, configKey: checkpointKey(config()) });
    expect(checkpoint.variables.every((v) => v instanceof Float32Array)).toBe(true);
    expect(checkpoint.variables.length).toBe(exp.student.allVariables().length);
    // Stage 2: one momentum vector for the embedding and one for the head, both moved off zero.
    expect(checkpoint.optimizer.slots.map((s) => s.group)).toEqual([0, 1]);
    expect(checkpoint.optimizer.slots.every((s) => s.values[0].some((v) => v !== 0))).toBe(true);
    expect(checkpoint.best?.step).toBe(8);
    expect(checkpoint.metrics.map((m) => m.step)).toEqual([2, 4, 6, 8]);
    // Survives a structured clone (a postMessage or IndexedDB) unchanged.
    expect(structuredClone(checkpoint)).toEqual(checkpoint);
    exp.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is refused by another run, or in the middle of a reporting interval', async () => {
    const exp = await Experiment.create(config(), splits, cpuTeacher, OPTIONS);
    await exp.step();
    expect(exp.atReport).toBe(false);
    await expect(exp.checkpoint()).rejects.toThrow(/between reporting intervals/);
    await exp.step();
    const checkpoint = await exp.checkpoint();
    exp.dispose();
    const other = await Experiment.create(config({ seed: 7 }), splits, cpuTeacher, OPTIONS);
    expect(() => other.restore(checkpoint)).toThrow(CheckpointError);
    other.dispose();
  });

  it('moves a run from the CPU backend to WebAssembly and back: exact weights, same steps, finite losses, no leaks', async () => {
    const c = config();
    const whole = await Experiment.create(c, splits, cpuTeacher, OPTIONS);
    const expected = await whole.runToEnd();
    whole.dispose();

    const before = tf.memory().numTensors;
    const first = await Experiment.create(c, splits, cpuTeacher, OPTIONS);
    await stepTo(first, 4);
    const checkpoint: TrainingCheckpoint = await first.checkpoint();
    first.dispose();
    expect(tf.memory().numTensors).toBe(before);

    expect(await tf.setBackend('wasm')).toBe(true);
    const wasmTeacher = makeTeacher();
    const onWasm = await Experiment.create(c, splits, wasmTeacher, { ...OPTIONS, backend: 'wasm' });
    const fresh = tf.memory().numTensors;
    onWasm.restore(checkpoint);
    // The best-on-validation snapshot comes back as tensors; nothing else is added.
    expect(checkpoint.best).not.toBeNull();
    expect(tf.memory().numTensors).toBe(fresh + (checkpoint.best?.variables.length ?? 0));
    expect(await variableValues(onWasm)).toEqual(checkpoint.variables);
    await stepTo(onWasm, 8);
    const second = await onWasm.checkpoint();
    onWasm.dispose();
    wasmTeacher.dispose();
    expect(tf.memory().numTensors).toBe(before);

    await tf.setBackend('cpu');
    const back = await Experiment.create(c, splits, cpuTeacher, OPTIONS);
    back.restore(second);
    expect(await variableValues(back)).toEqual(second.variables);
    const result = await back.runToEnd();
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const steps = (r: typeof result) => r?.series.metrics.map((m) => [m.stage, m.step]);
    expect(steps(result)).toEqual(steps(expected));
    expect(result?.series.evals.map((e) => e.step)).toEqual(expected?.series.evals.map((e) => e.step));
    expect(result?.series.metrics.every((m) => Number.isFinite(m.loss))).toBe(true);
    expect(result?.final.steps).toBe(expected?.final.steps);
    // Steps 1–4 ran on the CPU backend in both runs: their reports are the same numbers.
    expect(result?.series.metrics.slice(0, 2).map((m) => m.loss)).toEqual(expected?.series.metrics.slice(0, 2).map((m) => m.loss));
  });
});
