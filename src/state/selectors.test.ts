import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../protocol/config';
import type { EvalPoint, ExperimentResult, MetricsPoint } from '../protocol/results';
import { freshRunFields, type RunRecord } from './runStore';
import {
  accuracyRows,
  comparisonRows,
  confusionTable,
  embeddingGroups,
  embeddingQuality,
  formatDuration,
  formatInterval,
  formatNmi,
  formatPercent,
  ncmRows,
  perClassRows,
  runProgress,
  stage1LossRows,
  stage2LossRows,
  stageBoundaryStep,
  stepTimeRows,
  teacherNcmReference,
  tripletRows,
} from './selectors';

const triplets = { mined: 120, anchorsWithTriplet: 40, meanPT: 0.52, meanPS: 0.5, agreement: 0.8, meanAbsDiff: 0.03 };

const metrics: MetricsPoint[] = [
  { stage: 1, step: 5, epoch: 1, learningRate: 0.1, loss: 2, triplets, stepMs: 40 },
  { stage: 1, step: 10, epoch: 2, learningRate: 0.09, loss: 1.5, triplets: { ...triplets, mined: 100 }, stepMs: 42 },
  { stage: 2, step: 15, epoch: 1, learningRate: 0.05, loss: 1.2, ce: 1.0, kd: 0.002, lambda: 100, trainAccuracy: 0.5, stepMs: 30 },
  { stage: 2, step: 20, epoch: 2, learningRate: 0.04, loss: 0.9, ce: 0.8, kd: 0.001, lambda: 100, trainAccuracy: 0.7, stepMs: 31 },
];

const evals: EvalPoint[] = [
  { stage: 1, step: 10, epoch: 2, ncmValAccuracy: 0.6 },
  { stage: 2, step: 20, epoch: 2, ncmValAccuracy: 0.7, valAccuracy: 0.65 },
];

function record(overrides: Partial<RunRecord> = {}, config: Partial<ExperimentConfig> = {}): RunRecord {
  return {
    ...freshRunFields(),
    runId: 1,
    label: 'refilled',
    config: { ...DEFAULT_CONFIG, method: 'refilled', ...config, runtime: { ...DEFAULT_CONFIG.runtime, reportIntervalSteps: 5 } },
    status: 'running',
    metrics,
    evals,
    embeddings: {},
    visible: true,
    startedAtMs: 1000,
    prepared: { totalSteps: 20, stage1Steps: 10, stage2Steps: 10, batchSize: 64, teacherNcmValAccuracy: 0.55, counts: { train: 40, val: 10, test: 100 }, teacherCacheMs: 5 },
    ...overrides,
  };
}

function result(testAccuracy: number, extra: Partial<ExperimentResult> = {}): ExperimentResult {
  return {
    config: DEFAULT_CONFIG,
    method: 'refilled',
    seed: 1,
    backend: 'cpu',
    classNames: ['Sandal', 'Shirt'],
    counts: { train: 40, val: 10, test: 100 },
    teacherNcmValAccuracy: 0.55,
    stage1: { ncmAccuracy: 0.61, ncmValAccuracy: 0.6, bestStep: 10, steps: 10 },
    final: { valAccuracy: 0.66, testAccuracy, ncmTestAccuracy: 0.6, perClassAccuracy: [0.9, 0.5], confusion: [[45, 5], [25, 25]], bestStep: 20, steps: 10 },
    series: { metrics: [], evals: [] },
    timing: { totalMs: 12_000, teacherCacheMs: 5, stage1Ms: 6000, stage2Ms: 6000, msPerStep: 40 },
    readbacks: 10,
    ...extra,
  };
}

