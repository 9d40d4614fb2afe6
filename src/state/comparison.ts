/**
 * *Compare* over several seeds: the queue a comparison runs, and what it shows. Per method the
 * mean ± std of test accuracy over the finished seeds; the paired gain of REFILLED (and of
 * stage 1, then CE) over the vanilla student, with its 95 % interval, win count and a verdict
 * in plain words; and the curves, where the seeds of one method in a multi-seed comparison
 * are drawn as their mean with a min–max band.
 *
 * Each seed is its own split and initial weights (the config's `seed` fixes both), shared by
 * every method on that seed: the per-seed differences are paired, and their spread is what a
 * gain has to beat. Pure functions of run records; `createComparisonSummarySelector` memoises
 * the summary for the page (the charts' memo lives in ui/charts/chartData).
 */
import type { Method } from '../protocol/config';
import { formatPoints, meanInterval, pairedGain, type PairedGain } from '../protocol/stats';
import type { Comparison, RunRecord, RunState } from './runStore';
import { stageBoundaryStep } from './selectors';

/** One queued run of a comparison: a method on a seed. */
export interface ComparisonItem {
  method: Method;
  seed: number;
}

/** Seeds are 31-bit (the config's range); seed + k wraps past the top. */
const SEED_MODULUS = 2 ** 31;

/** The seeds of a comparison: the configured seed, seed + 1, …, `count` of them. */
export function comparisonSeeds(seed: number, count: number): number[] {
  return Array.from({ length: Math.max(0, Math.floor(count)) }, (_, k) => (seed + k) % SEED_MODULUS);
}

/**
 * The runs of a comparison in order, seed-major: every method of the first seed, then every
 * method of the second… so that a comparison stopped part-way is already paired by seed.
 */
export function comparisonQueue(methods: readonly Method[], seeds: readonly number[]): ComparisonItem[] {
  return seeds.flatMap((seed) => methods.map((method) => ({ method, seed })));
}

/** The label of a comparison's run in the results table. */
export function comparisonRunLabel(item: ComparisonItem): string {
  return `${item.method} · seed ${item.seed}`;
}

/** Names of the methods in sentences. */
export const METHOD_NAMES: Readonly<Record<Method, string>> = {
  refilled: 'REFILLED',
  vanilla: 'Vanilla student',
  'stage1-only': 'Stage 1, then CE',
  kd: 'Standard KD',
  rkd: 'RKD, then CE',
};

/** The gains a summary reports, [method, baseline]: REFILLED and stage 1 + CE, each over the vanilla student. */
export const COMPARISON_GAINS: ReadonlyArray<readonly [Method, Method]> = [
  ['refilled', 'vanilla'],
  ['stage1-only', 'vanilla'],
];

/** A run that reported its result (a comparison moves on at the result, whatever status follows). */
export const isFinished = (r: RunRecord): boolean => r.result !== undefined && r.status !== 'error';

// ---------------------------------------------------------------------------------------------
// The summary.

export interface SeedAccuracy {
  seed: number;
  runId: number;
  testAccuracy: number;
}

export interface MethodSummary {
  method: Method;
  name: string;
  /** The finished seeds, in run order, with the test accuracy each run reported. */
  perSeed: SeedAccuracy[];
  n: number;
  /** Mean and sample standard deviation of test accuracy over `perSeed` (fractions). */
  mean: number;
  std: number;
  /** "82.1 ± 2.5" (points); the mean alone for one seed, "–" for none. */
  text: string;
}

export interface GainSummary extends PairedGain {
  method: Method;
  baseline: Method;
  /** "REFILLED won on 3 of 3 seeds, +2.9 ± 0.6 points, 95 % interval [+1.4, +4.4]" */
  sentence: string;
  /** The verdict in plain words: "an effect", "not distinguishable from seed noise", "worse". */
  verdictText: string;
}

export interface ComparisonSummary {
  id: number;
  seeds: number[];
  /** Seeds on which every method of the comparison has finished. */
  completeSeeds: number[];
  runsFinished: number;
  runsTotal: number;
  methods: MethodSummary[];
  gains: GainSummary[];
}

