/**
 * Data augmentation of training batches, on the device: random translations (zero padding)
 * and random horizontal flips. The per-example decisions are drawn in JavaScript from the
 * run's seeded `augment` stream and uploaded as three small int32 vectors; the images never
 * leave the device and nothing is read back.
 *
 * What REFILLED sees. Both stages compare the teacher with the student on the same images:
 * stage 1 matches the triplet probabilities of the student's embedding with the teacher's
 * over one batch, and stage 2 builds its targets from the teacher's embedding of each
 * example. With augmentation, those relations must describe the images the student actually
 * sees, so the trainer has the teacher embed the *augmented* batch (one inference forward
 * pass per step) instead of reading its cached embedding of the original image; a shifted
 * student image matched against an unshifted teacher image would ask the student to be
 * invariant to the shift in a way the teacher never was. Hinton KD reads the teacher's
 * logits of the augmented batch likewise. The global class centres of stage 2 stay the
 * means over the un-augmented training set: they are class prototypes, not per-image targets.
 * Without augmentation the cached embeddings are used, as before.
 */
import * as tf from '@tensorflow/tfjs';
import { CountedRng } from '../random';

export interface AugmentSpec {
  /** Largest translation in pixels, each axis drawn uniformly from −shift … shift (0: none). */
  shift: number;
  /** Mirror left–right with probability ½. */
  flip: boolean;
}

/** One batch's draws, per example: row and column offsets, and 1 where the image is mirrored. */
export interface AugmentDraws {
  dy: Int32Array;
  dx: Int32Array;
  flip: Int32Array;
}

/** Whether the spec changes any image. */
export function augmentActive(spec: AugmentSpec): boolean {
  return spec.shift > 0 || spec.flip;
}

/**
 * Draws the decisions for `batchSize` examples from `rng`: per example dy, dx uniform integers
 * in [−shift, shift], then a flip with probability ½ (0 when flips are off). Three draws per
 * example whatever the spec, so turning flips on does not change the shifts of the same seed.
 */
export function drawAugmentation(rng: () => number, batchSize: number, spec: AugmentSpec): AugmentDraws {
  const draws: AugmentDraws = { dy: new Int32Array(batchSize), dx: new Int32Array(batchSize), flip: new Int32Array(batchSize) };
  const span = 2 * spec.shift + 1;
  for (let i = 0; i < batchSize; i++) {
    draws.dy[i] = Math.floor(rng() * span) - spec.shift;
    draws.dx[i] = Math.floor(rng() * span) - spec.shift;
    draws.flip[i] = rng() < 0.5 && spec.flip ? 1 : 0;
  }
  return draws;
}

/**
 * Flips, then translates every image of a batch: x [B, H, W, C], dy, dx, flip [B] int32 →
 * [B, H, W, C] with
 *   out[b, i, j, :] = x[b, i − dy_b, c, :]  where c = j − dx_b, mirrored to W − 1 − c when flip_b = 1,
 *   and 0 where i − dy_b ∉ [0, H) or j − dx_b ∉ [0, W) (zero padding).
 * So a positive dy moves the content down and a positive dx moves it right.
 *
 * Realised as two products with one-hot selection matrices, out_b = R_b · x_b · K_bᵀ, where
 * R_b [H, H] has R_b[i, i − dy_b] = 1 and K_b [W, W] has K_b[j, c(j)] = 1; a source index
 * outside the image gives an all-zero row (tf.oneHot's rule), which is the zero padding. Each
 * output is one input times 1 plus exact zeros, so the result is exact. Only [B, H] and [B, W]
 * index vectors are computed; no per-pixel index grid, no read-back. Not differentiable with
 * respect to the offsets (they are data); the images are training inputs, not variables.
 */
export function augmentImages(x: tf.Tensor4D, dy: tf.Tensor1D, dx: tf.Tensor1D, flip: tf.Tensor1D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    // Index arithmetic stays int32: a bare JS number would make it float32.
    const int = (n: number) => tf.scalar(n, 'int32');
    const rows = tf.sub(tf.range(0, h, 1, 'int32').reshape([1, h]), dy.reshape([b, 1])); // [B, H] source row of output row i
    const shifted = tf.sub(tf.range(0, w, 1, 'int32').reshape([1, w]), dx.reshape([b, 1])); // [B, W] source column before the flip
    // c' = c + f · (W − 1 − 2c): c unchanged, or mirrored (an index outside [0, W) stays outside).
    const cols = tf.add(shifted, tf.mul(flip.reshape([b, 1]), tf.sub(int(w - 1), tf.mul(shifted, int(2)))));
    const rowSelect = tf.oneHot(rows.reshape([b * h]), h).reshape([b, h, h]).toFloat(); // R [B, H, H]
    const colSelect = tf.oneHot(cols.reshape([b * w]), w).reshape([b, w, w]).toFloat(); // K [B, W, W]
    if (c === 1) return tf.matMul(tf.matMul(rowSelect, x.reshape([b, h, w])), colSelect, false, true).reshape([b, h, w, 1]) as tf.Tensor4D;
    const byRows = tf.matMul(rowSelect, x.reshape([b, h, w * c])).reshape([b, h, w, c]); // R · x
    const byCols = tf.matMul(colSelect, tf.transpose(byRows, [0, 2, 1, 3]).reshape([b, w, h * c])); // K · (R · x)ᵀ per channel
    return tf.transpose(byCols.reshape([b, w, h, c]), [0, 2, 1, 3]) as tf.Tensor4D;
  });
}

/**
 * The run's augmentation: a seeded stream of decisions (`streamRng(seed, 'augment')`) and the
 * spec. `apply` draws one batch's decisions, uploads them ([B] int32 × 3) and returns the
 * augmented batch [B, H, W, C]; call it inside the step's tidy. Inactive specs return `x` itself
 * and draw nothing.
 */
export class Augmenter {
  /** Counted, so that a checkpoint can say where the stream is (core/trainer/checkpoint.ts). */
  readonly stream: CountedRng;

  constructor(
    readonly spec: AugmentSpec,
    seed: number,
  ) {
    this.stream = new CountedRng(seed, 'augment');
  }

  get active(): boolean {
    return augmentActive(this.spec);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    if (!this.active) return x;
    const d = drawAugmentation(this.stream.next, x.shape[0], this.spec);
    return tf.tidy(() => augmentImages(x, tf.tensor1d(d.dy, 'int32'), tf.tensor1d(d.dx, 'int32'), tf.tensor1d(d.flip, 'int32')));
  }
}
