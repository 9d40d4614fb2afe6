/**
 * REFILLED stage 1: distill the teacher's embedding into the student's by matching the
 * probabilities of triplets (or tuples) mined on the student's embedding.
 */
import * as tf from '@tensorflow/tfjs';
import {
  constantOf,
  l2Normalize,
  MASKED_LOGIT,
  pairwiseDistances,
  safeDivideByCount,
  stopGradient,
} from './distances';
import { mineTriplets, rowOuter, tripletMargins, type MiningRule } from './mining';

export type Stage1Form = 'triplet' | 'tuple';

export interface Stage1Options {
  /** f_S [B, Ds], the student's embedding (gets gradients). */
  studentEmb: tf.Tensor2D;
  /** f_T [B, Dt], the frozen teacher's embedding of the same images (no gradient). */
  teacherEmb: tf.Tensor2D;
  /** [B] int32, 0..C−1. */
  labels: tf.Tensor1D;
  mining: MiningRule;
  /** For `semihard-margin` (0.2 in the reference code). Ignored by `semihard-nearest`. */
  margin: number;
  form: Stage1Form;
  /** τ₁, on both networks (4). */
  tau1: number;
  /** w₁, the loss scale (1000 in the reference code; 500 effectively for binary triplets). */
  w1: number;
  /**
   * Compute the monitoring statistics (default true). They cost about a third of the loss;
   * a trainer that reads them once per reporting interval asks for them on that step only,
   * and gets zeros otherwise.
   */
  stats?: boolean;
}

/**
 * Monitoring scalars of one batch, on device, without gradient; all 0 when nothing was mined.
 * (A type alias, not an interface, so that it is a `tf.TensorContainer` for `tf.tidy`.)
 */
export type TripletStatsTensors = {
  /** Number of mined triplets (a, p, n). */
  mined: tf.Scalar;
  /** Anchors with at least one mined triplet. */
  anchorsWithTriplet: tf.Scalar;
  /** Mean binary triplet probability p = σ((d_an − d_ap)/τ₁) on the teacher, over mined triplets. */
  meanPT: tf.Scalar;
  /** The same on the student. */
  meanPS: tf.Scalar;
  /** Fraction of mined triplets where the teacher ranks the positive closer (d_an > d_ap) iff the student does. */
  agreement: tf.Scalar;
  /** Mean |p_T − p_S| over mined triplets. */
  meanAbsDiff: tf.Scalar;
};

/**
 * Stage-1 loss, w₁ · mean KL(P_T ‖ P_S), over the triplets mined on the student.
 *
 * Both embeddings are L2-normalised, d(u, v) = ‖ẑ_u − ẑ_v‖₂. The mask [a, p, n] is mined on
 * the student's distances (`mineTriplets`, no gradient) and the same indices are used on both.
 * - `triplet`: p = σ((d_an − d_ap)/τ₁) = exp(−d_ap/τ₁) / (exp(−d_ap/τ₁) + exp(−d_an/τ₁)),
 *   P = [p, 1 − p]; mean of KL(P_T ‖ P_S) over mined triplets.
 * - `tuple`: for each (a, p) with k ≥ 1 mined negatives,
 *   P = softmax([−d_ap, −d_an₁, …, −d_an_k]/τ₁) (dense logits [B, B, 1 + B], unmined negatives
 *   masked out); mean of KL(P_T ‖ P_S) over tuples.
 * No mined triplet → loss exactly 0. Only the student gets gradients.
 *
 * Returns loss: Scalar and the batch's `TripletStatsTensors` (binary p even in tuple form).
 */
export function refilledStage1Loss(options: Stage1Options): { loss: tf.Scalar; stats: TripletStatsTensors } {
  const { studentEmb, teacherEmb, labels, mining, margin, form, tau1, w1 } = options;
  const withStats = options.stats ?? true;
  return tf.tidy(() => {
    const studentDist = pairwiseDistances(l2Normalize(studentEmb));
    const teacherDist = pairwiseDistances(l2Normalize(stopGradient(teacherEmb)));
    const mask = mineTriplets(studentDist, labels, mining, margin);
    // The binary logits u [B,B,B] are needed by the triplet form and by the statistics only.
    const closer = form === 'triplet' || withStats ? { student: closerLogits(studentDist, tau1), teacher: closerLogits(teacherDist, tau1) } : null;
    const divergence = form === 'triplet' && closer ? binaryTripletKl(closer.teacher, closer.student, mask) : tupleKl(teacherDist, studentDist, mask, tau1);
    const loss = tf.mul(divergence, w1) as tf.Scalar;
    const stats = withStats && closer ? tripletStats(closer.teacher, closer.student, mask) : zeroStats();
    return { loss, stats };
  });
}

/**
 * u [B, B, B] with u[a, p, n] = (d_ap − d_an)/τ₁, so that the binary triplet probability is
 * p = σ((d_an − d_ap)/τ₁) = σ(−u) and 1 − p = σ(u). Scaling the [B, B] distances first keeps
 * the [B, B, B] work to the one expansion.
 */
