/**
 * The worker handler in Node, on tfjs's cpu backend, with a fake `post`: the protocol's
 * order of events, pause / resume / step N / stop, stale run ids, errors as events, and
 * no tensor leaks. Configurations are tiny (3 shots, width 0.25) and the data is a small
 * synthetic stand-in served under the name "mnist" (40 pool and 20 test images per class),
 * so that a run costs seconds: these tests are about the protocol, not accuracy. The
 * teacher is the real shipped MNIST teacher.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeFetchBytes } from '../core/data/node-fs';
import { memoryFetchBytes, syntheticFiles } from '../core/data/synthetic';
import { DatasetError } from '../core/data/loader';
import { AssetCache } from '../core/run';
import { DivergenceError } from '../core/trainer/experiment';
import { ConfigError, resolveConfig, type ExperimentConfig } from '../protocol/config';
import type { WorkerEvent } from '../protocol/messages';
import { createWorkerHandler, toErrorEvent, type WorkerHandlerOptions } from './handler';

const TEACHERS_DIR = new URL('../../public/teachers', import.meta.url).pathname;

/** 3 shots × 5 classes = 15 training images; 10 validation and 100 test images. */
function tinyConfig(overrides: Record<string, unknown> = {}): ExperimentConfig {
  return resolveConfig({
    dataset: 'mnist',
    teacher: 'mnist-0-4',
    studentClasses: [5, 6, 7, 8, 9],
    shotsPerClass: 3,
    validationFraction: 0.05,
    studentWidth: 0.25,
    'stage1.epochs': 2,
    'stage2.epochs': 2,
    'runtime.reportIntervalSteps': 1,
    ...overrides,
  });
}

let assets: AssetCache;
/** Live tensors with the dataset and teacher loaded (they stay cached between runs). */
let baseline: number;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  const data = memoryFetchBytes(await syntheticFiles('mnist', new Array<number>(10).fill(40), 20));
  assets = new AssetCache({ data, teachers: nodeFetchBytes(TEACHERS_DIR) });
  await Promise.all([assets.dataset('mnist'), assets.teacher('mnist-0-4')]);
  baseline = tf.memory().numTensors;
});

type Recorder = ReturnType<typeof setup>;

/** A handler whose events are recorded; `on(type, fn)` reacts to an event as it is posted. */
function setup(options: Partial<WorkerHandlerOptions> = {}) {
  const events: WorkerEvent[] = [];
  const reactions: ((e: WorkerEvent) => void)[] = [];
  const handler = createWorkerHandler({
    post: (e) => {
      events.push(structuredClone(e));
      for (const react of reactions) react(e);
    },
    assets,
    backend: { name: 'cpu', reason: 'test', forced: true },
    flushEveryMs: 0,
    ...options,
  });
  const of = <T extends WorkerEvent['type']>(type: T) => events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
  const statuses = () => of('status').map((e) => e.status);
  const points = (stage?: 1 | 2) => of('metrics').flatMap((e) => e.points.filter((p) => stage === undefined || p.stage === stage));
  const once = (type: WorkerEvent['type'], fn: (e: WorkerEvent) => void) => {
    let done = false;
    reactions.push((e) => {
      if (!done && e.type === type) {
        done = true;
        fn(e);
      }
    });
  };
  return { handler, events, of, statuses, points, once };
}

function lastStatus(r: Recorder): string | undefined {
  return r.statuses().at(-1);
}

