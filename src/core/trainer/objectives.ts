/**
 * The methods the trainer can run, as one table: per method, its stage-1 objective (or none),
 * its stage-2 objective, the statistics each one accumulates, λ(epoch) and the teacher caches
 * it needs. The trainer (`experiment.ts`) loops over batches; this table decides what a step
 * minimises. Adding a baseline is one entry here (and its name in `protocol/config`'s METHODS,
 * which the types then require to have an entry).
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig, Method } from '../../protocol/config';
import type { MetricsPoint } from '../../protocol/results';
import { crossEntropy, hintonKdLoss, lambdaAt, refilledStage1Loss, refilledStage2Loss, rkdLoss } from '../losses';
import { batchScope, decodeTripletSample, localClassifierView, targetSharpness, TRIPLET_SAMPLE_SIZE } from '../explorer';

/** Teacher quantities computed once per run (besides f_T of the training set, which every run caches). */
export type TeacherCache = 'globalCentres' | 'trainLogits' | 'trainDistances';

/** What an objective sees of one training batch. Tensors belong to the step's tidy. */
export interface BatchContext {
  readonly config: ExperimentConfig;
  /** C, the student's classes. */
  readonly numClasses: number;
  /** y [B] int32, 0..C−1. */
  readonly labels: tf.Tensor1D;
  /** [B] int32: the training-set index of each row of the batch. */
  readonly rows: tf.Tensor1D;
  /**
   * f_T [B, Dt] of the batch's images exactly as the student sees them: rows of the cached
   * training-set embedding, or (with augmentation) the teacher's forward pass of the augmented
   * batch. Computed on first call.
   */
  teacherEmb(): tf.Tensor2D;
  /**
   * d_T [B, B], the pairwise distances of the batch's unit-normalised teacher embeddings:
   * rows and columns of the cached training-set matrix (`trainDistances`), else computed
   * from teacherEmb() (with augmentation, or without the cache). Computed on first call.
   */
  teacherDist(): tf.Tensor2D;
  /** Teacher logits [B, C] in the student's class order, of the same images (needs `trainLogits`). */
  teacherLogits(): tf.Tensor2D;
  /** Raw class means [C, Dt] of f_T over the training set (needs `globalCentres`), else null. */
  readonly globalCentres: tf.Tensor2D | null;
  /**
   * Stage 2's temperatures, resolved once by the experiment: the student's (τ₂, or 1 when τ₂
   * is on the teacher only) and the teacher's (τ₂, or τ* with τ₂ = auto / teacherTau = auto).
   */
  readonly tau2: number;
  readonly teacherTau: number;
  /** λ of the current epoch (this method's `lambda`). */
  readonly lambda: number;
  /** Whether this step reports: statistics that cost extra are computed on such steps only. */
  readonly withStats: boolean;
  /** Whether the explorer listens: its probes (triplet sample, target sharpness) are computed on reporting steps. */
  readonly explore?: boolean;
}

/**
 * One stage's objective. `compute` gets the student's output for the batch (stage 1: the
 * training-mode embedding f_S [B, Ds]; stage 2: the logits z_S [B, C]) and returns the scalar
 * to minimise with its statistics by name; the trainer stacks them in the order of `stats`
 * (the first is always `loss`), sums them over a reporting interval, divides by its steps and
 * hands them back to `report` by name.
 */
export interface Objective {
  readonly stats: readonly string[];
  compute(ctx: BatchContext, output: tf.Tensor2D): { loss: tf.Scalar; stats: Record<string, tf.Scalar>; probe?: tf.Tensor };
  /**
   * Writes the interval's statistics (means over its `steps`) into the metrics point. `probe`:
   * the values of the last step's `probe` (a tensor an objective may return on a reporting step
   * only, read back with the statistics in the same read-back), or empty.
   */
  report(values: Record<string, number>, steps: number, point: MetricsPoint, probe?: readonly number[]): void;
}

