/**
 * REFILLED stage 2: distill the classifier through the teacher's embedding-based classifier,
 * whose centres are the student's classes in the teacher's embedding space.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from './baselines';
import { l2Normalize, maskedLogSoftmax, stopGradient, withoutGradient } from './distances';
import { fused, stage2KlFused, stage2TargetsFused } from '../kernels/ops';

export type CentreSource = 'local' | 'global';
export type TeacherScore = 'dot' | 'sqeuclidean';
export type TemperatureOn = 'both' | 'teacher';
export type KdScope = 'batch' | 'all';
export type KlReduction = 'batchmean' | 'elementwise';

/**
 * Per-class means of the embedding, c_k = mean{ f(x_i) : y_i = k }: emb [N, D], labels [N]
 * int32 → centres [C, D]. A class absent from `labels` gets a zero row.
 */
export function classCentres(emb: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => {
    const membership = tf.oneHot(tf.cast(labels, 'int32'), numClasses).toFloat(); // [N, C]
    const sums = tf.matMul(membership, emb, true, false); // [C, D]
    const counts = tf.sum(membership, 0).reshape([numClasses, 1]);
    return tf.div(sums, tf.maximum(counts, 1)) as tf.Tensor2D;
  });
}

/** ĉ_k = c_k / ‖c_k‖₂ for every row: [C, D] → [C, D]; a zero row stays zero (ε-safe). */
export function normalizeRows(rows: tf.Tensor2D): tf.Tensor2D {
  return l2Normalize(rows);
}

export interface Stage2Options {
  /** z_S [B, C], the student's logits over its C classes (gets gradients). */
  studentLogits: tf.Tensor2D;
  /** f_T(x) [B, D], the teacher's raw (not normalised) embedding of the same images. */
  teacherEmb: tf.Tensor2D;
  /** [B] int32, 0..C−1. */
  labels: tf.Tensor1D;
  numClasses: number;
  /** `local`: class means of this batch's teacher embeddings (2020 code); `global`: `globalCentres`. */
  centres: CentreSource;
  /** [C, D] raw class means of f_T over the whole training set; required for `global`. */
  globalCentres?: tf.Tensor2D;
  /** `dot`: s_k = ⟨f_T(x), ĉ_k⟩; `sqeuclidean` (the paper's form): s_k = −‖f_T(x) − c_k‖². */
  score: TeacherScore;
  /** τ₂ (2 in the 2020 and current code, 1 in the TPAMI code). */
  tau2: number;
  /** `both`: p = softmax(z_S/τ₂); `teacher`: p = softmax(z_S) (TPAMI code). */
  temperatureOn: TemperatureOn;
  /**
   * The teacher's temperature, when it differs from τ₂: q = softmax(s/τ_T). Set to the
   * calibrated τ* it rescales the teacher's scores to their own scale while the student keeps
   * the published τ₂. Default: τ₂.
   */
  teacherTau?: number;
  /**
   * `uniform` replaces q by the uniform distribution over the classes in scope (an ablation:
   * what remains is label smoothing towards the batch's classes). Default `teacher`.
   */
  targets?: 'teacher' | 'uniform';
  /** λ, the weight of the KL term (a number, or a scalar tensor for a schedule held on device). */
  lambda: number | tf.Scalar;
  /**
   * `batch`: KL over the classes present in the batch (REFILLED's local KD); `all`: over all C
   * (with `local` centres an absent class then has a zero centre: pair `all` with `global`).
   */
  scope: KdScope;
  /** `batchmean`: Σ over classes, mean over examples; `elementwise`: mean over B × |classes| entries (2020 code). */
  klReduction: KlReduction;
}

/**
 * Stage-2 loss, CE(z_S over all C classes, y) + λ · KL(q ‖ p), for a batch of B examples.
 *
 * Centres c_k live in the teacher's embedding space (`local` or `global`). Teacher scores
 * s_k(x) = ⟨f_T(x), ĉ_k⟩ (`dot`, normalised centre) or −‖f_T(x) − c_k‖² (`sqeuclidean`, raw centre).
 * Over the classes 𝓑 present in the batch (all C classes with scope `all`):
 * q = softmax(s/τ₂), p = softmax(z_S/τ₂) (or softmax(z_S) with temperatureOn `teacher`),
 * KL(q ‖ p) = Σ_{k∈𝓑} q_k (log q_k − log p_k), reduced by `klReduction`.
 * The teacher side has no gradient.
 *
 * Returns scalars { loss, ce, kd } with kd the unweighted KL term and loss = ce + λ · kd.
 */
