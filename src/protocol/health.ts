/**
 * Run health: whether a run is learning, judged from what it reports. Pure functions over the
 * protocol's plain data, used by the run store while a run streams (metrics, evaluations) and
 * once more when it ends (the result, with its confusion matrix). A run that is flagged
 * 'failed' ends with that status instead of 'done'; a 'warning' keeps 'done' but is marked.
 *
 * | check                 | when                           | flagged when                                                                      | severity |
 * |-----------------------|--------------------------------|-----------------------------------------------------------------------------------|----------|
 * | loss not finite       | every metrics point            | a reported loss is NaN or ±∞                                                      | failed   |
 * | loss exploding        | every metrics point            | loss ≥ LOSS_EXPLOSION_RATIO (100) × max(first loss of that stage, LOSS_FLOOR 0.01)  | failed   |
 * |                       | every stage-2 point            | or cross-entropy ≥ CE_EXPLOSION_FACTOR (20) × ln C (a uniform guess's; the first   |          |
 * |                       |                                | reported interval may already contain the explosion)                             |          |
 * | accuracy at chance    | end of run (test); live (val), | accuracy ≤ 1/C + tol, tol = max(CHANCE_MIN_MARGIN 0.02, CHANCE_Z 3 · √(p(1−p)/n)),  | failed   |
 * |                       | ≥ CHANCE_LIVE_FRACTION (½) of  | p = 1/C, n = images it was measured on (the chance score's standard error)        | (live:   |
 * |                       | stage 2 and 2 evals in a row   |                                                                                   | warning) |
 * | collapsed prediction  | end of run (confusion matrix)  | one predicted class takes ≥ (1 + 1/C) / 2 of the test images (C=5: 60 %, C=2: 75 %) | failed   |
 * | NCM collapse, stage 2 | stage-2 evals; end of run      | stage-2 NCM ≤ stage-1 NCM − max(NCM_MIN_DROP 0.1, NCM_DROP_SHARE ½ of its gain     | warning  |
 * |                       |                                | over chance), for a method with stage 1                                          |          |
 */

/** Documented thresholds (see the table above). */
export const HEALTH_THRESHOLDS = {
  lossExplosionRatio: 100,
  lossFloor: 0.01,
  ceExplosionFactor: 20,
  chanceZ: 3,
  chanceMinMargin: 0.02,
  chanceLiveFraction: 0.5,
  ncmMinDrop: 0.1,
  ncmDropShare: 0.5,
} as const;

export type HealthIssue =
  | { kind: 'loss-not-finite'; stage: 1 | 2; step: number; loss: number }
  | { kind: 'loss-exploded'; stage: 1 | 2; step: number; loss: number; firstLoss: number; ratio: number; term: 'loss' | 'cross-entropy' }
  | { kind: 'chance-accuracy'; on: 'test' | 'validation'; accuracy: number; chance: number; tolerance: number; images: number; live: boolean }
  | { kind: 'collapsed-prediction'; classIndex: number; className: string; share: number; threshold: number }
  | { kind: 'ncm-collapse'; stage1Ncm: number; stage2Ncm: number; allowedDrop: number };

export type HealthKind = HealthIssue['kind'];
export type HealthSeverity = 'ok' | 'warning' | 'failed';

export interface HealthVerdict {
  severity: HealthSeverity;
  /** Short, for a status: "trained to chance", "loss exploded"… (empty when ok). */
  headline: string;
  issues: HealthIssue[];
}

/** What a run's settings are, as far as advice goes (a subset of ExperimentConfig). */
export interface AdviceContext {
  method: string;
  preset: string;
  stage1LearningRate: number;
  stage2LearningRate: number;
  lambda: number;
  tau2: number | 'auto';
  /** The stage-2 learning-rate rule for λ ('scaled' divides the step by 1 + λ). */
  lambdaLr?: string;
}

export function severityOf(issue: HealthIssue): Exclude<HealthSeverity, 'ok'> {
  if (issue.kind === 'ncm-collapse') return 'warning';
  if (issue.kind === 'chance-accuracy' && issue.live) return 'warning';
  return 'failed';
}

// ---------------------------------------------------------------------------------------------
// The checks.