export const VERDICT_TEXT: Readonly<Record<PairedGain['verdict'], string>> = {
  above: 'an effect',
  spans: 'not distinguishable from seed noise',
  below: 'worse',
  'n/a': 'too few seeds to tell (an interval needs 2)',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The gain in one sentence: wins, mean ± std of the per-seed differences, and the 95 % interval. */
export function gainSentence(name: string, g: PairedGain): string {
  if (g.n === 0) return `${name}: no seed has finished for both methods yet.`;
  const ties = g.ties > 0 ? ` (${plural(g.ties, 'tie')})` : '';
  const spread = g.n >= 2 ? ` ± ${formatPoints(g.std)}` : '';
  const interval = g.n >= 2 ? `, 95 % interval [${formatPoints(g.low, true)}, ${formatPoints(g.high, true)}]` : '; one seed gives no interval';
  return `${name} won on ${g.wins} of ${plural(g.n, 'seed')}${ties}, ${formatPoints(g.mean, true)}${spread} points${interval}`;
}

/** Test accuracy per seed of each method, over the finished runs of comparison `id`. */
export function testAccuracyBySeed(runs: readonly RunRecord[], id: number): Map<Method, Map<number, SeedAccuracy>> {
  const out = new Map<Method, Map<number, SeedAccuracy>>();
  for (const r of runs) {
    if (r.comparison?.id !== id || !isFinished(r) || !r.result) continue;
    let bySeed = out.get(r.config.method);
    if (!bySeed) out.set(r.config.method, (bySeed = new Map()));
    bySeed.set(r.config.seed, { seed: r.config.seed, runId: r.runId, testAccuracy: r.result.final.testAccuracy });
  }
  return out;
}

/**
 * What the comparison's summary shows, from the runs it has finished so far (null when there
 * is no comparison). Seeds where a method was stopped or failed are left out of that method's
 * mean and of every gain that needs it.
 */
export function comparisonSummary(runs: readonly RunRecord[], comparison: Comparison | null): ComparisonSummary | null {
  if (!comparison) return null;
  const bySeed = testAccuracyBySeed(runs, comparison.id);
  const order = (m: Method) => comparison.seeds.flatMap((seed) => {
    const a = bySeed.get(m)?.get(seed);
    return a ? [a] : [];
  });
  const methods = comparison.methods.map((method): MethodSummary => {
    const perSeed = order(method);
    const { n, mean, std } = meanInterval(perSeed.map((a) => a.testAccuracy));
    const text = n === 0 ? '–' : n === 1 ? formatPoints(mean) : `${formatPoints(mean)} ± ${formatPoints(std)}`;
    return { method, name: METHOD_NAMES[method], perSeed, n, mean, std, text };
  });
  const values = (m: Method) => new Map([...(bySeed.get(m)?.values() ?? [])].map((a) => [a.seed, a.testAccuracy] as const));
  const gains = COMPARISON_GAINS.filter(([m, b]) => comparison.methods.includes(m) && comparison.methods.includes(b)).map(([method, baseline]): GainSummary => {
    const g = pairedGain(values(method), values(baseline));
    return { ...g, method, baseline, sentence: gainSentence(METHOD_NAMES[method], g), verdictText: VERDICT_TEXT[g.verdict] };
  });
  const completeSeeds = comparison.seeds.filter((seed) => comparison.methods.every((m) => bySeed.get(m)?.has(seed)));
  const runsFinished = [...bySeed.values()].reduce((a, m) => a + m.size, 0);
  return { id: comparison.id, seeds: comparison.seeds, completeSeeds, runsFinished, runsTotal: comparison.methods.length * comparison.seeds.length, methods, gains };
}

/**
 * `comparisonSummary` of the store, the same object while neither the comparison nor any of
 * its runs' results or statuses changed: a metrics message re-renders nothing.
 */
export function createComparisonSummarySelector(): (s: Pick<RunState, 'runs' | 'comparison'>) => ComparisonSummary | null {
  let lastParts: readonly unknown[] = [];
  let last: ComparisonSummary | null = null;
  return (s) => {
    const id = s.comparison?.id;
    const parts: unknown[] = [s.comparison];
    for (const r of s.runs) if (r.comparison?.id === id) parts.push(r.runId, r.result, r.status, r.config);
    if (parts.length === lastParts.length && parts.every((p, i) => Object.is(p, lastParts[i]))) return last;
    lastParts = parts;
    last = comparisonSummary(s.runs, s.comparison);
    return last;
  };
}

// ---------------------------------------------------------------------------------------------
// Curves over stage-2 steps.

/** What the comparison charts draw: validation accuracy (from evals) or stage-2 cross-entropy (from metrics). */
export type CurveMetric = 'valAccuracy' | 'ce';

/**
 * One line of a comparison chart: a single run, or the finished seeds of one method in a
 * multi-seed comparison (drawn as their mean with a min–max band).
 */
export interface CurveGroup {
  key: string;
  method: Method;
  label: string;
  runs: RunRecord[];
  /** A mean over seeds, with a band: true for the methods of a comparison over two or more seeds. */
  band: boolean;
}

/**
 * Groups the visible runs into lines. The runs of a comparison over several seeds are grouped
 * per method, and only the finished ones are averaged (a running seed shows in the live charts);
 * every other run (a single run, a comparison of one seed) is a line of its own, live, as before.
 */
export function curveGroups(runs: readonly RunRecord[]): CurveGroup[] {
  const groups: CurveGroup[] = [];
  const byMethod = new Map<string, CurveGroup>();
  for (const run of runs) {
    if (!run.visible) continue;
    const c = run.comparison;
    if (!c || c.seedCount < 2) {
      groups.push({ key: `run${run.runId}`, method: run.config.method, label: run.label, runs: [run], band: false });
      continue;
    }
    if (!isFinished(run)) continue;
    const id = `${c.id}/${run.config.method}`;
    let group = byMethod.get(id);
    if (!group) {
      group = { key: `c${c.id}_${run.config.method}`, method: run.config.method, label: '', runs: [], band: true };
      byMethod.set(id, group);
      groups.push(group);
    }
    group.runs.push(run);
  }
  for (const g of byMethod.values()) g.label = `${g.method} · mean of ${plural(g.runs.length, 'seed')}, band min–max`;
  return groups;
}

/** A line's value at one stage-2 step: the mean over its runs and their min and max. */
export interface CurvePoint {
  stage2Step: number;
  mean: number;
  low: number;
  high: number;
  n: number;
}

/**
 * `metric` of one run over stage-2 steps (steps since its stage 2 began, so that methods with
 * and without stage 1 line up where their classifiers start training). A finished run of a
 * band is read from its result's full series; a single run from the store's live points.
 */
export function runCurve(run: RunRecord, metric: CurveMetric, fromResult: boolean): Array<[number, number]> {
  const offset = stageBoundaryStep(run) ?? 0;
  const series = fromResult && run.result ? run.result.series : run;
  const out: Array<[number, number]> = [];
  if (metric === 'valAccuracy') {
    for (const e of series.evals) if (e.stage === 2 && e.valAccuracy !== undefined) out.push([e.step - offset, e.valAccuracy]);
  } else {
    for (const m of series.metrics) if (m.stage === 2 && m.ce !== undefined) out.push([m.step - offset, m.ce]);
  }
  return out;
}

/** The points of one line: per stage-2 step, the mean, min and max over the group's runs. */
export function groupCurve(group: CurveGroup, metric: CurveMetric): CurvePoint[] {
  const byStep = new Map<number, number[]>();
  for (const run of group.runs) {
    for (const [step, value] of runCurve(run, metric, group.band)) {
      let values = byStep.get(step);
      if (!values) byStep.set(step, (values = []));
      values.push(value);
    }
  }
  return [...byStep.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([stage2Step, values]) => {
      let sum = 0;
      let low = Infinity;
      let high = -Infinity;
      for (const v of values) {
        sum += v;
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
      return { stage2Step, mean: sum / values.length, low, high, n: values.length };
    });
}

export interface CurveSeries {
  key: string;
  method: Method;
  label: string;
  runIds: number[];
  /** The column holding [min, max] over seeds, for a band line. */
  bandKey?: string;
}

export type CurveRow = { stage2Step: number } & Record<string, number | [number, number]>;

export interface ComparisonCurves {
  series: CurveSeries[];
  /** Rows by stage-2 step, one column per line (and one [min, max] column per band). */
  rows: CurveRow[];
}

/** Lays the lines' points out as chart rows by stage-2 step; lines without points are left out. */
export function mergeCurves(groups: readonly CurveGroup[], points: readonly (readonly CurvePoint[])[]): ComparisonCurves {
  const series: CurveSeries[] = [];
  const byStep = new Map<number, CurveRow>();
  groups.forEach((g, i) => {
    if (points[i].length === 0) return;
    const bandKey = g.band ? `${g.key}_band` : undefined;
    series.push({ key: g.key, method: g.method, label: g.label, runIds: g.runs.map((r) => r.runId), ...(bandKey ? { bandKey } : {}) });
    for (const p of points[i]) {
      let row = byStep.get(p.stage2Step);
      if (!row) byStep.set(p.stage2Step, (row = { stage2Step: p.stage2Step } as CurveRow));
      row[g.key] = p.mean;
      if (bandKey) row[bandKey] = [p.low, p.high];
    }
  });
  return { series, rows: [...byStep.values()].sort((a, b) => a.stage2Step - b.stage2Step) };
}

/** The comparison chart of `metric`: every visible run, or per method the mean and band of a multi-seed comparison. */
export function comparisonCurves(runs: readonly RunRecord[], metric: CurveMetric = 'valAccuracy'): ComparisonCurves {
  const groups = curveGroups(runs);
  return mergeCurves(
    groups,
    groups.map((g) => groupCurve(g, metric)),
  );
}
