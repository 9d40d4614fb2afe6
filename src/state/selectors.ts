/**
 * Pure functions from a run record to what a chart or a table shows. Components call these
 * (memoised on the record's arrays) and draw the rows as they are: no arithmetic in the UI.
 */
import { usesStage1 } from '../protocol/config';
import type { EmbeddingPicture, LoadingInfo } from '../protocol/messages';
import type { EpisodicAccuracy, TripletStats } from '../protocol/results';
import { adviceFor, describeIssue, verdictOf, type HealthSeverity } from '../protocol/health';
import { etaRemainingMs } from './eta';
import type { RunRecord } from './runStore';

// ---------------------------------------------------------------------------------------------
// Stage boundary and progress.

/**
 * The global step at which stage 2 begins (where the charts draw the boundary), or null for a
 * method without stage 1. Known from `prepared`; before that, from the first stage-2 point.
 */
export function stageBoundaryStep(run: RunRecord | undefined): number | null {
  if (!run || !usesStage1(run.config.method)) return null;
  if (run.prepared) return run.prepared.stage1Steps;
  if (run.result?.stage1) return run.result.stage1.steps;
  const firstStage2 = run.metrics.find((m) => m.stage === 2) ?? run.evals.find((e) => e.stage === 2);
  return firstStage2 ? Math.max(0, firstStage2.step - run.config.runtime.reportIntervalSteps) : null;
}

export interface StageProgress {
  /** 0…1 */
  fraction: number;
  done: number;
  total: number;
  /** Whether the method has this stage at all. */
  used: boolean;
  active: boolean;
}

export interface RunProgress {
  stage1: StageProgress;
  stage2: StageProgress;
  /** Wall-clock time left (state/eta.ts), while the run is running or paused. */
  etaMs: number | null;
  /** The estimate is held: the run is paused. */
  etaPaused: boolean;
}

/** Per-stage progress of a run, from its last progress report (or its status when finished). */
export function runProgress(run: RunRecord | undefined): RunProgress {
  const empty = (used: boolean): StageProgress => ({ fraction: 0, done: 0, total: 0, used, active: false });
  if (!run) return { stage1: empty(true), stage2: empty(true), etaMs: null, etaPaused: false };
  const hasStage1 = usesStage1(run.config.method);
  const p = run.progress;
  const stage1Total = run.prepared?.stage1Steps ?? (p?.stage === 1 ? p.stageSteps : 0);
  const stage2Total = run.prepared?.stage2Steps ?? (p?.stage === 2 ? p.stageSteps : 0);
  let done1 = 0;
  let done2 = 0;
  if (p?.stage === 1) done1 = p.stageStep;
  if (p?.stage === 2) {
    done1 = stage1Total;
    done2 = p.stageStep;
  }
  if (run.status === 'done' || run.status === 'failed') {
    done1 = stage1Total;
    done2 = stage2Total;
  }
  const make = (done: number, total: number, used: boolean, active: boolean): StageProgress => ({
    fraction: total > 0 ? Math.min(1, done / total) : 0,
    done,
    total,
    used,
    active,
  });
  const live = run.status === 'running' || run.status === 'paused';
  return {
    stage1: make(done1, stage1Total, hasStage1, live && p?.stage === 1),
    stage2: make(done2, stage2Total, true, live && p?.stage === 2),
    etaMs: live && p ? etaRemainingMs(run.eta, p.step, p.totalSteps) : null,
    etaPaused: run.status === 'paused',
  };
}

export interface LoadingView {
  phase: 'backend' | LoadingInfo['phase'];
  text: string;
  /** 0-based place of the phase; `of` is the last index (the backend comes first). */
  index: number;
  of: number;
}

/**
 * What a loading run is doing: starting the training backend (until the worker is ready),
 * then the worker's phases (data, teacher, split, teacher embeddings).
 */
export function loadingView(backendReady: boolean, loading: LoadingInfo | undefined): LoadingView {
  if (!backendReady) return { phase: 'backend', text: 'Starting the training backend', index: 0, of: 4 };
  if (!loading) return { phase: 'data', text: 'Waiting for the worker', index: 0, of: 4 };
  return { phase: loading.phase, text: loading.detail, index: loading.index + 1, of: loading.of };
}

