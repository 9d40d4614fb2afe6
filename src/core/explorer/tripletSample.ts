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

/** Irrational steps of the R₂ low-discrepancy sequence (Roberts): frac(i·α) spreads the picks. */
const R2 = [0.7548776662466927, 0.5698402909980532] as const;

/**
 * Up to k mined triplets of the batch, at most one per anchor, on the device: [k, 6] float32
 * rows (anchor, positive, negative, mined, p_T, p_S), with
 * - anchor, positive, negative: `rowIds[a]`, `rowIds[p]`, `rowIds[n]` (e.g. training-set
 *   indices of the batch's rows; batch positions when `rowIds` is omitted), exact in float32
 *   below 2²⁴;
 * - mined: 1 for a mined triplet, 0 for a padding row (fewer than k anchors with a triplet);
 * - p_T, p_S: the binary triplet probability p = σ((d_an − d_ap)/τ₁) = σ(−u) on the teacher
 *   and on the student, from the stage-1 loss's own u [B, B, B] (`u[a, p, n] = (d_ap − d_an)/τ₁`).
 *
 * mask [B, B, B] 0/1 is the stage-1 mining mask. Each anchor's triplet is its mined (p, n)
 * with the highest low-discrepancy score frac((p·B + n)·α₂), and the k anchors are those with
 * a triplet, in the order of frac(a·α₁): the sample is spread over anchors and classes, not the
 * first k, and no random state is consumed. One broadcast and two reductions over the mask and
 * a top-k over B values (a top-k over all B³ entries doubled a reporting step on the cpu).
 * Carries no gradient.
 */
export function sampleMinedTriplets(mask: tf.Tensor3D, teacherCloser: tf.Tensor3D, studentCloser: tf.Tensor3D, k: number, rowIds?: tf.Tensor1D): tf.Tensor2D {
  return constantOf(() => {
    const b = mask.shape[0];
    const count = Math.min(k, b);
    const frac = (n: number, alpha: number) => {
      const x = tf.mul(tf.range(0, n, 1, 'float32'), alpha);
      return tf.sub(x, tf.floor(x)); // [n] in [0, 1)
    };
    // Mined (p, n) pairs score in [1, 1.5), the rest in [0, 0.5): each anchor's best is a mined one
    // if it has any. The pair's score depends on p·B + n only: one broadcast over the mask.
    const score = tf.add(tf.reshape(mask, [b, b * b]), tf.reshape(tf.mul(frac(b * b, R2[1]), 0.5), [1, b * b]));
    // Anchors with a triplet first, in a low-discrepancy order among themselves.
    const anchorScore = tf.add(tf.max(score, 1), tf.mul(frac(b, R2[0]), 0.25));
    const anchors = tf.topk(anchorScore, count).indices as tf.Tensor1D; // [count] int32
    const pair = tf.gather(tf.argMax(score, 1), anchors); // p·B + n of each chosen anchor
    const int = (x: tf.Tensor) => tf.cast(x, 'int32') as tf.Tensor1D;
    const p = int(tf.floorDiv(pair, tf.scalar(b, 'int32')));
    const n = int(tf.sub(pair, tf.mul(p, tf.scalar(b, 'int32'))));
    const flat = int(tf.add(tf.mul(anchors, tf.scalar(b * b, 'int32')), pair));
    const ids = (i: tf.Tensor1D) => tf.cast(rowIds ? tf.gather(rowIds, i) : i, 'float32');
    const pick = (x: tf.Tensor3D) => tf.gather(tf.reshape(x, [-1]), flat);
    const columns = [
      ids(anchors),
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