describe('chart rows', () => {
  it('stage-1 loss and triplets come from stage-1 points only', () => {
    expect(stage1LossRows(record())).toEqual([
      { step: 5, loss: 2 },
      { step: 10, loss: 1.5 },
    ]);
    expect(tripletRows(record()).map((r) => [r.step, r.mined, r.meanPT])).toEqual([
      [5, 120, 0.52],
      [10, 100, 0.52],
    ]);
  });

  it('stage-2 loss rows carry CE, KL, λ·KL, total and λ', () => {
    const rows = stage2LossRows(record());
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({ step: 15, total: 1.2, ce: 1.0, kd: 0.002, lambda: 100, weightedKd: 0.2 });
  });

  it('a vanilla stage 2 has CE and total but no distillation term', () => {
    const r = record({ metrics: [{ stage: 2, step: 5, epoch: 1, learningRate: 0.1, loss: 1, ce: 1, stepMs: 9 }] }, { method: 'vanilla' });
    expect(stage2LossRows(r)).toEqual([{ step: 5, total: 1, ce: 1 }]);
    expect(stageBoundaryStep(r)).toBeNull();
  });

  it('NCM rows with the teacher reference from prepared, else from the result', () => {
    expect(ncmRows(record())).toEqual([
      { step: 10, ncm: 0.6 },
      { step: 20, ncm: 0.7 },
    ]);
    expect(teacherNcmReference(record())).toBe(0.55);
    expect(teacherNcmReference(record({ prepared: undefined, result: result(0.7, { teacherNcmValAccuracy: 0.4 }) }))).toBe(0.4);
    expect(teacherNcmReference(record({ prepared: undefined }))).toBeNull();
    expect(teacherNcmReference(undefined)).toBeNull();
  });

  it('accuracy rows merge train (metrics) and validation (evals) by step', () => {
    expect(accuracyRows(record())).toEqual([
      { step: 15, train: 0.5 },
      { step: 20, train: 0.7, val: 0.65 },
    ]);
  });

  it('step times of both stages', () => {
    expect(stepTimeRows(record()).map((r) => r.stepMs)).toEqual([40, 42, 30, 31]);
  });

  it('the stage boundary is stage-1 steps, known from prepared or inferred from the first stage-2 point', () => {
    expect(stageBoundaryStep(record())).toBe(10);
    expect(stageBoundaryStep(record({ prepared: undefined }))).toBe(10); // 15 − report interval 5
    expect(stageBoundaryStep(record({ prepared: undefined, metrics: metrics.slice(0, 2), evals: [] }))).toBeNull();
    expect(stageBoundaryStep(undefined)).toBeNull();
  });

  it('no run, no rows', () => {
    for (const f of [stage1LossRows, stage2LossRows, ncmRows, tripletRows, accuracyRows, stepTimeRows, perClassRows]) expect(f(undefined)).toEqual([]);
    expect(confusionTable(undefined)).toBeNull();
  });
});

describe('progress', () => {
  it('stage 1 in progress', () => {
    // The worker's own estimate (etaMs: 5) is not used: the page measures wall time (250 ms a step here).
    const eta = { anchor: { step: 4, atMs: 0 }, msPerStep: 250 };
    const p = runProgress(record({ eta, progress: { stage: 1, stageStep: 4, stageSteps: 10, step: 4, totalSteps: 20, epoch: 1, etaMs: 5 } }));
    expect(p.stage1).toMatchObject({ done: 4, total: 10, fraction: 0.4, active: true, used: true });
    expect(p.stage2).toMatchObject({ done: 0, total: 10, fraction: 0, active: false });
    expect(p.etaMs).toBe(4000);
    expect(p.etaPaused).toBe(false);
    const paused = runProgress(record({ status: 'paused', eta, progress: { stage: 1, stageStep: 4, stageSteps: 10, step: 4, totalSteps: 20, epoch: 1, etaMs: 5 } }));
    expect([paused.etaMs, paused.etaPaused]).toEqual([4000, true]);
  });

  it('stage 2 in progress fills stage 1', () => {
    const p = runProgress(record({ progress: { stage: 2, stageStep: 5, stageSteps: 10, step: 15, totalSteps: 20, epoch: 1, etaMs: 100 } }));
    expect(p.stage1.fraction).toBe(1);
    expect(p.stage2.fraction).toBe(0.5);
  });

  it('a finished run is full and has no ETA; a vanilla run has no stage 1', () => {
    const done = runProgress(record({ status: 'done', progress: { stage: 2, stageStep: 9, stageSteps: 10, step: 19, totalSteps: 20, epoch: 2, etaMs: 10 } }));
    expect([done.stage1.fraction, done.stage2.fraction, done.etaMs]).toEqual([1, 1, null]);
    const vanilla = runProgress(record({ prepared: { ...record().prepared!, stage1Steps: 0, totalSteps: 10 } }, { method: 'vanilla' }));
    expect(vanilla.stage1.used).toBe(false);
  });
});

