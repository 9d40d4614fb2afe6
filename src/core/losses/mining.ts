/**
 * Triplet mining for REFILLED stage 1, dense over every (anchor, positive, negative) of the
 * batch: masks are [B, B, B] indexed [a, p, n]. B ≤ 128 keeps that to ≤ 2M entries, and a
 * dense formulation runs on any backend without reading anything back.
 */
import * as tf from '@tensorflow/tfjs';
import { constantOf } from './distances';

export type MiningRule = 'semihard-margin' | 'semihard-nearest';

/** Pushes a non-candidate beyond every candidate in a masked min (distances are ≤ 2 on unit vectors). */
const FAR = 1e9;

/*
 * The [B, B] → [B, B, B] expansions below are written as batched matrix products with an inner
 * dimension of 1 or 2 rather than as broadcasts: the values are the same (products by 1 and −1
 * are exact, so each entry is rounded once, like a subtraction), and on the cpu backend a
 * broadcasting binary op costs about six times a matMul of the same output size.
 */

/** out[a, p, n] = x[a, p] · y[a, n]: x, y [B, B] → [B, B, B] (a batched outer product). */
export function rowOuter(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => tf.matMul(tf.expandDims(x, 2), tf.expandDims(y, 1)) as tf.Tensor3D);
}

/**
 * [B, B, B] with entry [a, p, n] = d_an − d_ap: how much farther the negative is than the
 * positive, seen from the anchor. d [B, B]. Computed as ⟨(1, −d_ap), (d_an, 1)⟩: products by 1
 * are exact, so each entry is rounded once, like a subtraction.
 */
export function tripletMargins(dist: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const ones = tf.onesLike(dist);
    const left = tf.stack([ones, tf.neg(dist)], 2); // [a, p, :] = (1, −d_ap)
    const right = tf.stack([dist, ones], 1); // [a, :, n] = (d_an, 1)
    return tf.matMul(left, right) as tf.Tensor3D;
  });
}

/**
 * Masks of the valid triplet structure from the labels [B] (int32, 0..C−1):
 * positive [B, B]: y_a = y_p and a ≠ p (ordered pairs); negative [B, B]: y_n ≠ y_a.
 * Both float32 0/1.
 */
export function labelMasks(labels: tf.Tensor1D): { positive: tf.Tensor2D; negative: tf.Tensor2D } {
  return tf.tidy(() => {
    const batchSize = labels.shape[0];
    const same = tf.cast(tf.equal(tf.expandDims(labels, 1), tf.expandDims(labels, 0)), 'float32');
    const positive = tf.mul(same, tf.sub(1, tf.eye(batchSize))) as tf.Tensor2D;
    const negative = tf.sub(1, same) as tf.Tensor2D;
    return { positive, negative };
  });
}

/**
 * One-hot along the last axis of the entry chosen by `better` among `candidates` (0/1), ties
 * to the lowest index, all zeros where a row has no candidate. values, candidates [B, B, B].
 * A masked min (exact on every backend) finds the best value, and a cumulative sum keeps the
 * first entry that has it; argMin's tie order is backend-specific.
 */
function pickOne(values: tf.Tensor3D, candidates: tf.Tensor3D, better: 'smallest' | 'largest'): tf.Tensor3D {
  return tf.tidy(() => {
    const signed = better === 'smallest' ? values : tf.neg(values);
    // A candidate keeps its exact value (+ 0); the others move beyond every candidate.
    const masked = tf.add(signed, tf.mul(tf.sub(1, candidates), FAR));
    const isBest = tf.mul(candidates, tf.cast(tf.lessEqual(masked, tf.min(masked, 2, true)), 'float32'));
    return tf.mul(isBest, tf.cast(tf.equal(tf.cumsum(isBest, 2), 1), 'float32')) as tf.Tensor3D;
  });
}

/**
 * Triplet mask on the student's distances: mask [B, B, B] float32 0/1, indexed
 * [anchor a, positive p, negative n]. dist [B, B] (d(u, v) = ‖u − v‖₂), labels [B] int32.
 *
 * Valid triplets: y_a = y_p, a ≠ p, y_n ≠ y_a. Then
 * - `semihard-margin`: every valid triplet with 0 < d_an − d_ap ≤ margin;
 * - `semihard-nearest`: for each valid ordered (a, p), exactly one negative: argmin d_an over
 *   negatives with d_an > d_ap; if there is none, argmax d_an over all negatives; nothing if the
 *   batch has no negative for a. Ties go to the lowest index.
 *
 * The mask is a constant: it carries no gradient whether or not `dist` does.
 */
export function mineTriplets(
  dist: tf.Tensor2D,
  labels: tf.Tensor1D,
  rule: MiningRule,
  margin: number,
): tf.Tensor3D {
  return constantOf(() => {
    const { positive, negative } = labelMasks(labels);
    if (rule === 'semihard-margin') {
      // Structure folded into the distances: a non-positive p sits at +FAR and a non-negative n
      // at −FAR, so an invalid triplet's gap is below −FAR + 2 and fails gap > 0, while a valid
      // one keeps its exact d_an − d_ap (d · 1 + 0 · FAR is exact): no separate validity mask.
      const asPositive = tf.add(tf.mul(dist, positive), tf.mul(tf.sub(1, positive), FAR)) as tf.Tensor2D;
      const asNegative = tf.sub(tf.mul(dist, negative), tf.mul(tf.sub(1, negative), FAR)) as tf.Tensor2D;
      // gap[a, p, n] = d_an − d_ap by broadcasting (on wasm 20× faster than the batched product).
      const gap = tf.sub(tf.expandDims(asNegative, 1), tf.expandDims(asPositive, 2));
      // 1 where 0 < gap ≤ margin: step(gap) − step(gap − margin), exact since x − y > 0 iff x > y
      // in IEEE arithmetic; float steps avoid boolean tensors (their comparisons and the cast
      // cost 15× as much on wasm).
      return tf.sub(tf.step(gap), tf.step(tf.sub(gap, margin))) as tf.Tensor3D;
    }
    // semihard-nearest: d_an does not depend on p; spread it over the positive axis.
    const valid = rowOuter(positive, negative); // [a, p, n] = positive[a, p] · negative[a, n]
    const fartherThanPositive = tf.cast(tf.greater(tripletMargins(dist), 0), 'float32');
    const anchorToNegative = rowOuter(tf.onesLike(dist), dist); // [a, p, n] = d_an
    const semihard = tf.mul(valid, fartherThanPositive) as tf.Tensor3D;
    const nearest = pickOne(anchorToNegative, semihard, 'smallest');
    const farthest = pickOne(anchorToNegative, valid, 'largest');
    const hasSemihard = tf.minimum(tf.sum(semihard, 2, true), 1);
    return tf.add(nearest, tf.mul(tf.sub(1, hasSemihard), farthest)) as tf.Tensor3D;
  });
}