/**
 * Loss check of one reported point: against the first reported loss of its stage, and (stage 2)
 * its cross-entropy against ln C, the cross-entropy of a uniform guess over `numClasses`.
 */
export function lossIssue(point: { stage: 1 | 2; step: number; loss: number; ce?: number }, firstLoss: number | undefined, numClasses = 0): HealthIssue | null {
  if (!Number.isFinite(point.loss)) return { kind: 'loss-not-finite', stage: point.stage, step: point.step, loss: point.loss };
  if (firstLoss !== undefined && Number.isFinite(firstLoss)) {
    const ratio = point.loss / Math.max(Math.abs(firstLoss), HEALTH_THRESHOLDS.lossFloor);
    if (ratio >= HEALTH_THRESHOLDS.lossExplosionRatio) return { kind: 'loss-exploded', stage: point.stage, step: point.step, loss: point.loss, firstLoss, ratio, term: 'loss' };
  }
  if (point.stage === 2 && point.ce !== undefined && numClasses >= 2) {
    const uniform = Math.log(numClasses);
    const ratio = point.ce / uniform;
    if (ratio >= HEALTH_THRESHOLDS.ceExplosionFactor) return { kind: 'loss-exploded', stage: 2, step: point.step, loss: point.ce, firstLoss: uniform, ratio, term: 'cross-entropy' };
  }
  return null;
}

/** How far above 1/C an accuracy on `images` images may be and still be chance. */
export function chanceTolerance(numClasses: number, images: number): number {
  const p = 1 / numClasses;
  const se = images > 0 ? Math.sqrt((p * (1 - p)) / images) : 1;
  return Math.max(HEALTH_THRESHOLDS.chanceMinMargin, HEALTH_THRESHOLDS.chanceZ * se);
}

export function chanceIssue(accuracy: number, numClasses: number, images: number, on: 'test' | 'validation', live: boolean): HealthIssue | null {
  if (numClasses < 2 || !Number.isFinite(accuracy)) return null;
  const chance = 1 / numClasses;
  const tolerance = chanceTolerance(numClasses, images);
  return accuracy <= chance + tolerance ? { kind: 'chance-accuracy', on, accuracy, chance, tolerance, images, live } : null;
}

/** The share of test images above which one predicted class is a collapse: halfway between 1/C and all. */
export function collapseThreshold(numClasses: number): number {
  return (1 + 1 / numClasses) / 2;
}

/** `confusion[true][predicted]`: flags a predicted class that takes most of the test set. */
export function collapseIssue(confusion: readonly (readonly number[])[], classNames: readonly string[]): HealthIssue | null {
  const numClasses = confusion.length;
  if (numClasses < 2) return null;
  const predicted = new Array<number>(numClasses).fill(0);
  let total = 0;
  for (const row of confusion)
    row.forEach((count, j) => {
      predicted[j] += count;
      total += count;
    });
  if (total === 0) return null;
  let classIndex = 0;
  for (let j = 1; j < numClasses; j++) if (predicted[j] > predicted[classIndex]) classIndex = j;
  const share = predicted[classIndex] / total;
  const threshold = collapseThreshold(numClasses);
  return share >= threshold ? { kind: 'collapsed-prediction', classIndex, className: classNames[classIndex] ?? `class ${classIndex}`, share, threshold } : null;
}

/** Stage-2 NCM against stage 1's: flags a drop of more than half the stage-1 gain over chance (and ≥ 0.1). */
export function ncmIssue(stage1Ncm: number, stage2Ncm: number, numClasses: number): HealthIssue | null {
  if (!Number.isFinite(stage1Ncm) || !Number.isFinite(stage2Ncm) || numClasses < 2) return null;
  const gain = Math.max(0, stage1Ncm - 1 / numClasses);
  const allowedDrop = Math.max(HEALTH_THRESHOLDS.ncmMinDrop, HEALTH_THRESHOLDS.ncmDropShare * gain);
  return stage1Ncm - stage2Ncm > allowedDrop ? { kind: 'ncm-collapse', stage1Ncm, stage2Ncm, allowedDrop } : null;
}

