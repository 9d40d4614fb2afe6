import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../protocol/config';
import type { WorkerEvent } from '../protocol/messages';
import type { ExperimentResult, MetricsPoint } from '../protocol/results';
import { appendBounded, MAX_POINTS, selectActiveRun, useRunStore } from './runStore';

/** A result of 2 classes on 200 test images: `testAccuracy`, predictions spread as `confusion` says. */
function fakeResult(testAccuracy: number, confusion: number[][] = [[80, 20], [20, 80]]): ExperimentResult {
  return {
    classNames: ['a', 'b'],
    counts: { train: 20, val: 20, test: 200 },
    final: { testAccuracy, valAccuracy: testAccuracy, ncmTestAccuracy: testAccuracy, confusion, perClassAccuracy: [], bestStep: 1, steps: 1 },
    readbacks: 3,
  } as unknown as ExperimentResult;
}

const point = (step: number, stage: 1 | 2 = 1): MetricsPoint => ({ stage, step, epoch: 0, learningRate: 0.1, loss: 1 / step, stepMs: 10 });
const store = () => useRunStore.getState();
const apply = (e: WorkerEvent) => store().applyEvent(e);
const run = (runId: number) => store().runs.find((r) => r.runId === runId);

beforeEach(() => {
  useRunStore.setState(useRunStore.getInitialState(), true);
});

