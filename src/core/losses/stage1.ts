/**
 * REFILLED stage 1: distill the teacher's embedding into the student's by matching the
 * probabilities of triplets (or tuples) mined on the student's embedding.
 */
import * as tf from '@tensorflow/tfjs';
import {
  constantOf,
  l2Normalize,
  pairwiseDistances,
  safeDivideByCount,
  stopGradient,
  withoutGradient,
} from './distances';
import { mineTriplets, tripletMargins, type MiningRule } from './mining';
import { sampleMinedTriplets } from '../explorer/tripletSample';
import { fused, stage1LossFused, unitDistances } from '../kernels/ops';

export type Stage1Form = 'triplet' | 'tuple';

export interface Stage1Options {
  /** f_S [B, Ds], the student's embedding (gets gradients). */
  studentEmb: tf.Tensor2D;
  /** f_T [B, Dt], the frozen teacher's embedding of the same images (no gradient); or give `teacherDist`. */
  teacherEmb?: tf.Tensor2D;
  /**
   * d_T [B, B], the pairwise distances of the unit-normalised teacher embeddings, when the
   * caller has them already (the trainer caches them for the training set): what the loss
   * would compute from `teacherEmb`.
   */
  teacherDist?: tf.Tensor2D;
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
  /** How the tuple form's sums over negatives are computed (default: the fastest for the current backend). */
  layout?: ColumnLayout;
  /**
   * With `stats`, also pick up to `size` mined triplets for the relationship explorer
   * (`sampleMinedTriplets`, labelled with `rowIds` [B]); returned as `sample` [size, 6].
   */
  sample?: { size: number; rowIds?: tf.Tensor1D };
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
 *   P = softmax([−d_ap, −d_an₁, …, −d_an_k]/τ₁); mean of KL(P_T ‖ P_S) over tuples
 *   (computed through the tuples' partition functions, see `tupleKl`).
 * No mined triplet → loss exactly 0. Only the student gets gradients.
 *
 * Returns loss: Scalar and the batch's `TripletStatsTensors` (binary p even in tuple form),
 * and with `sample` (on a statistics step) a few mined triplets with their p_T and p_S.
 */
export function refilledStage1Loss(options: Stage1Options): { loss: tf.Scalar; stats: TripletStatsTensors; sample?: tf.Tensor2D } {
  const { studentEmb, teacherEmb, labels, mining, margin, form, tau1, w1 } = options;
  const withStats = options.stats ?? true;
  return tf.tidy(() => {
    const teacherDist = options.teacherDist ? stopGradient(options.teacherDist) : teacherEmb ? teacherDistances(teacherEmb) : null;
    if (!teacherDist) throw new Error('refilledStage1Loss needs teacherEmb or teacherDist');
    if (fused('stage1')) {
      // The loss in a few kernels of ours; the statistics (reporting steps only) as below, on the same distances.
      const loss = stage1LossFused(studentEmb, teacherDist, labels, { tau1, margin, w1, nearest: mining === 'semihard-nearest', triplet: form === 'triplet' });
      if (!withStats) return { loss, stats: zeroStats() };
      const observed = monitor(constantOf(() => unitDistances(studentEmb)), teacherDist, labels, options);
      return { ...observed, loss };
    }
    const studentDist = pairwiseDistances(l2Normalize(studentEmb));
    const mask = mineTriplets(studentDist, labels, mining, margin);
    // The binary logits u [B,B,B] are needed by the triplet form and by the statistics only.
    const closer = form === 'triplet' || withStats ? { student: closerLogits(studentDist, tau1), teacher: closerLogits(teacherDist, tau1) } : null;
    const divergence = form === 'triplet' && closer ? binaryTripletKl(closer.teacher, closer.student, mask) : tupleKl(teacherDist, studentDist, mask, tau1, options.layout ?? columnLayoutFor(tf.getBackend()));
    const loss = tf.mul(divergence, w1) as tf.Scalar;
    const stats = withStats && closer ? tripletStats(closer.teacher, closer.student, mask) : zeroStats();
    const sampled = options.sample && withStats && closer ? sampleMinedTriplets(mask, closer.teacher, closer.student, options.sample.size, options.sample.rowIds) : null;
    return sampled ? { loss, stats, sample: sampled } : { loss, stats };
  });
}

/**
 * The statistics and the explorer's sample of a batch whose loss came from the fused kernels:
 * mined again (reporting steps only) on the student's distances the loss used.
 */
function monitor(studentDist: tf.Tensor2D, teacherDist: tf.Tensor2D, labels: tf.Tensor1D, options: Stage1Options): { stats: TripletStatsTensors; sample?: tf.Tensor2D } {
  const mask = mineTriplets(studentDist, labels, options.mining, options.margin);
  const teacher = closerLogits(teacherDist, options.tau1);
  const student = closerLogits(studentDist, options.tau1);
  const stats = tripletStats(teacher, student, mask);
  return options.sample ? { stats, sample: sampleMinedTriplets(mask, teacher, student, options.sample.size, options.sample.rowIds) } : { stats };
}

/** d_T [N, N] of the teacher's embedding f_T [N, Dt]: pairwise distances of its unit-normalised rows, no gradient. */
export function teacherDistances(teacherEmb: tf.Tensor2D): tf.Tensor2D {
  if (fused('distances')) return withoutGradient(teacherEmb, (t) => unitDistances(t as tf.Tensor2D));
  return pairwiseDistances(l2Normalize(stopGradient(teacherEmb)));
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
 * How the sums over negatives are laid out: `stacked`, one batched product of the mask with the
 * columns side by side (GPUs: each product re-reads the [B, B, B] mask; on WebGPU/SwiftShader
 * one product of four columns took 321 ms a step where three of one took 833 ms); `separate`,
 * one product per column (wasm and cpu: there stacking and unstacking cost more than the
 * products, 2.0 against 0.8 ms on wasm).
 */
export type ColumnLayout = 'stacked' | 'separate';

/** The layout for the current tfjs backend. */
export function columnLayoutFor(backend: string): ColumnLayout {
  return backend === 'webgpu' || backend === 'webgl' ? 'stacked' : 'separate';
}

/** [Σ_n mask[a, p, n] · v[a, n]] for each column v [B, B]: batched matrix–vector products. */
function sumsOverNegatives(mask: tf.Tensor3D, columns: tf.Tensor2D[], layout: ColumnLayout): tf.Tensor2D[] {
  if (layout === 'separate') return columns.map((v) => tf.squeeze(tf.matMul(mask, tf.expandDims(v, 2)), [2]) as tf.Tensor2D);
  return tf.unstack(tf.matMul(mask, tf.stack(columns, 2)), 2) as tf.Tensor2D[];
}

/**
 * Mean over tuples (a, p) with ≥ 1 mined negative of KL(P_T ‖ P_S), where
 * P = softmax over the tuple's entries [p, n₁, …, n_k] of the logits l = −d/τ₁.
 *
 * Every entry of tuple (a, p) is a distance from the same anchor, so with E = exp(l) [B, B] the
 * partition function is Z[a, p] = E[a, p] + Σ_n mask[a, p, n] · E[a, n], and, with Δ = l_T − l_S,
 *   KL(P_T ‖ P_S)[a, p] = q_T[a, p] · Δ[a, p] + (Σ_n mask[a, p, n] · E_T[a, n] · Δ[a, n]) / Z_T[a, p]
 *                         + log Z_S[a, p] − log Z_T[a, p],        q_T[a, p] = E_T[a, p] / Z_T[a, p].
 * All the sums over negatives (and the count of mined negatives) are batched products of the
 * mask with [B, B] columns (`sumsOverNegatives`), and so are their gradients: nothing else touches the
 * [B, B, B] mask, forward or backward (a softmax over dense [B, B, 1 + B] logits needs about
 * twenty such passes). On unit vectors d ≤ 2, so l ∈ [−2/τ₁, 0] and E ≥ exp(−2/τ₁) stays a
 * normal float32 for τ₁ ≥ 0.05 (the field's minimum): no max-subtraction is needed. Equal
 * embeddings give Δ = 0 and Z_S = Z_T: exactly 0.
 */
function tupleKl(teacherDist: tf.Tensor2D, studentDist: tf.Tensor2D, mask: tf.Tensor3D, tau1: number, layout: ColumnLayout): tf.Scalar {
  const logitT = tf.div(teacherDist, -tau1) as tf.Tensor2D;
  const eT = tf.exp(logitT) as tf.Tensor2D;
  const logitS = tf.div(studentDist, -tau1) as tf.Tensor2D;
  const eS = tf.exp(logitS) as tf.Tensor2D;
  const delta = tf.sub(logitT, logitS) as tf.Tensor2D;
  const [sumT, negatives, sumS, sumTDelta] = sumsOverNegatives(mask, [eT, tf.onesLike(eT), eS, tf.mul(eT, delta) as tf.Tensor2D], layout);
  // The teacher side reaches no variable: the gradient never visits it.
  const zT = tf.add(eT, sumT);
  const zS = tf.add(eS, sumS);
  const klPerTuple = tf.add(
    tf.add(tf.mul(tf.div(eT, zT), delta), tf.div(sumTDelta, zT)),
    tf.sub(tf.log(zS), tf.log(zT)),
  );
  const isTuple = tf.minimum(negatives, 1); // (a, p) has ≥ 1 mined negative
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