export interface MethodEntry {
  /** Embedding distillation before the classifier is trained; null: stage 2 starts from scratch. */
  readonly stage1: Objective | null;
  readonly stage2: Objective;
  /** λ at a stage-2 epoch (0 where the method has no distillation term). */
  lambda(config: ExperimentConfig, epoch: number): number;
  /** The teacher caches this method reads in the given configuration. */
  teacherCaches(config: ExperimentConfig): readonly TeacherCache[];
}

/** REFILLED stage 1: w₁ · mean KL(P_T ‖ P_S) over triplets (tuples) mined on the student. */
const tripletObjective: Objective = {
  stats: ['loss', 'mined', 'anchorsWithTriplet', 'meanPT', 'meanPS', 'agreement', 'meanAbsDiff'],
  compute(ctx, studentEmb) {
    const cfg = ctx.config.stage1;
    const sample = ctx.explore ? { sample: { size: TRIPLET_SAMPLE_SIZE, rowIds: ctx.rows } } : {};
    const r = refilledStage1Loss({ studentEmb, teacherDist: ctx.teacherDist(), labels: ctx.labels, mining: cfg.mining, margin: cfg.margin, form: cfg.form, tau1: cfg.tau1, w1: cfg.w1, stats: ctx.withStats, ...sample });
    return { loss: r.loss, stats: { loss: r.loss, ...r.stats }, ...(r.sample ? { probe: r.sample } : {}) };
  },
  report(v, steps, point, probe = []) {
    // The relationship explorer's sample of the reporting step's mined triplets.
    if (probe.length > 0) point.tripletSample = decodeTripletSample(probe);
    // The loss is the interval's mean; the triplet statistics come from its last step alone
    // (the other steps contribute zeros), so undo the division by the interval's steps.
    point.triplets = { mined: v.mined * steps, anchorsWithTriplet: v.anchorsWithTriplet * steps, meanPT: v.meanPT * steps, meanPS: v.meanPS * steps, agreement: v.agreement * steps, meanAbsDiff: v.meanAbsDiff * steps };
  },
};

/** RKD stage 1 (Park et al. 2019): distance-wise + angle-wise relational losses on the embeddings. */
const rkdObjective: Objective = {
  stats: ['loss', 'distance', 'angle'],
  compute(ctx, studentEmb) {
    const cfg = ctx.config.stage1;
    const r = rkdLoss({ studentEmb, teacherEmb: ctx.teacherEmb(), distanceWeight: cfg.rkdDistanceWeight, angleWeight: cfg.rkdAngleWeight });
    return { loss: r.loss, stats: { loss: r.loss, distance: r.distance, angle: r.angle } };
  },
  report(v, _steps, point) {
    point.rkd = { distance: v.distance, angle: v.angle };
  },
};

/**
 * A stage-2 objective from a classifier loss { loss, ce, kd } over the student's logits
 * z_S [B, C]; adds the batch's training accuracy. Every stage-2 objective reports the same
 * statistics, so the charts compare methods directly.
 */
function classifierObjective(
  loss: (ctx: BatchContext, logits: tf.Tensor2D) => { loss: tf.Scalar; ce: tf.Scalar; kd: tf.Scalar },
  probe?: { compute(ctx: BatchContext, logits: tf.Tensor2D): tf.Tensor; report(values: readonly number[], point: MetricsPoint): void },
): Objective {
  return {
    stats: ['loss', 'ce', 'kd', 'trainAccuracy'],
    compute(ctx, logits) {
      const r = loss(ctx, logits);
      const trainAccuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), ctx.labels), 'float32')) as tf.Scalar;
      const stats = { loss: r.loss, ce: r.ce, kd: r.kd, trainAccuracy };
      return probe && ctx.withStats && ctx.explore ? { loss: r.loss, stats, probe: probe.compute(ctx, logits) } : { loss: r.loss, stats };
    },
    report(v, _steps, point, values = []) {
      point.ce = v.ce;
      point.kd = v.kd;
      point.trainAccuracy = v.trainAccuracy;
      if (probe && values.length > 0) probe.report(values, point);
    },
  };
}