describe('appendBounded', () => {
  it('keeps everything up to the bound', () => {
    const out = appendBounded([point(1)], [point(2), point(3)], 5);
    expect(out.map((p) => p.step)).toEqual([1, 2, 3]);
  });

  it('thins the older half by 2 beyond the bound, keeping recent points and the order', () => {
    const points = Array.from({ length: 10 }, (_, i) => i + 1);
    const out = appendBounded(points, [11], 10);
    expect(out.length).toBeLessThanOrEqual(10);
    expect(out.slice(-6)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(out).toEqual([...out].sort((a, b) => a - b));
    expect(out.at(-1)).toBe(11);
  });

  it('stays within MAX_POINTS over a long run, in step order, with the latest point last', () => {
    let metrics: MetricsPoint[] = [];
    for (let step = 1; step <= 20_000; step += 5) metrics = appendBounded(metrics, [1, 2, 3, 4, 5].map((k) => point(step + k - 1)));
    expect(metrics.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(metrics.length).toBeGreaterThan(MAX_POINTS / 2);
    expect(metrics.at(-1)?.step).toBe(20_000);
    expect(metrics.every((p, i) => i === 0 || p.step > metrics[i - 1].step)).toBe(true);
  });
});

describe('run store', () => {
  it('records a run from its events', () => {
    store().setBackend({ name: 'webgpu', reason: 'best available', adapter: 'google swiftshader', forced: false }, 12);
    store().addRun({ runId: 1, label: 'refilled', config: DEFAULT_CONFIG });
    expect(selectActiveRun(store())?.status).toBe('loading');
    apply({ type: 'prepared', runId: 1, totalSteps: 4, stage1Steps: 2, stage2Steps: 2, batchSize: 15, teacherNcmValAccuracy: 0.5, counts: { train: 15, val: 75, test: 2000 }, teacherCacheMs: 3 });
    apply({ type: 'status', runId: 1, status: 'running' });
    apply({ type: 'metrics', runId: 1, points: [point(1), point(2)], numTensors: 40, readbacks: 2 });
    apply({ type: 'progress', runId: 1, progress: { stage: 1, stageStep: 2, stageSteps: 2, step: 2, totalSteps: 4, epoch: 1, etaMs: 20 } });
    apply({ type: 'eval', runId: 1, point: { stage: 1, step: 2, epoch: 1, ncmValAccuracy: 0.6 }, embedding: { who: 'student', points: [0, 1], labels: [3] } });
    apply({ type: 'embedding', runId: 1, step: 2, embedding: { who: 'teacher', points: [1, 0], labels: [3] } });

    const r = run(1)!;
    expect(r.prepared?.totalSteps).toBe(4);
    expect(r.status).toBe('running');
    expect(r.metrics.map((p) => p.step)).toEqual([1, 2]);
    expect(r.progress?.step).toBe(2);
    expect(r.evals).toHaveLength(1);
    expect(r.embeddings.student?.points).toEqual([0, 1]);
    expect(r.embeddings.teacher?.points).toEqual([1, 0]);
    expect(store().numTensors).toBe(40);
    expect(store().readbacks).toBe(2);
    expect(store().lastStepMs).toBe(10);
    expect(store().backend?.name).toBe('webgpu');
    expect(r.finishedAtMs).toBeUndefined();

    apply({ type: 'status', runId: 1, status: 'done' });
    expect(run(1)?.finishedAtMs).toBeGreaterThan(0);
    // The snapshot the test hook hands out is plain data.
    expect(() => JSON.stringify({ runs: store().runs })).not.toThrow();
  });

  it('ignores events of unknown runs and keeps errors with their run', () => {
    store().addRun({ runId: 2, label: 'vanilla', config: DEFAULT_CONFIG });
    const before = store().runs;
    apply({ type: 'metrics', runId: 99, points: [point(1)], numTensors: 5, readbacks: 1 });
    expect(store().runs).toBe(before);

    apply({ type: 'metrics', runId: 2, points: [point(1)], numTensors: 5, readbacks: 1 });
    apply({ type: 'error', runId: 2, code: 'run-diverged', message: 'NaN', hint: 'Lower the learning rate' });
    expect(run(2)).toMatchObject({ status: 'error', error: { code: 'run-diverged', message: 'NaN' } });
    expect(run(2)?.metrics).toHaveLength(1);
    expect(run(2)?.finishedAtMs).toBeDefined();
  });

  it('puts a worker-level error on the active unfinished run and remembers it', () => {
    store().addRun({ runId: 3, label: 'refilled', config: DEFAULT_CONFIG });
    apply({ type: 'metrics', runId: 3, points: [point(1)], numTensors: 5, readbacks: 1 });
    apply({ type: 'error', runId: null, code: 'worker-crashed', message: 'The worker crashed', hint: 'run again' });
    expect(run(3)?.error?.code).toBe('worker-crashed');
    expect(run(3)?.metrics).toHaveLength(1);
    expect(store().engineError?.code).toBe('worker-crashed');

    // A finished run keeps its status when the worker later fails.
    store().addRun({ runId: 4, label: 'refilled', config: DEFAULT_CONFIG });
    apply({ type: 'status', runId: 4, status: 'done' });
    apply({ type: 'error', runId: null, code: 'device-lost', message: 'lost', hint: '' });
    expect(run(4)?.status).toBe('done');
  });

  it('marks a run done when its result arrives, before the worker’s done status', () => {
    store().addRun({ runId: 6, label: 'vanilla', config: DEFAULT_CONFIG });
    apply({ type: 'status', runId: 6, status: 'running', detail: '4 step(s) of stage 2' });
    apply({ type: 'result', runId: 6, result: fakeResult(0.8) });
    expect(run(6)).toMatchObject({ status: 'done', detail: undefined, result: { readbacks: 3 } });
    expect(run(6)?.finishedAtMs).toBeGreaterThan(0);
    expect(store().readbacks).toBe(3);
    apply({ type: 'status', runId: 6, status: 'done' });
    expect(run(6)?.status).toBe('done');

    // A run that failed stays failed, whatever it reported.
    store().addRun({ runId: 7, label: 'refilled', config: DEFAULT_CONFIG });
    apply({ type: 'error', runId: 7, code: 'run-diverged', message: 'NaN', hint: '' });
    apply({ type: 'result', runId: 7, result: fakeResult(0.8) });
    expect(run(7)?.status).toBe('error');
  });

  it('bounds the metrics of a long run', () => {
    store().addRun({ runId: 5, label: 'long', config: DEFAULT_CONFIG });
    for (let step = 1; step <= 10_000; step += 10) {
      apply({ type: 'metrics', runId: 5, points: Array.from({ length: 10 }, (_, k) => point(step + k)), numTensors: 1, readbacks: step });
    }
    const metrics = run(5)!.metrics;
    expect(metrics.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(metrics.at(-1)?.step).toBe(10_000);
  });

  it('queues a comparison seed-major and records the runs it started', () => {
    store().beginComparison(['vanilla', 'refilled'], [4, 5]);
    const c = store().comparison!;
    expect(c).toMatchObject({ id: 1, methods: ['vanilla', 'refilled'], seeds: [4, 5], runIds: [] });
    expect(c.pending).toEqual([
      { method: 'vanilla', seed: 4 },
      { method: 'refilled', seed: 4 },
      { method: 'vanilla', seed: 5 },
      { method: 'refilled', seed: 5 },
    ]);
    expect(store().takeNextComparison()).toEqual({ method: 'vanilla', seed: 4 });
    store().addRun({ runId: 10, label: 'vanilla · seed 4', config: DEFAULT_CONFIG, inComparison: true });
    expect(store().comparison?.runIds).toEqual([10]);
    expect(store().comparison?.pending).toHaveLength(3);
    expect(run(10)?.comparison).toEqual({ id: 1, seedCount: 2 });
    expect(store().takeNextComparison()).toEqual({ method: 'refilled', seed: 4 });
    store().addRun({ runId: 11, label: 'refilled · seed 4', config: DEFAULT_CONFIG, inComparison: true });
    store().addRun({ runId: 12, label: 'solo', config: DEFAULT_CONFIG });
    expect(run(12)?.comparison).toBeUndefined();
    expect(store().comparison?.runIds).toEqual([10, 11]);
    store().cancelComparison();
    expect(store().comparison).toMatchObject({ runIds: [10, 11], pending: [] });
    expect(store().takeNextComparison()).toBeNull();
    // The next comparison gets the next id, so that its runs are told apart from these.
    store().beginComparison(['vanilla'], [1]);
    expect(store().comparison?.id).toBe(2);
  });

  it('toggles visibility, removes runs and clears', () => {
    store().addRun({ runId: 1, label: 'a', config: DEFAULT_CONFIG });
    store().addRun({ runId: 2, label: 'b', config: DEFAULT_CONFIG });
    expect(store().activeRunId).toBe(2);
    store().toggleVisible(1);
    expect(run(1)?.visible).toBe(false);
    expect(run(2)?.visible).toBe(true);
    store().toggleVisible(1);
    expect(run(1)?.visible).toBe(true);
    store().removeRun(2);
    expect(store().runs.map((r) => r.runId)).toEqual([1]);
    expect(store().activeRunId).toBeNull();
    expect(selectActiveRun(store())).toBeUndefined();
    store().clearRuns();
    expect(store().runs).toEqual([]);
  });

  it('judges health while a run streams: an exploding loss is flagged at once, the first loss kept', () => {
    store().addRun({ runId: 8, label: 'refilled', config: DEFAULT_CONFIG });
    const p = (step: number, loss: number): MetricsPoint => ({ stage: 2, step, epoch: 0, learningRate: 10, loss, stepMs: 1 });
    apply({ type: 'metrics', runId: 8, points: [p(45, 1.6), p(50, 20)], numTensors: 1, readbacks: 1 });
    expect(run(8)?.health).toEqual([]);
    expect(run(8)?.firstLoss).toEqual({ 2: 1.6 });
    apply({ type: 'metrics', runId: 8, points: [p(55, 2e7)], numTensors: 1, readbacks: 1 });
    expect(run(8)?.health).toMatchObject([{ kind: 'loss-exploded', stage: 2, step: 55 }]);
    // It ends 'failed', and the worker's 'done' that follows does not turn it green.
    apply({ type: 'result', runId: 8, result: fakeResult(0.8) });
    expect(run(8)?.status).toBe('failed');
    apply({ type: 'status', runId: 8, status: 'done' });
    expect(run(8)?.status).toBe('failed');
  });

  it('fails a run whose result is at chance with one class predicted; a healthy one is done', () => {
    store().addRun({ runId: 9, label: 'refilled', config: DEFAULT_CONFIG });
    apply({ type: 'result', runId: 9, result: fakeResult(0.5, [[100, 0], [100, 0]]) });
    expect(run(9)?.status).toBe('failed');
    expect(run(9)?.health.map((i) => i.kind).sort()).toEqual(['chance-accuracy', 'collapsed-prediction']);
    store().addRun({ runId: 10, label: 'refilled', config: DEFAULT_CONFIG });
    apply({ type: 'result', runId: 10, result: fakeResult(0.8) });
    expect(run(10)).toMatchObject({ status: 'done', health: [] });
  });

  it('keeps the loading phase until prepared', () => {
    store().addRun({ runId: 11, label: 'refilled', config: DEFAULT_CONFIG });
    apply({ type: 'loading', runId: 11, loading: { phase: 'teacher', index: 1, of: 4, detail: 'Reading teacher fashion-0-4' } });
    expect(run(11)).toMatchObject({ loading: { phase: 'teacher' }, detail: 'Reading teacher fashion-0-4' });
    apply({ type: 'prepared', runId: 11, totalSteps: 10, stage1Steps: 5, stage2Steps: 5, batchSize: 4, teacherNcmValAccuracy: 0.5, counts: { train: 4, val: 4, test: 4 }, teacherCacheMs: 1 });
    expect(run(11)?.loading).toBeUndefined();
  });

  it('measures time left from wall time while running, and holds it while paused', () => {
    store().addRun({ runId: 12, label: 'refilled', config: DEFAULT_CONFIG });
    const progress = (step: number) => ({ stage: 1 as const, stageStep: step, stageSteps: 100, step, totalSteps: 100, epoch: 0, etaMs: 1 });
    apply({ type: 'status', runId: 12, status: 'running' });
    expect(run(12)?.eta.anchor).toMatchObject({ step: 0 });
    apply({ type: 'progress', runId: 12, progress: progress(5) });
    expect(run(12)?.eta.msPerStep).not.toBeNull();
    apply({ type: 'status', runId: 12, status: 'paused' });
    expect(run(12)?.eta.anchor).toBeNull();
    apply({ type: 'status', runId: 12, status: 'running' });
    expect(run(12)?.eta.anchor).toMatchObject({ step: 5 });
  });

  it('reset drops an unfinished active run and keeps finished ones', () => {
    store().addRun({ runId: 13, label: 'refilled', config: DEFAULT_CONFIG });
    apply({ type: 'result', runId: 13, result: fakeResult(0.8) });
    store().addRun({ runId: 14, label: 'refilled', config: DEFAULT_CONFIG });
    apply({ type: 'status', runId: 14, status: 'running' });
    store().resetActive();
    expect(store().runs.map((r) => r.runId)).toEqual([13]);
    expect(store().activeRunId).toBeNull();
    store().resetActive();
    expect(store().runs.map((r) => r.runId)).toEqual([13]);
  });
});