// ---------------------------------------------------------------------------------------------
// Judging a run.

export interface LiveHealthInput {
  numClasses: number;
  /** Validation images (for the chance tolerance of validation accuracy). */
  valImages: number;
  /** Whether the method has stage 1 (the NCM check compares stage 2 with it). */
  hasStage1: boolean;
  /** Stage-2 steps in the run (0: unknown). */
  stage2Steps: number;
  /** Step where stage 2 begins. */
  stage2StartStep: number;
  evals: readonly { stage: 1 | 2; step: number; ncmValAccuracy: number; valAccuracy?: number }[];
}

/**
 * Checks of the evaluations so far: validation accuracy at chance for the last two stage-2
 * evaluations once half of stage 2 is done (a warning: the run may still recover), and the
 * stage-2 NCM against the best stage-1 NCM (the checkpoint stage 1 hands over).
 */
export function judgeEvals(input: LiveHealthInput): HealthIssue[] {
  const issues: HealthIssue[] = [];
  const stage2 = input.evals.filter((e) => e.stage === 2);
  const last2 = stage2.slice(-2);
  const lastStep = last2.at(-1)?.step ?? 0;
  const fraction = input.stage2Steps > 0 ? (lastStep - input.stage2StartStep) / input.stage2Steps : 0;
  if (last2.length === 2 && fraction >= HEALTH_THRESHOLDS.chanceLiveFraction) {
    const flagged = last2.map((e) => (e.valAccuracy === undefined ? null : chanceIssue(e.valAccuracy, input.numClasses, input.valImages, 'validation', true)));
    if (flagged.every((f) => f !== null)) issues.push(flagged[1] as HealthIssue);
  }
  if (input.hasStage1 && stage2.length >= 2) {
    const stage1 = input.evals.filter((e) => e.stage === 1).map((e) => e.ncmValAccuracy);
    if (stage1.length > 0) {
      // Two evaluations in a row below: one noisy evaluation is not a collapse.
      const best = Math.max(...stage1);
      const both = stage2.slice(-2).map((e) => ncmIssue(best, e.ncmValAccuracy, input.numClasses));
      if (both.every((f) => f !== null)) issues.push(both[1] as HealthIssue);
    }
  }
  return issues;
}

/** What the final result needs for the end-of-run checks (a subset of ExperimentResult). */
export interface ResultHealthInput {
  classNames: readonly string[];
  counts: { test: number };
  stage1?: { ncmAccuracy: number };
  final: { testAccuracy: number; ncmTestAccuracy: number; confusion: readonly (readonly number[])[] };
}

/** End-of-run checks on the test split: chance accuracy, a collapsed prediction, NCM collapse. */
export function judgeResult(result: ResultHealthInput): HealthIssue[] {
  // A result read from a file may lack fields: judge what is there.
  if (!result.final) return [];
  const confusion = result.final.confusion ?? [];
  const classNames = result.classNames ?? [];
  const numClasses = classNames.length || confusion.length;
  if (numClasses < 2) return [];
  const testCount = result.counts?.test ?? confusion.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0);
  const issues: (HealthIssue | null)[] = [
    testCount > 0 ? chanceIssue(result.final.testAccuracy, numClasses, testCount, 'test', false) : null,
    confusion.length > 0 ? collapseIssue(confusion, classNames) : null,
    result.stage1 ? ncmIssue(result.stage1.ncmAccuracy, result.final.ncmTestAccuracy, numClasses) : null,
  ];
  return issues.filter((i): i is HealthIssue => i !== null);
}

/**
 * Merges new issues into old ones, one per kind: a later issue of a kind replaces the earlier,
 * except that a live (validation) chance warning never replaces the final (test) one.
 */
export function mergeIssues(old: readonly HealthIssue[], incoming: readonly HealthIssue[]): HealthIssue[] {
  const byKind = new Map<HealthKind, HealthIssue>(old.map((i) => [i.kind, i]));
  for (const issue of incoming) {
    const prev = byKind.get(issue.kind);
    if (prev && prev.kind === 'chance-accuracy' && !prev.live && issue.kind === 'chance-accuracy' && issue.live) continue;
    // The first explosion is the one to report (where it started).
    if (prev && (issue.kind === 'loss-exploded' || issue.kind === 'loss-not-finite')) continue;
    byKind.set(issue.kind, issue);
  }
  return [...byKind.values()];
}