/** Cross-entropy alone: CE(z_S, y). */
const crossEntropyObjective = classifierObjective((ctx, logits) => {
  const ce = crossEntropy(logits, ctx.labels);
  return { loss: ce, ce, kd: tf.scalar(0) };
});

/** REFILLED stage 2: CE + λ · KL(q ‖ p) through the teacher's centre-based classifier over the batch's classes. */
const localClassifierObjective = classifierObjective((ctx, logits) => {
  const cfg = ctx.config.stage2;
  return refilledStage2Loss({
    studentLogits: logits,
    teacherEmb: ctx.teacherEmb(),
    labels: ctx.labels,
    numClasses: ctx.numClasses,
    centres: cfg.centres,
    globalCentres: ctx.globalCentres ?? undefined,
    score: cfg.score,
    tau2: ctx.tau2,
    teacherTau: ctx.teacherTau,
    // Both temperatures are resolved already (the student's is 1 where τ₂ is on the teacher only).
    temperatureOn: 'both',
    targets: cfg.targets,
    lambda: ctx.lambda,
    scope: cfg.scope,
    klReduction: cfg.klReduction,
  });
}, teacherTargetsProbe());

/**
 * On reporting steps, how sharp the teacher's targets q were on the batch (explorer): [3] =
 * (mean max_k q_k, mean entropy, classes in scope), with the loss's centres, scope and temperatures.
 */
function teacherTargetsProbe(): { compute(ctx: BatchContext, logits: tf.Tensor2D): tf.Tensor; report(values: readonly number[], point: MetricsPoint): void } {
  return {
    compute(ctx, logits) {
      const cfg = ctx.config.stage2;
      const teacherEmb = ctx.teacherEmb();
      const { classMask, centres } = batchScope(teacherEmb, ctx.labels, ctx.numClasses, cfg.centres === 'global' ? ctx.globalCentres : null, cfg.scope);
      const { q } = localClassifierView({ teacherEmb, centres, studentLogits: logits, classMask, score: cfg.score, teacherTau: ctx.teacherTau, studentTau: ctx.tau2, targets: cfg.targets });
      return tf.concat([targetSharpness(q), tf.reshape(tf.sum(classMask), [1])]);
    },
    report(values, point) {
      point.teacherTargets = { meanMaxProb: values[0], meanEntropy: values[1], classesInScope: Math.round(values[2]) };
    },
  };
}

/** Hinton KD: CE + λ · τ² · KL(softmax(t/τ) ‖ softmax(z/τ)) with the teacher's own logits. */
const hintonObjective = classifierObjective((ctx, logits) =>
  hintonKdLoss({ studentLogits: logits, teacherLogits: ctx.teacherLogits(), labels: ctx.labels, tau: ctx.config.stage2.kdTau, lambda: ctx.lambda }),
);

const noLambda = () => 0;
const noCaches = () => [];

/** The methods: the trainer looks everything method-specific up here. */
export const METHOD_TABLE: Readonly<Record<Method, MethodEntry>> = {
  refilled: {
    stage1: tripletObjective,
    stage2: localClassifierObjective,
    lambda: (config, epoch) => lambdaAt({ lambda0: config.stage2.lambda, kind: config.stage2.lambdaSchedule, decayRate: config.stage2.lambdaDecay }, epoch),
    teacherCaches: (config) => (config.stage2.centres === 'global' ? ['globalCentres', 'trainDistances'] : ['trainDistances']),
  },
  vanilla: { stage1: null, stage2: crossEntropyObjective, lambda: noLambda, teacherCaches: noCaches },
  'stage1-only': { stage1: tripletObjective, stage2: crossEntropyObjective, lambda: noLambda, teacherCaches: () => ['trainDistances'] },
  kd: { stage1: null, stage2: hintonObjective, lambda: (config) => config.stage2.lambda, teacherCaches: () => ['trainLogits'] },
  rkd: { stage1: rkdObjective, stage2: crossEntropyObjective, lambda: noLambda, teacherCaches: noCaches },
};

/** The table's entry for a method. */
export function methodEntry(method: Method): MethodEntry {
  return METHOD_TABLE[method];
}
