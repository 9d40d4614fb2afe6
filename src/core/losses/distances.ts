/**
 * Distances on embeddings, and the small helpers every loss in this folder shares: two
 * gradient barriers, a NaN-free masked mean and a masked log-softmax.
 *
 * tfjs has no `stopGradient`, and its comparison kernels (Greater, Less, Equal, LogicalAnd)
 * have no gradient: `tf.grads` throws if one lies between x and the loss. Hence two tools:
 * `stopGradient` (identity forward, zero backward: the teacher side) and `constantOf`
 * (runs a computation off the tape: masks, mining, statistics).
 */
import * as tf from '@tensorflow/tfjs';

/** Squared norms below this count as zero: sqrt(1e-12) = 1e-6 is far below any real distance. */
export const SQUARED_NORM_EPS = 1e-12;

/**
 * Identity in the forward pass, zero gradient in the backward pass (TensorFlow's
 * `stop_gradient`). `tf.grads` with respect to `x` through this returns zeros, not an error.
 * Only differentiable ops may follow it on the way to the loss.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return withoutGradient(x, (input) => input.clone() as T);
}

/**
 * compute(x, …) with a zero gradient to each input: `compute` may use any op, including
 * kernels that have no gradient (`stopGradient` is the identity case).
 */
export function withoutGradient<T extends tf.Tensor>(x: tf.Tensor | tf.Tensor[], compute: (...inputs: tf.Tensor[]) => T): T {
  const xs = Array.isArray(x) ? x : [x];
  const op = tf.customGrad((...args) => {
    const inputs = args.slice(0, xs.length) as tf.Tensor[];
    // Keep only the shapes: an input may be an intermediate that a tidy disposes before backprop.
    const shapes = inputs.map((t) => t.shape);
    return { value: compute(...inputs), gradFunc: () => shapes.map((shape) => tf.zeros(shape)) };
  });
  return op(...xs) as T;
}

/**
 * Runs `compute` off the gradient tape: its result is a constant for `tf.grads` whatever it
 * reads, and `compute` may use any op (comparisons, argMin, oneHot). Intermediates are
 * disposed; only the result survives. Use it for masks and monitoring, never for a loss term.
 */
export function constantOf<T extends tf.Tensor>(compute: () => T): T {
  // A customGrad op with no inputs: the engine records a tape node that no x can reach.
  const op = tf.customGrad(() => ({ value: compute(), gradFunc: () => [] }));
  return op() as T;
}

/**
 * ẑ = z / ‖z‖₂ along the last axis. Shape-preserving ([B, D] → [B, D], or any rank).
 * ε-safe: the norm is sqrt(max(‖z‖², 1e-12)), so a zero row stays zero with a finite gradient.
 */
export function l2Normalize<T extends tf.Tensor>(z: T): T {
  return tf.tidy(() => {
    const squaredNorm = tf.sum(tf.square(z), -1, true);
    return tf.div(z, tf.sqrt(tf.maximum(squaredNorm, SQUARED_NORM_EPS))) as T;
  });
}

/**
 * Euclidean distances between all rows, d(u, v) = ‖u − v‖₂ (not squared):
 * z [B, D] → d [B, B], d[i, j] = ‖z_i − z_j‖₂.
 *
 * Computed from the Gram matrix, d² = ‖z_i‖² + ‖z_j‖² − 2⟨z_i, z_j⟩, clamped at 0.
 * The diagonal is exactly 0, and so is any pair with d² ≤ 1e-12, with a zero (sub)gradient:
 * the gradient of sqrt at 0 is infinite, so d = sqrt(max(d², ε)) · step(d² − ε).
 */
export function pairwiseDistances(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const batchSize = z.shape[0];
    const squaredNorms = tf.sum(tf.square(z), 1, true); // [B, 1]
    const gram = tf.matMul(z, z, false, true); // [B, B]
    const offDiagonal = tf.sub(1, tf.eye(batchSize));
    const squared = tf.mul(
      tf.relu(tf.sub(tf.add(squaredNorms, tf.transpose(squaredNorms)), tf.mul(2, gram))),
      offDiagonal,
    );
    const distances = tf.sqrt(tf.maximum(squared, SQUARED_NORM_EPS));
    return tf.mul(distances, tf.step(tf.sub(squared, SQUARED_NORM_EPS))) as tf.Tensor2D;
  });
}

/**
 * (num / max(den, 1)): the mean over a masked set that is 0, not NaN, when the set is empty.
 * `den` is a count (0, 1, 2, …).
 */
export function safeDivideByCount(num: tf.Tensor, den: tf.Tensor | number): tf.Tensor {
  return tf.div(num, tf.maximum(den, 1));
}

/** Logit offset that switches an entry off in a softmax: large and negative, never −Infinity. */
export const MASKED_LOGIT = -1e9;

/**
 * log softmax of `logits` along `axis` restricted to the entries where `mask` (0/1,
 * broadcastable to logits) is 1. Masked-out entries get ≈ −1e9: their probability is exactly
 * 0 and their log-probability finite, so q · (log q − log p) is 0 there, not NaN.
 */
export function maskedLogSoftmax(logits: tf.Tensor, mask: tf.Tensor, axis = -1): tf.Tensor {
  return tf.tidy(() => tf.logSoftmax(tf.add(logits, tf.mul(tf.sub(1, mask), MASKED_LOGIT)), axis));
}
