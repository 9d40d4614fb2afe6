import * as tf from '@tensorflow/tfjs';

/**
 * The 2-D principal-component projection of embeddings, for the embedding picture.
 *
 *   X̄ = X − mean_rows(X),  C = X̄ᵀX̄ / N            X [N,D], C [D,D]
 *   v₁ = top eigenvector of C,  v₂ = top eigenvector of C restricted to v₁⊥
 *   P = X̄ · [v₁ v₂]                                  P [N,2]
 *
 * Both eigenvectors come from power iteration (v ← Cv, v ← v − (v·v₁)v₁ for v₂, v ← v/‖v‖):
 * D is small (the student's embedding), so `iterations` D×D·D×1 products cost next to
 * nothing on any backend and nothing is read back. Each vector's sign is fixed so that its
 * largest-magnitude component is positive, so the picture does not mirror between
 * evaluations. Returns a new tensor; the caller reads it back once.
 */
export function pca2(x: tf.Tensor2D, iterations = 48): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, d] = x.shape;
    const centred = tf.sub(x, tf.mean(x, 0, true));
    const cov = tf.div(tf.matMul(centred, centred, true, false), Math.max(1, n));
    // A start vector with no symmetry, so it is almost surely not orthogonal to v₁.
    const start = tf.tensor2d(
      Array.from({ length: d }, (_, i) => 1 + i / d),
      [d, 1],
    );
    const normalise = (v: tf.Tensor2D) => tf.div(v, tf.add(tf.norm(v), 1e-12)) as tf.Tensor2D;
    const fixSign = (v: tf.Tensor2D) => {
      const flat = tf.reshape(v, [d]);
      const pivot = tf.gather(flat, tf.argMax(tf.abs(flat)));
      return tf.mul(v, tf.where(tf.less(pivot, 0), tf.scalar(-1), tf.scalar(1))) as tf.Tensor2D;
    };
    const orthogonalTo = (v: tf.Tensor2D, u: tf.Tensor2D | null) => (u ? (tf.sub(v, tf.mul(u, tf.sum(tf.mul(u, v)))) as tf.Tensor2D) : v);
    const top = (against: tf.Tensor2D | null) => {
      let v = normalise(orthogonalTo(start, against));
      for (let i = 0; i < iterations; i++) v = normalise(orthogonalTo(tf.matMul(cov, v), against));
      return fixSign(v);
    };
    const v1 = top(null);
    const v2 = top(v1);
    return tf.matMul(centred, tf.concat([v1, v2], 1));
  });
}
