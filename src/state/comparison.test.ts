import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Method } from '../protocol/config';
import type { EvalPoint, ExperimentResult, MetricsPoint } from '../protocol/results';
import {
  comparisonCurves,
  comparisonQueue,
  comparisonSeeds,
  comparisonSummary,
  createComparisonSummarySelector,
  curveGroups,
  gainSentence,
} from './comparison';
import { freshRunFields, type Comparison, type RunRecord } from './runStore';

const STAGE1_STEPS = 4;

/** A finished run's result: its test accuracy and its full series (what the worker reported). */
function result(method: Method, seed: number, testAccuracy: number, series: { metrics: MetricsPoint[]; evals: EvalPoint[] } = { metrics: [], evals: [] }): ExperimentResult {
  return {
    config: { ...DEFAULT_CONFIG, method, seed },
    method,
    seed,
    backend: 'cpu',
    classNames: ['a', 'b'],
    counts: { train: 6, val: 2, test: 10 },
    teacherNcmValAccuracy: 0.5,
    ...(method === 'vanilla' ? {} : { stage1: { ncmAccuracy: 0.5, ncmValAccuracy: 0.5, bestStep: STAGE1_STEPS, steps: STAGE1_STEPS } }),
    final: { valAccuracy: 0.5, testAccuracy, ncmTestAccuracy: 0.5, perClassAccuracy: [0.5, 0.5], confusion: [[5, 5], [5, 5]], bestStep: 1, steps: 2 },
    series,
    timing: { totalMs: 100, teacherCacheMs: 1, stage1Ms: 50, stage2Ms: 50, msPerStep: 10 },
    readbacks: 3,
  };
}

interface RunSpec {
  runId: number;
  method: Method;
  seed: number;
  /** Test accuracy; undefined: not finished (no result). */
  acc?: number;
  status?: RunRecord['status'];
  comparison?: { id: number; seedCount: number } | null;
  series?: { metrics: MetricsPoint[]; evals: EvalPoint[] };
  visible?: boolean;
}

function run({ runId, method, seed, acc, status, comparison = { id: 1, seedCount: 3 }, series, visible = true }: RunSpec): RunRecord {
  const stage1Steps = method === 'vanilla' ? 0 : STAGE1_STEPS;
  return {
    ...freshRunFields(),
    fromComparison: comparison !== null,
    runId,
    label: `${method} · seed ${seed}`,
    config: { ...DEFAULT_CONFIG, method, seed },
    status: status ?? (acc === undefined ? 'running' : 'done'),
    prepared: { totalSteps: stage1Steps + 2, stage1Steps, stage2Steps: 2, batchSize: 6, teacherNcmValAccuracy: 0.5, counts: { train: 6, val: 2, test: 10 }, teacherCacheMs: 1 },
    metrics: series?.metrics ?? [],
    evals: series?.evals ?? [],
    embeddings: {},
    visible,
    startedAtMs: 0,
    ...(comparison ? { comparison } : {}),
    ...(acc === undefined ? {} : { result: result(method, seed, acc, series) }),
  };
}

const METHODS: Method[] = ['vanilla', 'stage1-only', 'refilled'];
const comparison = (overrides: Partial<Comparison> = {}): Comparison => ({ id: 1, methods: METHODS, seeds: [1, 2, 3], runIds: [], pending: [], ...overrides });

/**
 * Three seeds, hand-made:
 *   vanilla      0.80 0.76 0.84   mean 0.80,     std 0.04
 *   stage1-only  0.82 0.74 0.83   gains +0.02 −0.02 −0.01
 *   refilled     0.83 0.79 0.88   mean 0.8333…,  gains +0.03 +0.03 +0.04
 */
const ACC: Record<string, number[]> = { vanilla: [0.8, 0.76, 0.84], 'stage1-only': [0.82, 0.74, 0.83], refilled: [0.83, 0.79, 0.88] };
function threeSeeds(): RunRecord[] {
  const runs: RunRecord[] = [];
  for (const [s, seed] of [1, 2, 3].entries()) for (const method of METHODS) runs.push(run({ runId: runs.length + 1, method, seed, acc: ACC[method][s] }));
  return runs;
}

