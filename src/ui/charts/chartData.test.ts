import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../protocol/config';
import type { EvalPoint, MetricsPoint } from '../../protocol/results';
import { freshRunFields, type RunRecord } from '../../state/runStore';
import {
  MAX_PLOTTED_POINTS,
  accuracyView,
  createComparisonCurvesSelector,
  createComparisonRowsSelector,
  downsample,
  selectAccuracyRows,
  selectStage1LossRows,
  stage1LossView,
} from './chartData';

const metric = (step: number, stage: 1 | 2): MetricsPoint => ({
  stage,
  step,
  epoch: 0,
  learningRate: 0.1,
  loss: 1 / step,
  stepMs: 10,
  ...(stage === 2 ? { ce: 1, trainAccuracy: 0.5 } : {}),
});

function runWith(metrics: MetricsPoint[], evals: EvalPoint[] = [], runId = 1): RunRecord {
  return { ...freshRunFields(), runId, label: 'refilled', config: DEFAULT_CONFIG, status: 'running', metrics, evals, startedAtMs: 0 };
}

describe('downsample', () => {
  it('returns short series as they are', () => {
    const rows = [1, 2, 3];
    expect(downsample(rows, 5)).toBe(rows);
  });

  it('thins a long series to the cap, evenly, keeping the first and the last point in order', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => i);
    const out = downsample(rows);
    expect(out.length).toBeLessThanOrEqual(MAX_PLOTTED_POINTS);
    expect(out.length).toBeGreaterThan(MAX_PLOTTED_POINTS - 5);
    expect(out[0]).toBe(0);
    expect(out.at(-1)).toBe(2999);
    expect(out.every((v, i) => i === 0 || v > out[i - 1])).toBe(true);
    const gaps = out.slice(1).map((v, i) => v - out[i]);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  });

  it('keeps every row the caller marks, within the cap', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => ({ i, val: i % 97 === 0 ? 1 : undefined }));
    const out = downsample(rows, 100, (r) => r.val !== undefined);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out.filter((r) => r.val !== undefined)).toHaveLength(rows.filter((r) => r.val !== undefined).length);
  });
});

describe('chart selectors', () => {
  it('return the same rows while the arrays they read are unchanged', () => {
    const metrics = [metric(1, 1), metric(2, 1)];
    const run = runWith(metrics);
    const rows = selectStage1LossRows(run);
    expect(rows.map((r) => r.step)).toEqual([1, 2]);
    // A progress report or a status change replaces the record, not its metrics.
    expect(selectStage1LossRows({ ...run, status: 'paused', progress: undefined })).toBe(rows);
    // New metrics: new rows.
    expect(selectStage1LossRows(runWith([...metrics, metric(3, 1)]))).not.toBe(rows);
    expect(selectStage1LossRows(undefined)).toEqual([]);
  });

  it('views are shallowly equal while their parts are unchanged', () => {
    const run = runWith([metric(1, 1)]);
    const a = stage1LossView(run);
    const b = stage1LossView({ ...run, status: 'paused' });
    expect(Object.keys(a).every((k) => Object.is(a[k as keyof typeof a], b[k as keyof typeof b]))).toBe(true);
  });

  it('caps a long run’s lines for drawing, keeping every validation point', () => {
    const metrics = Array.from({ length: 3000 }, (_, i) => metric(i + 1, 2));
    const evals: EvalPoint[] = Array.from({ length: 30 }, (_, k) => ({ stage: 2, step: (k + 1) * 100 - 1, epoch: k, ncmValAccuracy: 0.5, valAccuracy: 0.6 }));
    const rows = selectAccuracyRows(runWith(metrics, evals));
    expect(rows.length).toBeLessThanOrEqual(MAX_PLOTTED_POINTS);
    expect(rows.filter((r) => r.val !== undefined)).toHaveLength(30);
    expect(accuracyView(runWith(metrics, evals)).rows.length).toBeLessThanOrEqual(MAX_PLOTTED_POINTS);
  });
});

describe('comparison selectors', () => {
  it('keep the rows array while no shown field of any run changed', () => {
    const select = createComparisonRowsSelector();
    const a = runWith([metric(1, 1)], [], 1);
    const b = runWith([], [], 2);
    const rows = select([a, b]);
    expect(rows.map((r) => r.runId)).toEqual([1, 2]);
    // More metrics, a progress report: nothing the table shows.
    expect(select([{ ...a, metrics: [metric(1, 1), metric(2, 1)] }, { ...b }])).toBe(rows);
    const next = select([{ ...a, status: 'done' }, b]);
    expect(next).not.toBe(rows);
    expect(next[1]).toBe(rows[1]);
    expect(next[0].status).toBe('done');
  });

  it('recompute curves only when a visible run’s validation points change', () => {
    const select = createComparisonCurvesSelector('valAccuracy');
    const evals: EvalPoint[] = [{ stage: 2, step: 3, epoch: 0, ncmValAccuracy: 0.5, valAccuracy: 0.4 }];
    const run = { ...runWith([], evals), prepared: { totalSteps: 4, stage1Steps: 2, stage2Steps: 2, batchSize: 10, teacherNcmValAccuracy: 0.5, counts: { train: 1, val: 1, test: 1 }, teacherCacheMs: 1 } };
    const curves = select([run]);
    expect(curves.series).toEqual([{ key: 'run1', runIds: [1], label: 'refilled', method: 'refilled' }]);
    expect(curves.rows).toEqual([{ stage2Step: 1, run1: 0.4 }]);
    expect(select([{ ...run, metrics: [metric(3, 2)] }])).toBe(curves);
    expect(select([{ ...run, visible: false }]).series).toEqual([]);
  });

  it('a multi-seed comparison: finished seeds are averaged once; the running seed’s stream recomputes nothing', () => {
    const select = createComparisonCurvesSelector('ce');
    const inComparison = (runId: number, seed: number, metrics: MetricsPoint[], done: boolean): RunRecord => ({
      ...runWith(metrics, [], runId),
      config: { ...DEFAULT_CONFIG, method: 'vanilla', seed },
      comparison: { id: 1, seedCount: 3 },
      ...(done ? { status: 'done' as const, result: { series: { metrics, evals: [] } } as never } : {}),
    });
    const a = inComparison(1, 1, [metric(1, 2), metric(2, 2)], true);
    const b = inComparison(2, 2, [{ ...metric(1, 2), ce: 3 }, { ...metric(2, 2), ce: 2 }], true);
    const running = inComparison(3, 3, [metric(1, 2)], false);
    const curves = select([a, b, running]);
    expect(curves.series.map((s) => [s.key, s.bandKey, s.runIds])).toEqual([['c1_vanilla', 'c1_vanilla_band', [1, 2]]]);
    expect(curves.rows).toEqual([
      { stage2Step: 1, c1_vanilla: 2, c1_vanilla_band: [1, 3] },
      { stage2Step: 2, c1_vanilla: 1.5, c1_vanilla_band: [1, 2] },
    ]);
    expect(select([a, b, { ...running, metrics: [metric(1, 2), metric(2, 2)] }])).toBe(curves);
    // The running seed finishes: it joins the mean.
    const third = select([a, b, inComparison(3, 3, [{ ...metric(1, 2), ce: 5 }], true)]);
    expect(third.rows[0]).toEqual({ stage2Step: 1, c1_vanilla: 3, c1_vanilla_band: [1, 5] });
  });
});