// ---------------------------------------------------------------------------------------------
// Chart rows. Every row has a `step` (global step: stage 1 and stage 2 together).

export interface Stage1LossRow {
  step: number;
  loss: number;
  rkdDistance?: number;
  rkdAngle?: number;
}

/** Stage-1 loss (w₁·KL of triplet probabilities, or the RKD terms) over steps. */
export function stage1LossRows(run: RunRecord | undefined): Stage1LossRow[] {
  if (!run) return [];
  return run.metrics
    .filter((m) => m.stage === 1)
    .map((m) => ({ step: m.step, loss: m.loss, ...(m.rkd ? { rkdDistance: m.rkd.distance, rkdAngle: m.rkd.angle } : {}) }));
}

export interface Stage2LossRow {
  step: number;
  total: number;
  ce?: number;
  /** The distillation term, unweighted. */
  kd?: number;
  /** λ · distillation term: what is added to the cross-entropy. */
  weightedKd?: number;
  lambda?: number;
}

/** Stage-2 losses: cross-entropy, the distillation KL, λ·KL, their total, and λ. */
export function stage2LossRows(run: RunRecord | undefined): Stage2LossRow[] {
  if (!run) return [];
  return run.metrics
    .filter((m) => m.stage === 2)
    .map((m) => {
      const row: Stage2LossRow = { step: m.step, total: m.loss };
      if (m.ce !== undefined) row.ce = m.ce;
      if (m.kd !== undefined) row.kd = m.kd;
      if (m.lambda !== undefined) row.lambda = m.lambda;
      if (m.kd !== undefined && m.lambda !== undefined) row.weightedKd = m.kd * m.lambda;
      return row;
    });
}

export interface NcmRow {
  step: number;
  ncm: number;
}

/** NCM accuracy of the student's embedding on the validation split, over steps. */
export function ncmRows(run: RunRecord | undefined): NcmRow[] {
  if (!run) return [];
  return run.evals.map((e) => ({ step: e.step, ncm: e.ncmValAccuracy }));
}

/** The teacher's NCM accuracy on the student's validation images (the dashed reference). */
export function teacherNcmReference(run: RunRecord | undefined): number | null {
  return run?.prepared?.teacherNcmValAccuracy ?? run?.result?.teacherNcmValAccuracy ?? null;
}

export type TripletRow = { step: number } & TripletStats;

/** Stage-1 triplet statistics (REFILLED only). */
export function tripletRows(run: RunRecord | undefined): TripletRow[] {
  if (!run) return [];
  const rows: TripletRow[] = [];
  for (const m of run.metrics) if (m.stage === 1 && m.triplets) rows.push({ step: m.step, ...m.triplets });
  return rows;
}

export interface AccuracyRow {
  step: number;
  train?: number;
  val?: number;
}