describe('comparison queue', () => {
  it('seeds are the configured seed, seed + 1, … (wrapping past the 31-bit top)', () => {
    expect(comparisonSeeds(7, 3)).toEqual([7, 8, 9]);
    expect(comparisonSeeds(1, 1)).toEqual([1]);
    expect(comparisonSeeds(2 ** 31 - 1, 2)).toEqual([2 ** 31 - 1, 0]);
  });

  it('runs seed-major: every method of a seed before the next seed', () => {
    expect(comparisonQueue(['vanilla', 'refilled'], [3, 4]).map((i) => `${i.method}@${i.seed}`)).toEqual(['vanilla@3', 'refilled@3', 'vanilla@4', 'refilled@4']);
  });
});

describe('comparison summary', () => {
  it('mean ± std of test accuracy per method, by hand', () => {
    const s = comparisonSummary(threeSeeds(), comparison())!;
    const vanilla = s.methods.find((m) => m.method === 'vanilla')!;
    expect(vanilla.n).toBe(3);
    expect(vanilla.mean).toBeCloseTo(0.8, 12);
    // deviations 0, −0.04, +0.04 → (0.0016 + 0.0016) / 2 = 0.0016 → 0.04
    expect(vanilla.std).toBeCloseTo(0.04, 12);
    expect(vanilla.text).toBe('80.0 ± 4.0');
    expect(vanilla.perSeed.map((a) => [a.seed, a.testAccuracy])).toEqual([
      [1, 0.8],
      [2, 0.76],
      [3, 0.84],
    ]);
    const refilled = s.methods.find((m) => m.method === 'refilled')!;
    expect(refilled.mean).toBeCloseTo(2.5 / 3, 12);
    // deviations −0.00333, −0.04333, +0.04667 → sum of squares 0.0040667 / 2 → 0.045092
    expect(refilled.std).toBeCloseTo(Math.sqrt(0.0040666666666667 / 2), 9);
    expect(refilled.text).toBe('83.3 ± 4.5');
    expect(s.completeSeeds).toEqual([1, 2, 3]);
    expect([s.runsFinished, s.runsTotal]).toEqual([9, 9]);
  });

  it('the paired gain of REFILLED over vanilla: wins, mean ± std, 95 % interval and verdict, by hand', () => {
    const g = comparisonSummary(threeSeeds(), comparison())!.gains.find((x) => x.method === 'refilled')!;
    expect(g.baseline).toBe('vanilla');
    expect([g.n, g.wins, g.losses, g.ties]).toEqual([3, 3, 0, 0]);
    // differences 0.03, 0.03, 0.04: mean 0.0333…, s = √(6.667e-5 / 2) = 0.0057735,
    // half-width t(2) · s / √3 = 4.303 · 0.0033333 = 0.014343
    expect(g.mean).toBeCloseTo(0.1 / 3, 12);
    expect(g.std).toBeCloseTo(0.0057735027, 9);
    expect(g.halfWidth).toBeCloseTo(4.303 * (0.0057735027 / Math.sqrt(3)), 9);
    expect(g.low).toBeCloseTo(0.1 / 3 - 0.0143433333, 8);
    expect(g.high).toBeCloseTo(0.1 / 3 + 0.0143433333, 8);
    expect(g.verdict).toBe('above');
    expect(g.sentence).toBe('REFILLED won on 3 of 3 seeds, +3.3 ± 0.6 points, 95 % interval [+1.9, +4.8]');
    expect(g.verdictText).toBe('an effect');
  });

  it('stage 1, then CE over vanilla in the same way: an interval that spans zero', () => {
    const g = comparisonSummary(threeSeeds(), comparison())!.gains.find((x) => x.method === 'stage1-only')!;
    // differences +0.02, −0.02, −0.01: mean −0.00333, s = √(8.6667e-4 / 2) = 0.020817,
    // half-width 4.303 · 0.020817 / √3 = 0.051716 → [−0.05505, +0.04838]
    expect([g.n, g.wins, g.losses]).toEqual([3, 1, 2]);
    expect(g.mean).toBeCloseTo(-0.01 / 3, 12);
    expect(g.std).toBeCloseTo(0.0208166600, 9);
    expect(g.low).toBeCloseTo(-0.0550489, 6);
    expect(g.high).toBeCloseTo(0.0483823, 6);
    expect(g.verdict).toBe('spans');
    expect(g.sentence).toBe('Stage 1, then CE won on 1 of 3 seeds, -0.3 ± 2.1 points, 95 % interval [-5.5, +4.8]');
    expect(g.verdictText).toBe('not distinguishable from seed noise');
  });

  it('a worse method is called worse', () => {
    const runs = [1, 2, 3].flatMap((seed, i) => [
      run({ runId: 2 * i + 1, method: 'vanilla', seed, acc: 0.8 + 0.01 * i }),
      run({ runId: 2 * i + 2, method: 'refilled', seed, acc: 0.7 + 0.01 * i + (i === 1 ? 0.01 : 0) }),
    ]);
    const g = comparisonSummary(runs, comparison({ methods: ['vanilla', 'refilled'] }))!.gains;
    expect(g).toHaveLength(1);
    expect(g[0].verdict).toBe('below');
    expect(g[0].verdictText).toBe('worse');
    expect(g[0].wins).toBe(0);
  });

  it('a stopped comparison: only finished seeds count, pairs only where both finished', () => {
    // Seed 2's REFILLED failed, seed 3 never started beyond vanilla; a run of another comparison is ignored.
    const runs = [
      run({ runId: 1, method: 'vanilla', seed: 1, acc: 0.8 }),
      run({ runId: 2, method: 'refilled', seed: 1, acc: 0.83 }),
      run({ runId: 3, method: 'vanilla', seed: 2, acc: 0.76 }),
      run({ runId: 4, method: 'refilled', seed: 2, acc: 0.8, status: 'error' }),
      run({ runId: 5, method: 'vanilla', seed: 3, acc: 0.84 }),
      run({ runId: 6, method: 'refilled', seed: 3, acc: 0.88 }),
      run({ runId: 7, method: 'refilled', seed: 2, acc: 0.99, comparison: { id: 0, seedCount: 3 } }),
      run({ runId: 8, method: 'refilled', seed: 4 }),
    ];
    const s = comparisonSummary(runs, comparison({ methods: ['vanilla', 'refilled'] }))!;
    expect(s.methods.map((m) => m.n)).toEqual([3, 2]);
    expect(s.completeSeeds).toEqual([1, 3]);
    const g = s.gains[0];
    // differences 0.03, 0.04: mean 0.035, s = 0.0070711, half-width 12.706 · 0.005 = 0.06353
    expect(g.n).toBe(2);
    expect(g.mean).toBeCloseTo(0.035, 12);
    expect(g.halfWidth).toBeCloseTo(12.706 * 0.005, 9);
    expect(g.verdict).toBe('spans');
    expect(g.sentence).toBe('REFILLED won on 2 of 2 seeds, +3.5 ± 0.7 points, 95 % interval [-2.9, +9.9]');
  });

  it('one seed: no interval, and says so; none: says that too', () => {
    const runs = [run({ runId: 1, method: 'vanilla', seed: 1, acc: 0.8 }), run({ runId: 2, method: 'refilled', seed: 1, acc: 0.8 })];
    const s = comparisonSummary(runs, comparison({ methods: ['vanilla', 'refilled'], seeds: [1] }))!;
    expect(s.methods[0].text).toBe('80.0');
    expect(s.gains[0].sentence).toBe('REFILLED won on 0 of 1 seed (1 tie), +0.0 points; one seed gives no interval');
    expect(s.gains[0].verdict).toBe('n/a');
    const none = comparisonSummary([], comparison())!;
    expect(none.methods.map((m) => m.text)).toEqual(['–', '–', '–']);
    expect(none.gains[0].sentence).toBe('REFILLED: no seed has finished for both methods yet.');
    expect(comparisonSummary(runs, null)).toBeNull();
    expect(gainSentence('X', { n: 4, mean: 0.01, std: 0.02, halfWidth: 0.03, low: -0.02, high: 0.04, wins: 2, losses: 1, ties: 1, verdict: 'spans' })).toBe(
      'X won on 2 of 4 seeds (1 tie), +1.0 ± 2.0 points, 95 % interval [-2.0, +4.0]',
    );
  });

  it('the memoised selector returns the same summary until a run of the comparison finishes', () => {
    const select = createComparisonSummarySelector();
    const runs = threeSeeds();
    runs[8] = run({ runId: 9, method: 'refilled', seed: 3 });
    const state = { runs, comparison: comparison() };
    const first = select(state);
    expect(first?.runsFinished).toBe(8);
    // A metrics message replaces the running record: nothing the summary shows.
    const streamed = runs.slice();
    streamed[8] = { ...runs[8], metrics: [{ stage: 2, step: 5, epoch: 0, learningRate: 0.1, loss: 1, stepMs: 1 }] };
    expect(select({ runs: streamed, comparison: state.comparison })).toBe(first);
    const finished = runs.slice();
    finished[8] = run({ runId: 9, method: 'refilled', seed: 3, acc: 0.88 });
    const next = select({ runs: finished, comparison: state.comparison });
    expect(next).not.toBe(first);
    expect(next?.runsFinished).toBe(9);
  });
});

