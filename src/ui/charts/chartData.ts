/**
 * What each chart draws, selected from a run with stable references: every selector here
 * remembers its last input parts (the run's `metrics`, `evals`, `result`… arrays, which the
 * store replaces rather than mutates) and returns the very same rows while they are unchanged.
 * A progress report or a status change therefore re-renders no chart, and a chart whose
 * series did not move skips its redraw. Lines are capped at MAX_PLOTTED_POINTS for drawing.
 *
 * The arithmetic lives in `state/selectors`; this module only memoises and thins it.
 */
import { DATASETS } from '../../protocol/catalog';
import { curveGroups, groupCurve, mergeCurves, type ComparisonCurves, type CurveMetric, type CurvePoint } from '../../state/comparison';
import type { RunRecord } from '../../state/runStore';
import {
  accuracyRows,
  comparisonRows,
  confusionTable,
  embeddingQuality,
  ncmRows,
  perClassRows,
  runProgress,
  stage1LossRows,
  stage2LossRows,
  stageBoundaryStep,
  stepTimeRows,
  studentClassNames,
  teacherNcmReference,
  tripletRows,
  type AccuracyRow,
  type ComparisonRow,
  type ConfusionTable,
  type EmbeddingQuality,
  type NcmRow,
  type PerClassRow,
  type Stage1LossRow,
  type Stage2LossRow,
  type StepTimeRow,
  type TripletRow,
} from '../../state/selectors';

/** Points drawn per line at most; longer series are thinned evenly for drawing (the store keeps them). */
export const MAX_PLOTTED_POINTS = 500;

/**
 * At most `max` of `rows`, evenly spaced, the first and the last included, plus every row that
 * `keep` accepts (e.g. the sparse validation points of a chart that also has a dense series).
 * Returns `rows` itself when it is short enough.
 */
export function downsample<T>(rows: readonly T[], max: number = MAX_PLOTTED_POINTS, keep?: (row: T) => boolean): readonly T[] {
  const n = rows.length;
  if (n <= max) return rows;
  let kept = keep ? rows.map((row, i) => (keep(row) ? i : -1)).filter((i) => i >= 0) : [];
  if (kept.length > max / 2) kept = [];
  const budget = Math.max(2, max - kept.length);
  const chosen = new Set(kept);
  for (let k = 0; k < budget; k++) chosen.add(Math.round((k * (n - 1)) / (budget - 1)));
  return [...chosen].sort((a, b) => a - b).map((i) => rows[i]);
}

/**
 * A one-entry memo of `compute(run)`, keyed on `parts(run)` compared by identity. One active
 * run is shown at a time, so one entry is enough.
 */
export function memoOnRun<T>(parts: (run: RunRecord) => readonly unknown[], compute: (run: RunRecord) => T, empty: T): (run: RunRecord | undefined) => T {
  let lastParts: readonly unknown[] | null = null;
  let last: T = empty;
  return (run) => {
    if (!run) return empty;
    const now = parts(run);
    if (lastParts && now.length === lastParts.length && now.every((p, i) => Object.is(p, lastParts![i]))) return last;
    lastParts = now;
    last = compute(run);
    return last;
  };
}

const NONE: readonly never[] = [];

export const selectStage1LossRows = memoOnRun((r) => [r.metrics], (r) => downsample(stage1LossRows(r)), NONE as readonly Stage1LossRow[]);
export const selectStage2LossRows = memoOnRun((r) => [r.metrics], (r) => downsample(stage2LossRows(r)), NONE as readonly Stage2LossRow[]);
export const selectTripletRows = memoOnRun((r) => [r.metrics], (r) => downsample(tripletRows(r)), NONE as readonly TripletRow[]);
export const selectStepTimeRows = memoOnRun((r) => [r.metrics], (r) => downsample(stepTimeRows(r)), NONE as readonly StepTimeRow[]);
export const selectNcmRows = memoOnRun((r) => [r.evals], (r) => downsample(ncmRows(r)), NONE as readonly NcmRow[]);
/** Training accuracy is dense, validation sparse: every validation point is kept. */
export const selectAccuracyRows = memoOnRun(
  (r) => [r.metrics, r.evals],
  (r) => downsample(accuracyRows(r), MAX_PLOTTED_POINTS, (row) => row.val !== undefined),
  NONE as readonly AccuracyRow[],
);

export const selectPerClassRows = memoOnRun((r) => [r.result], (r) => perClassRows(r), NONE as readonly PerClassRow[]);
export const selectConfusion = memoOnRun((r) => [r.result], (r) => confusionTable(r), null as ConfusionTable | null);
export const selectEmbeddingQuality = memoOnRun((r) => [r.result], (r) => embeddingQuality(r), null as EmbeddingQuality | null);
export const selectStudentClassNames = memoOnRun(
  (r) => [r.result, r.config],
  (r) => studentClassNames(r, DATASETS[r.config.dataset].classNames),
  NONE as readonly string[],
);
export const selectProgress = memoOnRun((r) => [r.progress, r.prepared, r.status, r.config], (r) => runProgress(r), runProgress(undefined));

