/**
 * The fused kernels of REFILLED's stage-2 loss (see losses/stage2.ts for the method), with
 * their reference loops (the cpu and wasm kernels, and the GPU kernels' yardstick). The
 * teacher's side of the loss (class centres, scores, the masked softmax of the targets) and
 * the KL term with its gradient become four kernels where tfjs's own operations take about
 * sixty; the cross-entropy term has its own fused kernels already.
 *
 * B examples, C classes, D the teacher's embedding width; float32, row-major. A class is
 * in scope when the batch has an example of it (REFILLED's local KD), or always with
 * `allClasses`; labels outside [0, C) belong to no class, as with tf.oneHot.
 */

/** The teacher's targets q as the kernels take its settings. */
export interface Stage2TargetAttrs {
  /** s_k = ⟨f, ĉ_k⟩ with unit centres (`dot`), else −‖f − c_k‖² with raw ones. */
  dot: boolean;
  /** The teacher's temperature: q = softmax(s/τ_T) over the classes in scope. */
  teacherTau: number;
  /** q uniform over the classes in scope (the label-smoothing ablation). */
  uniform: boolean;
  /** Every class is in scope (scope `all`), not only the batch's. */
  allClasses: boolean;
}

/** The KL term's settings. */
export interface Stage2KlAttrs {
  /** p = softmax(z/τ_S) over the classes in scope. */
  studentTau: number;
  allClasses: boolean;
  /** Each row's KL divided by the number of classes in scope (the 2020 code's elementwise mean). */
  elementwise: boolean;
}

/** 1 for each class in scope, [C]. */
function inScope(labels: ArrayLike<number>, classes: number, allClasses: boolean): Uint8Array {
  const mask = new Uint8Array(classes);
  if (allClasses) return mask.fill(1);
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0 && labels[i] < classes) mask[labels[i]] = 1;
  return mask;
}

/** Class means of emb [B, D] by label: [C, D], a row of zeros for a class without examples. */
export function classMeans(emb: Float32Array, labels: ArrayLike<number>, classes: number, out: Float32Array = new Float32Array(classes * (emb.length / labels.length))): Float32Array {
  const d = emb.length / labels.length;
  const sums = new Float64Array(classes * d);
  const counts = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i];
    if (!(k >= 0 && k < classes)) continue;
    counts[k]++;
    for (let j = 0; j < d; j++) sums[k * d + j] += emb[i * d + j];
  }
  for (let k = 0; k < classes; k++) for (let j = 0; j < d; j++) out[k * d + j] = sums[k * d + j] / Math.max(counts[k], 1);
  return out;
}

/**
 * The teacher's targets q [B, C]: the masked softmax over the classes in scope of its scores
 * against the centres [C, D] (unit for `dot`, raw else) divided by τ_T, 0 outside the scope.
 * `sqeuclidean`: s = −max(‖f‖² + ‖c‖² − 2⟨f, c⟩, 0), as losses/stage2 computes it.
 */
export function stage2Targets(emb: Float32Array, centres: Float32Array, labels: ArrayLike<number>, attrs: Stage2TargetAttrs, out?: Float32Array): Float32Array {
  const b = labels.length;
  const d = emb.length / b;
  const c = centres.length / d;
  const q = out ?? new Float32Array(b * c);
  const mask = inScope(labels, c, attrs.allClasses);
  const logits = new Float64Array(c);
  for (let i = 0; i < b; i++) {
    let max = -Infinity;
    for (let k = 0; k < c; k++) {
      let dot = 0;
      let ff = 0;
      let cc = 0;
      for (let j = 0; j < d; j++) {
        const f = emb[i * d + j];
        const v = centres[k * d + j];
        dot += f * v;
        ff += f * f;
        cc += v * v;
      }
      const score = attrs.dot ? dot : -Math.max(ff + cc - 2 * dot, 0);
      logits[k] = attrs.uniform ? 0 : Math.fround(score) / Math.fround(attrs.teacherTau);
      if (mask[k]) max = Math.max(max, logits[k]);
    }
    let sum = 0;
    for (let k = 0; k < c; k++) if (mask[k]) sum += Math.exp(logits[k] - max);
    for (let k = 0; k < c; k++) q[i * c + k] = mask[k] ? Math.exp(logits[k] - max) / sum : 0;
  }
  return q;
}

/** Row b of the student's masked softmax: p_k = exp(z_k/τ − m) / sum over the classes in scope. */
function studentRow(z: Float32Array, row: number, c: number, mask: Uint8Array, tau: number): { m: number; sum: number; scaled: (k: number) => number } {
  const tauF = Math.fround(tau);
  const scaled = (k: number) => Math.fround(z[row * c + k] / tauF);
  let m = -Infinity;
  for (let k = 0; k < c; k++) if (mask[k]) m = Math.max(m, scaled(k));
  let sum = 0;
  for (let k = 0; k < c; k++) if (mask[k]) sum += Math.exp(scaled(k) - m);
  return { m, sum, scaled };
}

/** Per example, KL(q ‖ p) over the classes in scope (divided by their number with `elementwise`): [B]. */
export function stage2Kl(z: Float32Array, q: Float32Array, labels: ArrayLike<number>, attrs: Stage2KlAttrs, out?: Float32Array): Float32Array {
  const b = labels.length;
  const c = z.length / b;
  const kl = out ?? new Float32Array(b);
  const mask = inScope(labels, c, attrs.allClasses);
  const classes = mask.reduce((n, v) => n + v, 0);
  for (let i = 0; i < b; i++) {
    const { m, sum, scaled } = studentRow(z, i, c, mask, attrs.studentTau);
    const logSum = Math.log(sum);
    let total = 0;
    for (let k = 0; k < c; k++) {
      const qk = q[i * c + k];
      if (mask[k] && qk > 0) total += qk * (Math.log(qk) - (scaled(k) - m - logSum));
    }
    kl[i] = attrs.elementwise ? total / Math.max(classes, 1) : total;
  }
  return kl;
}

/** The gradient of stage2Kl in z, times dy [B]: dy_b · ((Σ q)·p_k − q_k)/τ_S over the classes in scope, [B, C]. */
export function stage2KlGrad(z: Float32Array, q: Float32Array, labels: ArrayLike<number>, dy: Float32Array, attrs: Stage2KlAttrs, out?: Float32Array): Float32Array {
  const b = labels.length;
  const c = z.length / b;
  const grad = out ?? new Float32Array(b * c);
  const mask = inScope(labels, c, attrs.allClasses);
  const classes = mask.reduce((n, v) => n + v, 0);
  for (let i = 0; i < b; i++) {
    const { m, sum, scaled } = studentRow(z, i, c, mask, attrs.studentTau);
    let qSum = 0;
    for (let k = 0; k < c; k++) if (mask[k]) qSum += q[i * c + k];
    const scale = dy[i] / attrs.studentTau / (attrs.elementwise ? Math.max(classes, 1) : 1);
    for (let k = 0; k < c; k++) grad[i * c + k] = mask[k] ? scale * (qSum * (Math.exp(scaled(k) - m) / sum) - q[i * c + k]) : 0;
  }
  return grad;
}
