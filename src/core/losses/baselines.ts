/**
 * Losses of the baselines REFILLED is compared against: Hinton's KD (same classes only) and
 * relational KD (RKD, Park et al. 2019).
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropyFused, fused } from '../kernels/ops';
import { l2Normalize, pairwiseDistances, safeDivideByCount, stopGradient } from './distances';

/**
 * −mean_i log softmax(z_i)[y_i]: sparse softmax cross-entropy. logits [B, C], labels [B] int32.
 * Two fused kernels where the backend has them (core/kernels), else tfjs's own operations.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    if (fused('crossEntropy')) return crossEntropyFused(logits, tf.cast(labels, 'int32'));
    const target = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]).toFloat();
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

export interface HintonKdOptions {
  /** z [B, C], the student's logits (gets gradients). */
  studentLogits: tf.Tensor2D;
  /** t [B, C], the teacher's logits over the same C classes (no gradient). */
  teacherLogits: tf.Tensor2D;
  /** [B] int32. */
  labels: tf.Tensor1D;
  /** τ, the distillation temperature. */
  tau: number;
  /** λ, the weight of the distillation term. */
  lambda: number | tf.Scalar;
}

/**
 * Standard KD (Hinton et al. 2015), for a teacher and student that share their C classes:
 * loss = CE(z, y) + λ · τ² · KL(softmax(t/τ) ‖ softmax(z/τ)), KL summed over classes and
 * averaged over the batch. The τ² keeps the gradient scale independent of τ.
 * Returns scalars { loss, ce, kd } with kd the plain KL (without λ or τ²).
 */
export function hintonKdLoss(options: HintonKdOptions): { loss: tf.Scalar; ce: tf.Scalar; kd: tf.Scalar } {
  const { studentLogits, labels, tau, lambda } = options;
  return tf.tidy(() => {
    const logQ = tf.logSoftmax(tf.div(stopGradient(options.teacherLogits), tau));
    const logP = tf.logSoftmax(tf.div(studentLogits, tau));
    const kd = tf.mean(tf.sum(tf.mul(tf.exp(logQ), tf.sub(logQ, logP)), 1)) as tf.Scalar;
    const ce = crossEntropy(studentLogits, labels);
    const loss = tf.add(ce, tf.mul(tf.mul(lambda, tau * tau), kd)) as tf.Scalar;
    return { loss, ce, kd };
  });
}

/** Huber (smooth-L1) with δ = 1, elementwise: ½x² for |x| < 1, |x| − ½ beyond; written with min, which has a gradient. */
export function huber(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const magnitude = tf.abs(x);
    const inner = tf.minimum(magnitude, 1);
    return tf.add(tf.mul(0.5, tf.square(inner)), tf.sub(magnitude, inner));
  });
}

export interface RkdOptions {
  /** f_S [B, Ds], the student's embedding (gets gradients). */
  studentEmb: tf.Tensor2D;
  /** f_T [B, Dt], the teacher's embedding (no gradient); Dt may differ from Ds. */
  teacherEmb: tf.Tensor2D;
  /** Weight of the distance-wise term (25 in the paper). */
  distanceWeight?: number;
  /** Weight of the angle-wise term (50 in the paper). */
  angleWeight?: number;
}

/**
 * Relational KD (Park et al. 2019), on raw embeddings: loss = w_d · distance + w_a · angle.
 * - distance: ψ_D(i, j) = ‖f_i − f_j‖₂ / μ, μ the mean distance over the B(B − 1) pairs i ≠ j;
 *   mean over those pairs of Huber(ψ_D^T − ψ_D^S).
 * - angle: ψ_A(i, j, k) = ⟨e_ij, e_kj⟩, e_ij = (f_i − f_j)/‖f_i − f_j‖₂, the cosine of the
 *   angle at j; mean over the B(B − 1)(B − 2) triples of distinct i, j, k of Huber(ψ_A^T − ψ_A^S).
 * Both terms are scale-invariant. Returns scalars { loss, distance, angle } (unweighted terms).
 */
export function rkdLoss(options: RkdOptions): { loss: tf.Scalar; distance: tf.Scalar; angle: tf.Scalar } {
  const { studentEmb, distanceWeight = 25, angleWeight = 50 } = options;
  return tf.tidy(() => {
    const teacherEmb = stopGradient(options.teacherEmb);
    const batchSize = studentEmb.shape[0];
    const offDiagonal = tf.sub(1, tf.eye(batchSize));
    const pairCount = batchSize * (batchSize - 1);

    const normalisedDistances = (emb: tf.Tensor2D) => {
      const dist = pairwiseDistances(emb);
      return tf.div(dist, tf.maximum(safeDivideByCount(tf.sum(dist), pairCount), 1e-12));
    };
    const distanceGap = huber(tf.sub(normalisedDistances(teacherEmb), normalisedDistances(studentEmb)));
    const distance = safeDivideByCount(tf.sum(tf.mul(distanceGap, offDiagonal)), pairCount) as tf.Scalar;

    // distinct[j, i, k] = (i ≠ j)(k ≠ j)(i ≠ k)
    const distinct = tf.mul(
      tf.mul(tf.expandDims(offDiagonal, 2), tf.expandDims(offDiagonal, 1)),
      tf.expandDims(offDiagonal, 0),
    );
    const angleGap = huber(tf.sub(angleCosines(teacherEmb), angleCosines(studentEmb)));
    const angle = safeDivideByCount(
      tf.sum(tf.mul(angleGap, distinct)),
      batchSize * (batchSize - 1) * (batchSize - 2),
    ) as tf.Scalar;

    const loss = tf.add(tf.mul(distanceWeight, distance), tf.mul(angleWeight, angle)) as tf.Scalar;
    return { loss, distance, angle };
  });
}

/** cos[j, i, k] = ⟨e_ij, e_kj⟩ with e_ij = (f_i − f_j)/‖f_i − f_j‖₂ (0 when i = j): [B, D] → [B, B, B]. */
function angleCosines(emb: tf.Tensor2D): tf.Tensor3D {
  const fromVertex = l2Normalize(tf.sub(tf.expandDims(emb, 0), tf.expandDims(emb, 1))); // [j, i, :] = f_i − f_j
  return tf.matMul(fromVertex, fromVertex, false, true) as tf.Tensor3D;
}