describe('worker handler', () => {
  it('answers ping and init with the backend and the live tensor count', async () => {
    const r = setup();
    await r.handler.handle({ type: 'ping' });
    await r.handler.handle({ type: 'init', backend: null });
    expect(r.events).toEqual([
      { type: 'ready', backend: { name: 'cpu', reason: 'test', forced: true }, numTensors: baseline },
      { type: 'ready', backend: { name: 'cpu', reason: 'test', forced: true }, numTensors: baseline },
    ]);
  });

  it('runs both stages in order, pauses and resumes, and ends with the result', async () => {
    const r = setup();
    // Pause as soon as the first metrics arrive: the step in flight finishes, then the loop stops.
    r.once('metrics', () => void r.handler.handle({ type: 'pause', runId: 1 }));
    await r.handler.handle({ type: 'configure', runId: 1, config: tinyConfig() });
    expect(r.events.map((e) => e.type)).toEqual(['status', 'loading', 'loading', 'loading', 'loading', 'explorer-setup', 'prepared', 'status']);
    expect(r.statuses()).toEqual(['loading', 'ready']);
    // The loading phases in order, each with its place and a line naming what is read.
    expect(r.of('loading').map((e) => [e.loading.phase, e.loading.index, e.loading.of])).toEqual([
      ['data', 0, 4],
      ['teacher', 1, 4],
      ['split', 2, 4],
      ['teacher-embeddings', 3, 4],
    ]);
    expect(r.of('loading')[0].loading.detail).toBe('Reading the mnist images');
    expect(r.of('loading')[1].loading.detail).toBe('Reading teacher mnist-0-4');
    const prepared = r.of('prepared')[0];
    expect(prepared).toMatchObject({ runId: 1, stage1Steps: 2, stage2Steps: 2, totalSteps: 4, batchSize: 15, counts: { train: 15, val: 10, test: 100 } });

    await r.handler.handle({ type: 'start', runId: 1 });
    expect(lastStatus(r)).toBe('paused');
    expect(r.points()).toHaveLength(1);

    await r.handler.handle({ type: 'resume', runId: 1 });
    expect(r.statuses()).toEqual(['loading', 'ready', 'running', 'paused', 'running', 'done']);
    expect(r.events.every((e) => e.type === 'ready' || ('runId' in e && e.runId === 1))).toBe(true);

    // Metrics of both stages, one point per step (report interval 1), steps counted globally.
    expect(r.points(1).map((p) => p.step)).toEqual([1, 2]);
    expect(r.points(2).map((p) => p.step)).toEqual([3, 4]);
    expect(r.points(1)[0].triplets).toBeDefined();
    expect(r.points(2)[0].ce).toBeGreaterThan(0);
    const progress = r.of('progress').at(-1)?.progress;
    expect(progress).toMatchObject({ stage: 2, stageStep: 2, stageSteps: 2, step: 4, totalSteps: 4 });

    // One evaluation at the end of each stage, each with a student picture; the teacher's once.
    const evals = r.of('eval');
    expect(evals.map((e) => e.point.stage)).toEqual([1, 2]);
    for (const e of evals) {
      expect(e.embedding?.who).toBe('student');
      expect(e.embedding?.points).toHaveLength(2 * 10);
      expect(e.embedding?.labels).toHaveLength(10);
      expect(e.embedding?.points.every(Number.isFinite)).toBe(true);
    }
    const teacher = r.of('embedding');
    expect(teacher).toHaveLength(1);
    expect(teacher[0].embedding.who).toBe('teacher');
    expect(new Set(teacher[0].embedding.labels)).toEqual(new Set([0, 1, 2, 3, 4]));

    // The result, the final status, then the live tensor count once the run is freed.
    const types = r.events.map((e) => e.type);
    expect(types.slice(-3)).toEqual(['result', 'status', 'ready']);
    expect(r.events.at(-1)).toMatchObject({ type: 'ready', numTensors: baseline });
    expect(types.indexOf('prepared')).toBeLessThan(types.indexOf('metrics'));
    const lastMetrics = types.lastIndexOf('metrics');
    expect(lastMetrics).toBeLessThan(types.indexOf('result'));
    const result = r.of('result')[0].result;
    expect(result.final.steps).toBe(2);
    expect(result.stage1?.steps).toBe(2);
    expect(result.final.nmi).toBeGreaterThanOrEqual(0);
    expect(result.readbacks).toBeGreaterThan(0);
    expect(r.of('metrics').at(-1)?.readbacks).toBeGreaterThan(0);
    expect(result.series.metrics).toHaveLength(4);

    // The finished run holds no tensors, and it ignores further requests.
    expect(tf.memory().numTensors).toBe(baseline);
    const before = r.events.length;
    await r.handler.handle({ type: 'start', runId: 1 });
    await r.handler.handle({ type: 'stop', runId: 1 });
    expect(r.events).toHaveLength(before);
  });

  it('steps exactly N steps of a stage (stage 2 first finishes stage 1), flat in tensors, then stops', async () => {
    // Batch 5 of 15 images: 3 steps an epoch, 6 steps per stage. No pictures, evaluations only at stage ends.
    const r = setup({ embeddings: false, evalIntervalSteps: 1000 });
    await r.handler.handle({ type: 'configure', runId: 7, config: tinyConfig({ batchSize: 5 }) });

    await r.handler.handle({ type: 'step', runId: 7, stage: 1, steps: 2 });
    expect(r.points().map((p) => [p.stage, p.step])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(lastStatus(r)).toBe('paused');

    // Asking for stage-2 steps runs the 4 remaining stage-1 steps first.
    await r.handler.handle({ type: 'step', runId: 7, stage: 2, steps: 2 });
    expect(r.points(1)).toHaveLength(6);
    expect(r.points(2).map((p) => p.step)).toEqual([7, 8]);
    expect(r.of('progress').at(-1)?.progress).toMatchObject({ stage: 2, stageStep: 2, step: 8 });

    // Stage 1 is over: a stage-1 step request runs nothing.
    await r.handler.handle({ type: 'step', runId: 7, stage: 1, steps: 3 });
    expect(r.points()).toHaveLength(8);

    // Steady state: the live tensor count does not move from step to step.
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await r.handler.handle({ type: 'step', runId: 7, stage: 2, steps: 1 });
      counts.push(tf.memory().numTensors);
    }
    expect(r.points(2)).toHaveLength(5);
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeGreaterThan(baseline);
    const reported = r.of('metrics').slice(-3).map((e) => e.numTensors);
    expect(new Set(reported).size).toBe(1);

    // Messages for another run id change nothing and post nothing.
    const before = r.events.length;
    for (const type of ['start', 'pause', 'resume', 'stop', 'reset'] as const) await r.handler.handle({ type, runId: 6 });
    await r.handler.handle({ type: 'step', runId: 8, stage: 2, steps: 1 });
    expect(r.events).toHaveLength(before);

    await r.handler.handle({ type: 'stop', runId: 7 });
    expect(lastStatus(r)).toBe('stopped');
    expect(tf.memory().numTensors).toBe(baseline);
    expect(r.events.at(-1)).toMatchObject({ type: 'ready', numTensors: baseline });
    const afterStop = r.events.length;
    await r.handler.handle({ type: 'step', runId: 7, stage: 2, steps: 1 });
    await r.handler.handle({ type: 'start', runId: 7 });
    expect(r.events).toHaveLength(afterStop);
  });

  it('a new run replaces the running one: its requests queue meanwhile, none of the old events follow, and reset frees everything', async () => {
    const r = setup({ embeddings: false, evalIntervalSteps: 1000 });
    let secondStarted = 0;
    let configured: Promise<void> | null = null;
    let stepped: Promise<void> | null = null;
    r.once('metrics', () => {
      // While run 1's step is in flight: configure run 2 and ask it for a step at once.
      secondStarted = r.events.length;
      configured = r.handler.handle({ type: 'configure', runId: 2, config: tinyConfig({ batchSize: 5, seed: 2 }) });
      stepped = r.handler.handle({ type: 'step', runId: 2, stage: 1, steps: 1 });
    });
    await r.handler.handle({ type: 'configure', runId: 1, config: tinyConfig({ batchSize: 5 }) });
    await r.handler.handle({ type: 'start', runId: 1 });
    expect(configured).not.toBeNull();
    await Promise.all([configured, stepped]);
    const later = r.events.slice(secondStarted).filter((e) => e.type !== 'ready');
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((e) => 'runId' in e && e.runId === 2)).toBe(true);
    expect(r.of('prepared').map((e) => e.runId)).toEqual([1, 2]);
    // The step asked for while run 2 was loading ran once it was ready.
    expect(later.filter((e) => e.type === 'metrics').flatMap((e) => (e.type === 'metrics' ? e.points : []))).toHaveLength(1);
    expect(lastStatus(r)).toBe('paused');

    expect(tf.memory().numTensors).toBeGreaterThan(baseline);
    await r.handler.handle({ type: 'reset', runId: 2 });
    expect(lastStatus(r)).toBe('idle');
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('reports an invalid configuration as config-invalid without loading anything', async () => {
    const r = setup();
    const config = { ...tinyConfig(), batchSize: 1 };
    await r.handler.handle({ type: 'configure', runId: 3, config });
    const errors = r.of('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ runId: 3, code: 'config-invalid' });
    expect(errors[0].message).toContain('batchSize');
    expect(errors[0].hint).toMatch(/settings/);
    expect(r.of('prepared')).toHaveLength(0);
    expect(lastStatus(r)).toBe('error');
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('reports a diverging run as run-diverged, keeps what was sent, and frees its tensors', async () => {
    // lr·weight decay = 1 with momentum 0.999 makes the weights grow without bound; λ = 1e5 and τ₂ = 0.01 make the loss overflow.
    const config = tinyConfig({
      batchSize: 5,
      'stage1.epochs': 1,
      'stage2.epochs': 10,
      'stage2.learningRate': 10,
      'stage2.learningRateMin': 10,
      'stage2.lrSchedule': 'constant',
      'stage2.lambda': 1e5,
      'stage2.tau2': 0.01,
      'stage2.score': 'sqeuclidean',
      'optimizer.momentum': 0.999,
      'optimizer.weightDecay': 0.1,
    });
    const r = setup({ embeddings: false, evalIntervalSteps: 1000 });
    await r.handler.handle({ type: 'configure', runId: 4, config });
    await r.handler.handle({ type: 'start', runId: 4 });
    const errors = r.of('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ runId: 4, code: 'run-diverged' });
    expect(errors[0].hint).toMatch(/learning rate/);
    expect(r.points().length).toBeGreaterThan(3);
    expect(r.of('result')).toHaveLength(0);
    expect(lastStatus(r)).toBe('error');
    expect(tf.memory().numTensors).toBe(baseline);
  });
});

describe('toErrorEvent', () => {
  it('keeps the code of named errors and words the rest', () => {
    expect(toErrorEvent(new DivergenceError(2, 10), 5)).toMatchObject({ type: 'error', runId: 5, code: 'run-diverged' });
    expect(toErrorEvent(new ConfigError([{ key: 'seed', message: 'seed must be a number' }]), 1).code).toBe('config-invalid');
    expect(toErrorEvent(new DatasetError('dataset-corrupt', 'bad checksum'), 1).code).toBe('dataset-corrupt');
    expect(toErrorEvent(new Error('GPU device was lost: reason unknown'), 1).code).toBe('device-lost');
    expect(toErrorEvent(new Error('Failed to allocate buffer: out of memory'), 1).code).toBe('out-of-memory');
    expect(toErrorEvent(new RangeError('Array buffer allocation failed'), null).code).toBe('out-of-memory');
    expect(toErrorEvent(Object.assign(new Error('x'), { code: 'ENOENT' }), 1).code).toBe('internal');
    const plain = toErrorEvent('something odd', null);
    expect(plain).toEqual({ type: 'error', runId: null, code: 'internal', message: 'something odd', hint: expect.stringContaining('reload') });
    expect(toErrorEvent({ weird: true }, 2).message).toBe('{"weird":true}');
  });
});