/** Stage-2 training accuracy (from metrics) and validation accuracy (from evals), merged by step. */
export function accuracyRows(run: RunRecord | undefined): AccuracyRow[] {
  if (!run) return [];
  const byStep = new Map<number, AccuracyRow>();
  const row = (step: number) => {
    let r = byStep.get(step);
    if (!r) byStep.set(step, (r = { step }));
    return r;
  };
  for (const m of run.metrics) if (m.stage === 2 && m.trainAccuracy !== undefined) row(m.step).train = m.trainAccuracy;
  for (const e of run.evals) if (e.stage === 2 && e.valAccuracy !== undefined) row(e.step).val = e.valAccuracy;
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export interface StepTimeRow {
  step: number;
  stepMs: number;
  stage: 1 | 2;
}

export function stepTimeRows(run: RunRecord | undefined): StepTimeRow[] {
  if (!run) return [];
  return run.metrics.map((m) => ({ step: m.step, stepMs: m.stepMs, stage: m.stage }));
}

// ---------------------------------------------------------------------------------------------
// Embedding picture.

export interface EmbeddingGroup {
  /** The label as the picture gives it. */
  label: number;
  name: string;
  points: { x: number; y: number }[];
}

/**
 * Splits a picture's flat points into one group per label, for a scatter coloured by class.
 * `classNames[label]` names a group (the student's class names, in its head's order).
 */
export function embeddingGroups(picture: EmbeddingPicture | undefined, classNames: readonly string[]): EmbeddingGroup[] {
  if (!picture) return [];
  const groups = new Map<number, EmbeddingGroup>();
  const n = Math.min(picture.labels.length, Math.floor(picture.points.length / 2));
  for (let i = 0; i < n; i++) {
    const label = picture.labels[i];
    let g = groups.get(label);
    if (!g) groups.set(label, (g = { label, name: classNames[label] ?? `class ${label}`, points: [] }));
    g.points.push({ x: picture.points[2 * i], y: picture.points[2 * i + 1] });
  }
  return [...groups.values()].sort((a, b) => a.label - b.label);
}

/** The student's class names in its head's order (from the result, else from the dataset list). */
export function studentClassNames(run: RunRecord | undefined, datasetClassNames: readonly string[]): string[] {
  if (!run) return [];
  if (run.result) return run.result.classNames;
  return run.config.studentClasses.map((c) => datasetClassNames[c] ?? `class ${c}`);
}

// ---------------------------------------------------------------------------------------------
// Final results.

export interface PerClassRow {
  name: string;
  accuracy: number;
}

export function perClassRows(run: RunRecord | undefined): PerClassRow[] {
  const result = run?.result;
  if (!result) return [];
  return result.final.perClassAccuracy.map((accuracy, i) => ({ name: result.classNames[i] ?? `class ${i}`, accuracy }));
}

export interface ConfusionCell {
  count: number;
  /** Share of the true class's test images predicted as this class (0…1). */
  rate: number;
}

export interface ConfusionTable {
  classNames: string[];
  /** rows[true][predicted] */
  rows: ConfusionCell[][];
}

export function confusionTable(run: RunRecord | undefined): ConfusionTable | null {
  const result = run?.result;
  if (!result) return null;
  const rows = result.final.confusion.map((counts) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((count) => ({ count, rate: total > 0 ? count / total : 0 }));
  });
  return { classNames: result.classNames, rows };
}

export interface EmbeddingQualityRow {
  /** When the embedding was measured: the stage-1 checkpoint or the final student. */
  when: 'stage1' | 'final';
  label: string;
  /** NCM accuracy on the test split (centres from the training images). */
  ncm: number | null;
  /** NMI of k-means (k = classes) on the test embeddings against the labels. */
  nmi: number | null;
}

/** One episodic result as the card shows it: the protocol's figures with their label. */
export interface EpisodicRow extends EpisodicAccuracy {
  /** "5-way 1-shot". */
  label: string;
}

export interface EmbeddingQuality {
  rows: EmbeddingQualityRow[];
  episodic: EpisodicRow[];
}

/**
 * The student's embedding judged on the test split without its classifier head: NCM and NMI
 * after stage 1 (methods with stage 1) and at the end, and the episodic few-shot accuracy of
 * the final embedding. Null until the run has a result.
 */
export function embeddingQuality(run: RunRecord | undefined): EmbeddingQuality | null {
  const result = run?.result;
  if (!result) return null;
  const rows: EmbeddingQualityRow[] = [];
  if (result.stage1) rows.push({ when: 'stage1', label: 'After stage 1', ncm: result.stage1.ncmAccuracy, nmi: result.stage1.nmi ?? null });
  rows.push({ when: 'final', label: 'Final', ncm: result.final.ncmTestAccuracy, nmi: result.final.nmi ?? null });
  const episodic = (result.final.episodic ?? []).map((e) => ({ label: `${e.ways}-way ${e.shots}-shot`, ...e }));
  return { rows, episodic };
}

// ---------------------------------------------------------------------------------------------
// Comparison across the session's runs.

export interface ComparisonRow {
  runId: number;
  label: string;
  method: string;
  status: string;
  /** The status as shown: "failed: trained to chance", "done (warning: …)". */
  statusText: string;
  health: HealthSeverity;
  /** The health checks' sentences, for a tooltip. */
  healthHeadline: string;
  visible: boolean;
  /** NCM test accuracy of the embedding chosen after stage 1 (methods with stage 1 only). */
  ncmAfterStage1: number | null;
  bestValAccuracy: number | null;
  testAccuracy: number | null;
  totalMs: number | null;
}

