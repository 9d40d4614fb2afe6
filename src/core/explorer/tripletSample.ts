/**
 * The relationship explorer's view of stage 1: a few of the batch's mined triplets with the
 * triplet probabilities p_T and p_S exactly as the stage-1 loss computes them, chosen on the
 * device so that nothing is read back beyond the reporting step's statistics.
 */
import * as tf from '@tensorflow/tfjs';
import type { TripletSampleRow } from '../../protocol/explorer';
import { constantOf, l2Normalize } from '../losses/distances';

/** Triplets in one sample (the panel shows at most this many). */
export const TRIPLET_SAMPLE_SIZE = 24;

/** Columns of a sample row, in order. */
export const TRIPLET_SAMPLE_COLUMNS = ['anchor', 'positive', 'negative', 'mined', 'pT', 'pS'] as const;

/** Irrational steps of the R₃ low-discrepancy sequence (Roberts): frac(a·α₁ + p·α₂ + n·α₃) spreads the picks. */
const R3 = [0.8191725133961645, 0.6710436067037893, 0.5497004779019703] as const;

/**
 * Up to k mined triplets of the batch, on the device: [k, 6] float32 rows
 * (anchor, positive, negative, mined, p_T, p_S), with
 * - anchor, positive, negative: `rowIds[a]`, `rowIds[p]`, `rowIds[n]` (e.g. training-set
 *   indices of the batch's rows; batch positions when `rowIds` is omitted), exact in float32
 *   below 2²⁴;
 * - mined: 1 for a mined triplet, 0 for a padding row (fewer than k mined);
 * - p_T, p_S: the binary triplet probability p = σ((d_an − d_ap)/τ₁) = σ(−u) on the teacher
 *   and on the student, from the stage-1 loss's own u [B, B, B] (`u[a, p, n] = (d_ap − d_an)/τ₁`).
 *
 * mask [B, B, B] 0/1 is the stage-1 mining mask. Which mined triplets are shown is fixed by
 * their positions (a, p, n) through a low-discrepancy score, so a sample is spread over
 * anchors rather than the first k; no random state is consumed. Carries no gradient.
 */
export function sampleMinedTriplets(mask: tf.Tensor3D, teacherCloser: tf.Tensor3D, studentCloser: tf.Tensor3D, k: number, rowIds?: tf.Tensor1D): tf.Tensor2D {
  return constantOf(() => {
    const b = mask.shape[0];
    const count = Math.min(k, b * b * b);
    const axis = (dim: 0 | 1 | 2, alpha: number) => {
      const shape: [number, number, number] = [1, 1, 1];
      shape[dim] = b;
      return tf.reshape(tf.mul(tf.range(0, b, 1, 'float32'), alpha), shape);
    };
    const spread = tf.add(tf.add(axis(0, R3[0]), axis(1, R3[1])), axis(2, R3[2]));
    const frac = tf.sub(spread, tf.floor(spread)); // [B, B, B] in [0, 1)
    // Mined triplets score in [1, 2), the rest in [0, 1): the top k are mined ones first.
    const score = tf.reshape(tf.add(mask, tf.mul(frac, 0.5)), [-1]);
    const { indices } = tf.topk(score, count);
    const flat = tf.cast(indices, 'int32');
    const int = (x: tf.Tensor) => tf.cast(x, 'int32') as tf.Tensor1D;
    const a = int(tf.floorDiv(flat, tf.scalar(b * b, 'int32')));
    const rest = int(tf.sub(flat, tf.mul(a, tf.scalar(b * b, 'int32'))));
    const p = int(tf.floorDiv(rest, tf.scalar(b, 'int32')));
    const n = int(tf.sub(rest, tf.mul(p, tf.scalar(b, 'int32'))));
    const ids = (i: tf.Tensor1D) => tf.cast(rowIds ? tf.gather(rowIds, i) : i, 'float32');
    const pick = (x: tf.Tensor3D) => tf.gather(tf.reshape(x, [-1]), flat);
    const columns = [
      ids(a),
      ids(p),
      ids(n),
      pick(mask),
      tf.sigmoid(tf.neg(pick(teacherCloser))), // p = σ(−u), as in the loss's statistics
      tf.sigmoid(tf.neg(pick(studentCloser))),
    ];
    const rows = tf.stack(columns, 1) as tf.Tensor2D;
    if (count === k) return rows;
    return tf.pad(rows, [[0, k - count], [0, 0]]) as tf.Tensor2D;
  });
}

/** Decodes the read-back of `sampleMinedTriplets` ([k · 6] values, row-major), dropping padding rows. */
export function decodeTripletSample(values: ArrayLike<number>, k: number = TRIPLET_SAMPLE_SIZE): TripletSampleRow[] {
  const width = TRIPLET_SAMPLE_COLUMNS.length;
  const out: TripletSampleRow[] = [];
  for (let i = 0; i < k; i++) {
    const row = (c: number) => values[i * width + c];
    if (Math.round(row(3)) !== 1) continue;
    out.push({ anchor: Math.round(row(0)), positive: Math.round(row(1)), negative: Math.round(row(2)), pT: row(4), pS: row(5) });
  }
  return out;
}

/**
 * p = σ((d_an − d_ap)/τ₁) of given triplets on one embedding: emb [M, D] (normalised here),
 * triplets [K, 3] int32 rows (a, p, n) of emb → [K]. The stage-1 loss's binary triplet
 * probability, for triplets followed outside a batch.
 */
export function tripletProbabilities(emb: tf.Tensor2D, triplets: tf.Tensor2D, tau1: number): tf.Tensor1D {
  return tf.tidy(() => {
    const z = l2Normalize(emb);
    const [a, p, n] = tf.unstack(triplets, 1).map((i) => tf.gather(z, i));
    const distance = (u: tf.Tensor, v: tf.Tensor) => tf.sqrt(tf.sum(tf.square(tf.sub(u, v)), 1));
    return tf.sigmoid(tf.div(tf.sub(distance(a, n), distance(a, p)), tau1)) as tf.Tensor1D;
  });
}