export function refilledStage2Loss(options: Stage2Options): { loss: tf.Scalar; ce: tf.Scalar; kd: tf.Scalar } {
  const { studentLogits, labels, numClasses, score, tau2, temperatureOn, lambda, scope, klReduction } = options;
  if (studentLogits.shape[1] !== numClasses) {
    throw new Error(`refilledStage2Loss: studentLogits has ${studentLogits.shape[1]} classes, numClasses is ${numClasses}.`);
  }
  if (fused('stage2')) return stage2Fused(options);
  return tf.tidy(() => {
    const teacher = stopGradient(options.teacherEmb);
    const membership = tf.oneHot(tf.cast(labels, 'int32'), numClasses).toFloat(); // [B, C]
    const centres = selectCentres(options, teacher);

    const scores = teacherScores(teacher, centres, score);

    // Classes present in the batch: from the labels, so no gradient question arises.
    const classMask = scope === 'all' ? tf.ones([1, numClasses]) : tf.minimum(tf.sum(membership, 0, true), 1);
    const logQ = maskedLogSoftmax(options.targets === 'uniform' ? tf.zerosLike(scores) : tf.div(scores, options.teacherTau ?? tau2), classMask);
    const studentTau = temperatureOn === 'both' ? tau2 : 1;
    const logP = maskedLogSoftmax(tf.div(studentLogits, studentTau), classMask);
    const klPerExample = tf.sum(tf.mul(classMask, tf.mul(tf.exp(logQ), tf.sub(logQ, logP))), 1); // [B]
    const batchSize = studentLogits.shape[0];
    const kd = (
      klReduction === 'batchmean'
        ? tf.mean(klPerExample)
        : tf.div(tf.sum(klPerExample), tf.mul(batchSize, tf.sum(classMask)))
    ) as tf.Scalar;

    const ce = crossEntropy(studentLogits, labels);
    const loss = tf.add(ce, tf.mul(lambda, kd)) as tf.Scalar;
    return { loss, ce, kd };
  });
}

/** refilledStage2Loss through the fused kernels (kernels/stage2Spec.ts): the same loss up to float32 rounding. */
function stage2Fused(options: Stage2Options): { loss: tf.Scalar; ce: tf.Scalar; kd: tf.Scalar } {
  const { studentLogits, labels, numClasses, tau2, lambda, scope } = options;
  return tf.tidy(() => {
    const allClasses = scope === 'all';
    const globalCentres = options.centres === 'global' ? checkedGlobalCentres(options) : null;
    const targetAttrs = { dot: options.score === 'dot', teacherTau: options.teacherTau ?? tau2, uniform: options.targets === 'uniform', allClasses };
    // The teacher's side gets zero gradients, as through stopGradient in the unfused loss.
    const q = withoutGradient(globalCentres ? [options.teacherEmb, globalCentres] : [options.teacherEmb], (teacher, centres) =>
      stage2TargetsFused(teacher as tf.Tensor2D, labels, numClasses, (centres as tf.Tensor2D | undefined) ?? null, targetAttrs),
    );
    const kd = stage2KlFused(studentLogits, q, labels, { studentTau: options.temperatureOn === 'both' ? tau2 : 1, allClasses, elementwise: options.klReduction === 'elementwise' });
    const ce = crossEntropy(studentLogits, labels);
    return { loss: tf.add(ce, tf.mul(lambda, kd)) as tf.Scalar, ce, kd };
  });
}

/**
 * The teacher's scores against the centres: f [B, D], raw centres c [C, D] → s [B, C], with
 * s_k = ⟨f, ĉ_k⟩ (`dot`) or −‖f − c_k‖² (`sqeuclidean`).
 */
export function teacherScores(emb: tf.Tensor2D, centres: tf.Tensor2D, score: TeacherScore): tf.Tensor2D {
  return tf.tidy(() => (score === 'dot' ? tf.matMul(emb, normalizeRows(centres), false, true) : tf.neg(squaredDistancesToCentres(emb, centres))));
}

/** Raw centres [C, D]: the batch's class means, or the given global ones (both without gradient). */
function selectCentres(options: Stage2Options, teacher: tf.Tensor2D): tf.Tensor2D {
  if (options.centres === 'local') return classCentres(teacher, options.labels, options.numClasses);
  return stopGradient(checkedGlobalCentres(options));
}

/** The given global centres [C, D], checked. */
function checkedGlobalCentres(options: Stage2Options): tf.Tensor2D {
  if (!options.globalCentres) {
    throw new Error("refilledStage2Loss: centres 'global' needs globalCentres ([C, D] class means of the training set).");
  }
  if (options.globalCentres.shape[0] !== options.numClasses) {
    throw new Error(`refilledStage2Loss: globalCentres has ${options.globalCentres.shape[0]} rows, numClasses is ${options.numClasses}.`);
  }
  return options.globalCentres;
}

/** ‖f_i − c_k‖² for every example and centre: f [B, D], c [C, D] → [B, C], clamped at 0. */
function squaredDistancesToCentres(emb: tf.Tensor2D, centres: tf.Tensor2D): tf.Tensor2D {
  const embNorms = tf.sum(tf.square(emb), 1, true); // [B, 1]
  const centreNorms = tf.sum(tf.square(centres), 1, true); // [C, 1]
  const cross = tf.matMul(emb, centres, false, true); // [B, C]
  return tf.relu(tf.sub(tf.add(embNorms, tf.transpose(centreNorms)), tf.mul(2, cross))) as tf.Tensor2D;
}

export interface LambdaSchedule {
  /** λ₀. */
  lambda0: number;
  kind: 'constant' | 'exp-decay';
  /** r in λ_e = λ₀ · exp(−r · e); ignored when `constant`. */
  decayRate: number;
}

/** λ at epoch e (0-based): λ₀ (`constant`) or λ₀ · exp(−r · e) (`exp-decay`, 2020 code: λ₀ = 1000, r = 0.05). */
export function lambdaAt(schedule: LambdaSchedule, epoch: number): number {
  return schedule.kind === 'constant' ? schedule.lambda0 : schedule.lambda0 * Math.exp(-schedule.decayRate * epoch);
}