function closerLogits(dist: tf.Tensor2D, tau1: number): tf.Tensor3D {
  return tripletMargins(tf.div(dist, -tau1)); // (−d_an/τ₁) − (−d_ap/τ₁)
}

/**
 * Mean over mined triplets of KL([p_T, 1 − p_T] ‖ [p_S, 1 − p_S]). With p = σ(−u),
 * log p = −softplus(u) and log(1 − p) = −softplus(u) + u, which gives
 * KL = softplus(u_S) − softplus(u_T) + σ(u_T) · (u_T − u_S): finite everywhere (no 0 · log 0),
 * and exactly 0 where u_S = u_T.
 */
function binaryTripletKl(teacherCloser: tf.Tensor3D, studentCloser: tf.Tensor3D, mask: tf.Tensor3D): tf.Scalar {
  const kl = tf.add(
    tf.sub(tf.softplus(studentCloser), tf.softplus(teacherCloser)),
    tf.mul(tf.sigmoid(teacherCloser), tf.sub(teacherCloser, studentCloser)),
  );
  return safeDivideByCount(tf.sum(tf.mul(kl, mask)), tf.sum(mask)) as tf.Scalar;
}

/**
 * Logits [B, B, 1 + B] of the tuples, entry 0 = −d_ap/τ₁ and entry 1 + n = −d_an/τ₁, plus
 * `offset` (0 where the entry is in the tuple, a large negative elsewhere); log-softmax over the tuple.
 */
function tupleLogSoftmax(dist: tf.Tensor2D, offset: tf.Tensor3D, tau1: number): tf.Tensor3D {
  const logit = tf.div(dist, -tau1) as tf.Tensor2D; // [B, B]
  const positive = tf.expandDims(logit, 2); // [a, p, 0] = −d_ap/τ₁
  const negatives = rowOuter(tf.onesLike(logit), logit); // [a, p, n] = −d_an/τ₁
  return tf.logSoftmax(tf.add(tf.concat([positive, negatives], 2), offset), 2) as tf.Tensor3D;
}

/** Mean over tuples (a, p) with ≥ 1 mined negative of KL(P_T ‖ P_S) over [p, n₁, …, n_k]. */
function tupleKl(teacherDist: tf.Tensor2D, studentDist: tf.Tensor2D, mask: tf.Tensor3D, tau1: number): tf.Scalar {
  const batchSize = mask.shape[0];
  const entryMask = tf.concat([tf.ones([batchSize, batchSize, 1]), mask], 2) as tf.Tensor3D;
  const offset = tf.mul(tf.sub(1, entryMask), MASKED_LOGIT) as tf.Tensor3D;
  const logQT = tupleLogSoftmax(teacherDist, offset, tau1);
  const logPS = tupleLogSoftmax(studentDist, offset, tau1);
  // Masked entries have q_T = 0 exactly and a finite log ratio; the mask makes their 0 explicit.
  const qT = tf.mul(entryMask, tf.exp(logQT));
  const klPerTuple = tf.sum(tf.mul(qT, tf.sub(logQT, logPS)), 2); // [B, B]
  const isTuple = tf.minimum(tf.sum(mask, 2), 1); // (a, p) has ≥ 1 mined negative
  return safeDivideByCount(tf.sum(tf.mul(klPerTuple, isTuple)), tf.sum(isTuple)) as tf.Scalar;
}

function zeroStats(): TripletStatsTensors {
  const [mined, anchorsWithTriplet, meanPT, meanPS, agreement, meanAbsDiff] = tf.unstack(tf.zeros([6])) as tf.Scalar[];
  return { mined, anchorsWithTriplet, meanPT, meanPS, agreement, meanAbsDiff };
}

/** Monitoring scalars over the mined triplets, from u = (d_ap − d_an)/τ₁; see `TripletStatsTensors`. */
function tripletStats(teacherCloser: tf.Tensor3D, studentCloser: tf.Tensor3D, mask: tf.Tensor3D): TripletStatsTensors {
  const packed = constantOf(() => {
    const mined = tf.sum(mask);
    const sumOverMined = (x: tf.Tensor) => tf.sum(tf.mul(x, mask));
    const pT = tf.sigmoid(tf.neg(teacherCloser)); // p = σ((d_an − d_ap)/τ₁) = σ(−u)
    const pS = tf.sigmoid(tf.neg(studentCloser));
    // The positive is ranked closer iff d_ap < d_an iff u < 0.
    const agrees = tf.cast(tf.equal(tf.less(teacherCloser, 0), tf.less(studentCloser, 0)), 'float32');
    const counts = tf.stack([mined, tf.sum(tf.minimum(tf.sum(mask, [1, 2]), 1))]);
    const means = tf.div(
      tf.stack([sumOverMined(pT), sumOverMined(pS), sumOverMined(agrees), sumOverMined(tf.abs(tf.sub(pT, pS)))]),
      tf.maximum(mined, 1),
    );
    return tf.concat([counts, means]);
  });
  const [mined, anchorsWithTriplet, meanPT, meanPS, agreement, meanAbsDiff] = tf.unstack(packed) as tf.Scalar[];
  return { mined, anchorsWithTriplet, meanPT, meanPS, agreement, meanAbsDiff };
}