const HEADLINES: Record<HealthKind, string> = {
  'loss-not-finite': 'loss diverged',
  'loss-exploded': 'loss exploded',
  'chance-accuracy': 'trained to chance',
  'collapsed-prediction': 'predicts one class',
  'ncm-collapse': 'NCM collapsed in stage 2',
};

/** Ordered from the cause to the symptom: the headline names the first. */
const ORDER: readonly HealthKind[] = ['loss-not-finite', 'loss-exploded', 'collapsed-prediction', 'chance-accuracy', 'ncm-collapse'];

export function verdictOf(issues: readonly HealthIssue[]): HealthVerdict {
  if (issues.length === 0) return { severity: 'ok', headline: '', issues: [] };
  const sorted = [...issues].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  const failed = sorted.filter((i) => severityOf(i) === 'failed');
  const lead = failed[0] ?? sorted[0];
  return { severity: failed.length > 0 ? 'failed' : 'warning', headline: HEADLINES[lead.kind], issues: sorted };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const num = (x: number) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(1) : x.toPrecision(3));

/** One sentence: what happened. */
export function describeIssue(issue: HealthIssue): string {
  switch (issue.kind) {
    case 'loss-not-finite':
      return `The stage-${issue.stage} loss became ${issue.loss} at step ${issue.step}.`;
    case 'loss-exploded':
      return issue.term === 'loss'
        ? `The stage-${issue.stage} loss reached ${num(issue.loss)} at step ${issue.step}, ${num(issue.ratio)}× its first value (${num(issue.firstLoss)}).`
        : `The stage-2 cross-entropy reached ${num(issue.loss)} at step ${issue.step}, ${num(issue.ratio)}× that of a uniform guess (ln C = ${num(issue.firstLoss)}).`;
    case 'chance-accuracy':
      return `${issue.on === 'test' ? 'Test' : 'Validation'} accuracy is ${pct(issue.accuracy)}, within ${pct(issue.tolerance)} of chance (${pct(issue.chance)}) on ${issue.images} images${issue.live ? ', past half of stage 2' : ''}.`;
    case 'collapsed-prediction':
      return `${pct(issue.share)} of the test images are predicted as "${issue.className}" (a collapse from ${pct(issue.threshold)}).`;
    case 'ncm-collapse':
      return `Stage 2 wrecked the stage-1 embedding: its NCM accuracy fell from ${pct(issue.stage1Ncm)} to ${pct(issue.stage2Ncm)}.`;
    default: {
      const unreachable: never = issue;
      return String(unreachable);
    }
  }
}

/** What to try next, given the run's settings. */
export function adviceFor(issue: HealthIssue, ctx: AdviceContext): string {
  const distils = ctx.method === 'refilled' || ctx.method === 'kd';
  const lambda = distils ? ` or λ (now ${ctx.lambda})` : '';
  const preset = ctx.method === 'refilled' && ctx.preset !== 'tpami' ? ', or the tpami preset' : '';
  switch (issue.kind) {
    case 'loss-not-finite':
    case 'loss-exploded': {
      const lr = issue.stage === 1 ? ctx.stage1LearningRate : ctx.stage2LearningRate;
      return `Lower the stage-${issue.stage} learning rate (now ${lr})${issue.stage === 2 ? lambda : ' or w₁'}${preset}.`;
    }
    case 'chance-accuracy':
    case 'collapsed-prediction':
      return `Lower the stage-2 learning rate (now ${ctx.stage2LearningRate})${lambda}${distils && ctx.method === 'refilled' && ctx.lambda > 1 && ctx.lambdaLr !== 'scaled' ? ', or set the learning rate for λ to scaled' : ''}${preset}.`;
    case 'ncm-collapse':
      return `Lower the stage-2 learning rate (now ${ctx.stage2LearningRate}) or the embedding's stage-2 learning-rate scale${lambda}.`;
    default: {
      const unreachable: never = issue;
      return String(unreachable);
    }
  }
}