// ---------------------------------------------------------------------------------------------
// Views: what one component selects, in one object of stable parts (compared shallowly by
// `useLiveRun`, so the component re-renders only when a part changed).

export interface LineView<Row> {
  rows: readonly Row[];
  /** The global step where stage 2 begins (the dashed boundary), or null. */
  boundary: number | null;
  totalSteps: number | undefined;
}

function lineView<Row>(rowsOf: (r: RunRecord | undefined) => readonly Row[]): (r: RunRecord | undefined) => LineView<Row> {
  return (r) => ({ rows: rowsOf(r), boundary: stageBoundaryStep(r), totalSteps: r?.prepared?.totalSteps });
}

/**
 * A stage-1 chart: its axis ends where stage 1 does (stage-1 points only; over the whole run's
 * axis most of it was empty), so it has no boundary to mark.
 */
function stage1LineView<Row>(rowsOf: (r: RunRecord | undefined) => readonly Row[]): (r: RunRecord | undefined) => LineView<Row> {
  return (r) => ({ rows: rowsOf(r), boundary: null, totalSteps: r?.prepared?.stage1Steps });
}

export const stage1LossView = (r: RunRecord | undefined) => ({ ...stage1LineView(selectStage1LossRows)(r), method: r?.config.method });
export const stage2LossView = lineView(selectStage2LossRows);
export const tripletView = stage1LineView(selectTripletRows);
export const stepTimeView = lineView(selectStepTimeRows);
export const accuracyView = lineView(selectAccuracyRows);
export const ncmView = (r: RunRecord | undefined) => ({ ...lineView(selectNcmRows)(r), teacher: teacherNcmReference(r) });
export const progressView = (r: RunRecord | undefined) => ({ progress: selectProgress(r), method: r?.config.method });
export const embeddingView = (r: RunRecord | undefined) => ({ names: selectStudentClassNames(r), student: r?.embeddings.student, teacher: r?.embeddings.teacher });
export const selectResult = (r: RunRecord | undefined) => r?.result;

// ---------------------------------------------------------------------------------------------
// Across runs (the comparison).

/**
 * The results table's rows, recomputed only for a run whose shown fields changed, and the same
 * array while none did: the table re-renders when a row changes, not on every worker message.
 */
export function createComparisonRowsSelector(): (runs: readonly RunRecord[]) => readonly ComparisonRow[] {
  const byRun = new Map<number, { parts: readonly unknown[]; row: ComparisonRow }>();
  let last: readonly ComparisonRow[] = NONE;
  return (runs) => {
    const rows = runs.map((r) => {
      const parts = [r.status, r.result, r.evals, r.visible, r.label, r.finishedAtMs, r.config];
      const cached = byRun.get(r.runId);
      if (cached && cached.parts.every((p, i) => Object.is(p, parts[i]))) return cached.row;
      const row = comparisonRows([r])[0];
      byRun.set(r.runId, { parts, row });
      return row;
    });
    for (const id of byRun.keys()) if (!runs.some((r) => r.runId === id)) byRun.delete(id);
    if (rows.length === last.length && rows.every((row, i) => row === last[i])) return last;
    last = rows;
    return rows;
  };
}

/**
 * A comparison chart's lines (see `state/comparison`): each visible run, or per method the mean
 * and min–max band of a multi-seed comparison's finished seeds. A line is recomputed only when
 * what it is drawn from changed (its runs' results for a band, the live points for a single
 * run), so a metrics message of the running seed costs the merge of cached lines at most.
 */
export function createComparisonCurvesSelector(metric: CurveMetric): (runs: readonly RunRecord[]) => ComparisonCurves {
  const lines = new Map<string, { parts: readonly unknown[]; points: readonly CurvePoint[] }>();
  let lastParts: readonly unknown[] = [];
  let last: ComparisonCurves = { series: [], rows: [] };
  const sourceOf = (r: RunRecord, band: boolean) => (band ? r.result : metric === 'ce' ? r.metrics : r.evals);
  return (runs) => {
    const groups = curveGroups(runs);
    const groupParts = groups.map((g) => [g.key, g.label, ...g.runs.flatMap((r) => [r.runId, sourceOf(r, g.band), stageBoundaryStep(r)])]);
    const parts = groupParts.flat();
    if (parts.length === lastParts.length && parts.every((p, i) => Object.is(p, lastParts[i]))) return last;
    lastParts = parts;
    const points = groups.map((g, i) => {
      const cached = lines.get(g.key);
      if (cached && cached.parts.length === groupParts[i].length && cached.parts.every((p, k) => Object.is(p, groupParts[i][k]))) return cached.points;
      const computed = groupCurve(g, metric);
      lines.set(g.key, { parts: groupParts[i], points: computed });
      return computed;
    });
    for (const key of lines.keys()) if (!groups.some((g) => g.key === key)) lines.delete(key);
    const merged = mergeCurves(groups, points);
    last = { series: merged.series, rows: downsample(merged.rows) as ComparisonCurves['rows'] };
    return last;
  };
}
