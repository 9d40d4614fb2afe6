/**
 * The teacher's local classifier (REFILLED stage 2) made visible: its distribution q over the
 * student's classes next to the student's p, and how sharp q is (a flat q distils little more
 * than smoothed labels).
 */
import * as tf from '@tensorflow/tfjs';
import { maskedLogSoftmax } from '../losses/distances';
import { classCentres, teacherScores, type TeacherScore } from '../losses/stage2';

export interface LocalClassifierInputs {
  /** f_T(x) [N, Dt], the teacher's raw embedding of the images. */
  teacherEmb: tf.Tensor2D;
  /** c [C, Dt], raw class centres of the student's classes in the teacher's space (normalised by `dot`). */
  centres: tf.Tensor2D;
  /** z_S [N, C], the student's logits. */
  studentLogits: tf.Tensor2D;
  /** [1, C] or [N, C] 0/1: the classes in scope (the batch's classes 𝓑); null: all C. */
  classMask: tf.Tensor2D | null;
  score: TeacherScore;
  /** The teacher's temperature τ_T: q = softmax(s/τ_T). */
  teacherTau: number;
  /** The student's temperature (τ₂, or 1 when τ₂ is on the teacher only): p = softmax(z_S/τ_S). */
  studentTau: number;
  /** `uniform`: q is uniform over the classes in scope (the ablation). Default `teacher`. */
  targets?: 'teacher' | 'uniform';
}

/**
 * q and p of stage 2's local knowledge distillation, [N, C] each, rows summing to 1 over the
 * classes in scope and exactly 0 outside it:
 *   s_k(x) = ⟨f_T(x), ĉ_k⟩ (`dot`) or −‖f_T(x) − c_k‖² (`sqeuclidean`),
 *   q = softmax(s/τ_T), p = softmax(z_S/τ_S), over k ∈ 𝓑.
 * The same formulas as `refilledStage2Loss`, so KL(q ‖ p) averaged over rows is its `kd` term
 * (batchmean). No gradient is needed (monitoring).
 */
export function localClassifierView(inputs: LocalClassifierInputs): { q: tf.Tensor2D; p: tf.Tensor2D } {
  return tf.tidy(() => {
    const { teacherEmb, centres, studentLogits } = inputs;
    const mask = inputs.classMask ?? tf.onesLike(studentLogits);
    const scores = inputs.targets === 'uniform' ? tf.zerosLike(studentLogits) : tf.div(teacherScores(teacherEmb, centres, inputs.score), inputs.teacherTau);
    const inScope = (logProbs: tf.Tensor) => tf.mul(tf.exp(logProbs), mask) as tf.Tensor2D;
    return {
      q: inScope(maskedLogSoftmax(scores, mask)),
      p: inScope(maskedLogSoftmax(tf.div(studentLogits, inputs.studentTau), mask)),
    };
  });
}

/**
 * The batch's classes as a [1, C] 0/1 mask, and the centres stage 2 uses for it: the batch's
 * own class means of f_T (`local`) or the given training-set means (`global`).
 * teacherEmb [B, Dt], labels [B] int32 → { classMask [1, C], centres [C, Dt] }.
 */
export function batchScope(teacherEmb: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number, globalCentres: tf.Tensor2D | null, scope: 'batch' | 'all'): { classMask: tf.Tensor2D; centres: tf.Tensor2D } {
  return tf.tidy(() => {
    const membership = tf.oneHot(tf.cast(labels, 'int32'), numClasses).toFloat();
    const classMask = (scope === 'all' ? tf.ones([1, numClasses]) : tf.minimum(tf.sum(membership, 0, true), 1)) as tf.Tensor2D;
    const centres = globalCentres ? globalCentres.clone() : classCentres(teacherEmb, labels, numClasses);
    return { classMask, centres };
  });
}

/**
 * How sharp the teacher's targets are: [2] = (mean over rows of max_k q_k, mean over rows of
 * the entropy H(q) = −Σ_k q_k ln q_k in nats), for q [N, C] with rows summing to 1 (0 · ln 0 = 0).
 * A uniform q over m classes gives (1/m, ln m); a one-hot q gives (1, 0).
 */
export function targetSharpness(q: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const maxProb = tf.mean(tf.max(q, 1));
    const plogp = tf.mul(q, tf.log(tf.maximum(q, 1e-30))); // 0 where q = 0
    const entropy = tf.mean(tf.neg(tf.sum(plogp, 1)));
    return tf.stack([maxProb, entropy]) as tf.Tensor1D;
  });
}