describe('final results', () => {
  it('per-class rows and a row-normalised confusion table', () => {
    const r = record({ status: 'done', result: result(0.7) });
    expect(perClassRows(r)).toEqual([
      { name: 'Sandal', accuracy: 0.9 },
      { name: 'Shirt', accuracy: 0.5 },
    ]);
    const t = confusionTable(r)!;
    expect(t.classNames).toEqual(['Sandal', 'Shirt']);
    expect(t.rows[0][0]).toEqual({ count: 45, rate: 0.9 });
    expect(t.rows[1][1]).toEqual({ count: 25, rate: 0.5 });
  });

  it('NCM and NMI after stage 1 and at the end, and the episodic accuracy, from the result', () => {
    const episodic = [
      { ways: 5, shots: 1, queries: 15, tasks: 500, mean: 0.602, halfWidth: 0.009 },
      { ways: 5, shots: 5, queries: 15, tasks: 500, mean: 0.752, halfWidth: 0.005 },
    ];
    const base = result(0.7);
    const r = record({ status: 'done', result: { ...base, stage1: { ...base.stage1!, nmi: 0.41 }, final: { ...base.final, nmi: 0.55, episodic } } });
    expect(embeddingQuality(r)).toEqual({
      rows: [
        { when: 'stage1', label: 'After stage 1', ncm: 0.61, nmi: 0.41 },
        { when: 'final', label: 'Final', ncm: 0.6, nmi: 0.55 },
      ],
      episodic: [
        { label: '5-way 1-shot', ...episodic[0] },
        { label: '5-way 5-shot', ...episodic[1] },
      ],
    });
    // A result written before these evaluations existed, and a method without stage 1.
    expect(embeddingQuality(record({ status: 'done', result: result(0.6, { stage1: undefined }) }))).toEqual({ rows: [{ when: 'final', label: 'Final', ncm: 0.6, nmi: null }], episodic: [] });
    expect(embeddingQuality(record())).toBeNull();
  });

  it('groups embedding points by label and names them', () => {
    const groups = embeddingGroups({ who: 'student', points: [0, 1, 2, 3, 4, 5], labels: [1, 0, 1] }, ['Sandal', 'Shirt']);
    expect(groups).toEqual([
      { label: 0, name: 'Sandal', points: [{ x: 2, y: 3 }] },
      { label: 1, name: 'Shirt', points: [{ x: 0, y: 1 }, { x: 4, y: 5 }] },
    ]);
    expect(embeddingGroups(undefined, [])).toEqual([]);
  });
});

describe('comparison', () => {
  const vanilla = record({ runId: 2, label: 'vanilla', status: 'done', prepared: { ...record().prepared!, stage1Steps: 0, totalSteps: 10 }, metrics: [], evals: [{ stage: 2, step: 10, epoch: 2, ncmValAccuracy: 0.5, valAccuracy: 0.5 }], result: result(0.6, { stage1: undefined }), finishedAtMs: 9000 }, { method: 'vanilla' });
  const refilled = record({ status: 'done', result: result(0.7) });
  const running = record({ runId: 3, label: 'stage1-only', visible: false }, { method: 'stage1-only' });

  it('a row per run with NCM after stage 1, best validation, test accuracy and time', () => {
    const rows = comparisonRows([refilled, vanilla, running]);
    expect(rows.map((r) => [r.runId, r.method, r.ncmAfterStage1, r.bestValAccuracy, r.testAccuracy, r.totalMs])).toEqual([
      [1, 'refilled', 0.61, 0.66, 0.7, 12000],
      [2, 'vanilla', null, 0.66, 0.6, 12000],
      [3, 'stage1-only', null, 0.65, null, null],
    ]);
    expect(rows[2].visible).toBe(false);
    expect(rows.map((r) => r.status)).toEqual(['done', 'done', 'running']);
    // Retired as 'stopped' by the next run of a comparison after its result arrived: still done.
    expect(comparisonRows([{ ...refilled, status: 'stopped' }])[0].status).toBe('done');
  });
});

describe('formatting', () => {
  it('percent and durations', () => {
    expect(formatPercent(0.7312)).toBe('73.1%');
    expect(formatPercent(null)).toBe('—');
    expect(formatNmi(0.45512)).toBe('0.455');
    expect(formatNmi(null)).toBe('—');
    expect(formatInterval(0.602, 0.0094)).toBe('60.2% ± 0.9');
    expect(formatInterval(0.602, Number.NaN)).toBe('60.2%');
    expect(formatInterval(undefined, 0.01)).toBe('—');
    expect(formatDuration(450)).toBe('450 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(undefined)).toBe('—');
  });
});