describe('comparison curves', () => {
  const evals = (values: number[], offset: number): EvalPoint[] => values.map((v, i) => ({ stage: 2, step: offset + i + 1, epoch: i, ncmValAccuracy: 0, valAccuracy: v }));
  const ce = (values: number[], offset: number): MetricsPoint[] => values.map((v, i) => ({ stage: 2, step: offset + i + 1, epoch: i, learningRate: 0.1, loss: v + 1, ce: v, stepMs: 1 }));

  it('a multi-seed comparison: per method the mean of its finished seeds with a min–max band', () => {
    const runs = [
      run({ runId: 1, method: 'vanilla', seed: 1, acc: 0.8, series: { metrics: ce([1.0, 0.6], 0), evals: evals([0.5, 0.7], 0) } }),
      run({ runId: 2, method: 'refilled', seed: 1, acc: 0.8, series: { metrics: ce([0.9, 0.5], STAGE1_STEPS), evals: evals([0.6, 0.8], STAGE1_STEPS) } }),
      run({ runId: 3, method: 'vanilla', seed: 2, acc: 0.8, series: { metrics: ce([0.8, 0.4], 0), evals: evals([0.4, 0.9], 0) } }),
      // Running: not averaged (the live charts show it).
      run({ runId: 4, method: 'refilled', seed: 2, series: { metrics: [], evals: evals([0.1], STAGE1_STEPS) } }),
      // A single run outside the comparison is drawn as its own line, from its live points.
      run({ runId: 5, method: 'refilled', seed: 9, acc: 0.7, comparison: null, series: { metrics: [], evals: evals([0.3], STAGE1_STEPS) } }),
    ];
    const curves = comparisonCurves(runs, 'valAccuracy');
    expect(curves.series).toEqual([
      { key: 'c1_vanilla', method: 'vanilla', label: 'vanilla · mean of 2 seeds, band min–max', runIds: [1, 3], bandKey: 'c1_vanilla_band' },
      { key: 'c1_refilled', method: 'refilled', label: 'refilled · mean of 1 seed, band min–max', runIds: [2], bandKey: 'c1_refilled_band' },
      { key: 'run5', method: 'refilled', label: 'refilled · seed 9', runIds: [5] },
    ]);
    // Aligned on stage-2 steps: vanilla has no stage 1, REFILLED's evals are offset by its 4 stage-1 steps.
    expect(curves.rows).toHaveLength(2);
    expect(curves.rows[0].stage2Step).toBe(1);
    expect(curves.rows[0].c1_vanilla).toBeCloseTo(0.45, 12);
    expect(curves.rows[0].c1_vanilla_band).toEqual([0.4, 0.5]);
    expect(curves.rows[0].c1_refilled).toBe(0.6);
    expect(curves.rows[0].run5).toBe(0.3);
    expect(curves.rows[1].c1_vanilla).toBeCloseTo(0.8, 12);
    expect(curves.rows[1].c1_vanilla_band).toEqual([0.7, 0.9]);
    const loss = comparisonCurves(runs, 'ce');
    expect(loss.rows.map((r) => [r.stage2Step, r.c1_vanilla, r.c1_refilled])).toEqual([
      [1, 0.9, 0.9],
      [2, 0.5, 0.5],
    ]);
    // Hiding a seed takes it out of the mean.
    expect(comparisonCurves([{ ...runs[0], visible: false }, ...runs.slice(1)]).rows[0].c1_vanilla).toBe(0.4);
  });

  it('a comparison of one seed draws each run as before, the running one included', () => {
    const runs = [
      run({ runId: 1, method: 'vanilla', seed: 1, acc: 0.8, comparison: { id: 1, seedCount: 1 }, series: { metrics: [], evals: evals([0.5], 0) } }),
      run({ runId: 2, method: 'refilled', seed: 1, comparison: { id: 1, seedCount: 1 }, series: { metrics: [], evals: evals([0.6], STAGE1_STEPS) } }),
    ];
    expect(curveGroups(runs).map((g) => [g.key, g.band])).toEqual([
      ['run1', false],
      ['run2', false],
    ]);
    expect(comparisonCurves(runs).rows).toEqual([{ stage2Step: 1, run1: 0.5, run2: 0.6 }]);
  });
});