/** One row per run of the session, in start order. */
export function comparisonRows(runs: readonly RunRecord[]): ComparisonRow[] {
  return runs.map((r) => {
    const vals = r.evals.map((e) => e.valAccuracy).filter((v): v is number => v !== undefined);
    const bestVal = r.result ? r.result.final.valAccuracy : vals.length > 0 ? Math.max(...vals) : null;
    const elapsed = r.finishedAtMs !== undefined ? r.finishedAtMs - r.startedAtMs : null;
    // A run that reported its result is finished, whatever status the retiring bridge gave it.
    const status = r.result && r.status !== 'error' && r.status !== 'failed' ? 'done' : r.status;
    const verdict = verdictOf(r.health);
    return {
      runId: r.runId,
      label: r.label,
      method: r.config.method,
      status,
      statusText: statusText(status, verdict.severity, verdict.headline),
      health: verdict.severity,
      healthHeadline: verdict.headline,
      visible: r.visible,
      ncmAfterStage1: r.result?.stage1?.ncmAccuracy ?? null,
      bestValAccuracy: bestVal,
      testAccuracy: r.result?.final.testAccuracy ?? null,
      totalMs: r.result?.timing.totalMs ?? elapsed,
    };
  });
}

/**
 * A status as the run panel and the table show it: a failed run names why ("failed: trained to
 * chance"), a finished run with a warning says so, a live run with a problem says it too.
 */
export function statusText(status: string, severity: HealthSeverity, headline: string): string {
  if (status === 'failed') return `failed: ${headline}`;
  if (severity === 'ok' || status === 'error') return status;
  return `${status} (${headline})`;
}

export interface HealthView {
  severity: HealthSeverity;
  /** "Run #3 failed: trained to chance", "Run #3 may be failing: loss exploded"… */
  title: string;
  /** What happened, one sentence per problem. */
  findings: string[];
  /** What to try, without repeats. */
  advice: string[];
}

/** The health banner of a run: null while it is healthy. */
export function healthView(run: Pick<RunRecord, 'runId' | 'health' | 'status' | 'config'> | undefined): HealthView | null {
  if (!run || run.health.length === 0) return null;
  const verdict = verdictOf(run.health);
  const c = run.config;
  const ctx = { method: c.method, preset: c.preset, stage1LearningRate: c.stage1.learningRate, stage2LearningRate: c.stage2.learningRate, lambda: c.stage2.lambda, tau2: c.stage2.tau2, lambdaLr: c.stage2.lambdaLr };
  const live = run.status === 'running' || run.status === 'paused' || run.status === 'loading' || run.status === 'ready';
  const title = run.status === 'failed' ? `Run #${run.runId} failed: ${verdict.headline}` : live ? `Run #${run.runId} may be failing: ${verdict.headline}` : `Run #${run.runId} finished with a warning: ${verdict.headline}`;
  return {
    severity: verdict.severity,
    title,
    findings: verdict.issues.map(describeIssue),
    advice: [...new Set(verdict.issues.map((i) => adviceFor(i, ctx)))],
  };
}

/** The active run's status text (or "idle" with no active run). */
export function runStatusText(run: RunRecord | undefined): string {
  if (!run) return 'idle';
  const verdict = verdictOf(run.health);
  return statusText(run.status, verdict.severity, verdict.headline);
}

// ---------------------------------------------------------------------------------------------
// Formatting.

export function formatPercent(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
}

/** NMI with three decimals ("0.455"), or "—". */
export function formatNmi(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3);
}

/** A mean with its 95 % half-width, both fractions, in percent: "60.2% ± 0.9". */
export function formatInterval(mean: number | null | undefined, halfWidth: number | null | undefined): string {
  if (mean === null || mean === undefined || !Number.isFinite(mean)) return '—';
  return halfWidth === null || halfWidth === undefined || !Number.isFinite(halfWidth) ? formatPercent(mean) : `${formatPercent(mean)} ± ${(halfWidth * 100).toFixed(1)}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
