/**
 * Fused training kernels: what each computes, in one place. A training step of a small
 * student is bound by the number of kernels it dispatches, not by its arithmetic (on a
 * real GPU each dispatch costs about 0.1 ms of JavaScript and queueing; on wasm each has a
 * fixed cost too), and tfjs runs every per-channel operation of batch normalisation, every
 * term of an optimiser update and every moving average as a kernel of its own. These
 * kernels do each of those in one pass. REFILLED's stage-1 and stage-2 losses have kernels of
 * their own, named here and specified in stage1Spec.ts and stage2Spec.ts.
 *
 * Layout: a tensor x of shape [..., C] is row-major, so element i belongs to channel i mod C
 * and N = size / C elements share a channel. Everything is float32.
 *
 * The reference implementations below (plain loops over Float32Arrays) are the cpu and wasm
 * kernels themselves, and the yardstick of the GPU kernels' tests. Each writes into `out`
 * when given one (the wasm kernels pass the output's place in the WebAssembly heap, whose
 * pages are already mapped: a fresh array of a few MB costs more in page faults than the loop).
 */

/** Kernel names, registered for every backend that has an implementation (see index.ts). */
export const KERNELS = {
  /** {x [..., C]} → [2, C]: row 0 the mean per channel, row 1 the biased variance mean((x − μ)²). */
  bnMoments: 'RefilledBnMoments',
  /** {x [..., C], moments [2, C], gamma [C], beta [C]}, {epsilon} → like x: relu(γ·x̂ + β), x̂ = (x − μ)/sqrt(σ² + ε). */
  bnReluForward: 'RefilledBnReluForward',
  /** {dy, x, moments, gamma, beta}, {epsilon} → [2, C]: row 0 Σ dz (dβ), row 1 Σ dz·x̂ (dγ), dz = dy where γ·x̂ + β > 0, else 0. */
  bnReluGradSums: 'RefilledBnReluGradSums',
  /** {dy, x, moments, gamma, beta, sums [2, C]}, {epsilon} → like x: dx = γ/sqrt(σ² + ε) · (dz − sums₀/N − x̂·sums₁/N). */
  bnReluGradInput: 'RefilledBnReluGradInput',
  /** {average [C], moments [R, C]}, {row, momentum} → [C]: momentum·average + (1 − momentum)·moments[row] (R = 2: the batch norm's moments; R = 1: one statistic). */
  movingAverage: 'RefilledMovingAverage',
  /** {velocity [P], gradient [P], weights [P]}, {momentum, weightDecay} → [P]: v' = μ·v + g + wd·w. */
  sgdVelocity: 'RefilledSgdVelocity',
  /**
   * {weights [P], gradient [P], velocity [P] (the new one, v')}, {learningRate, momentum, weightDecay, nesterov}
   * → [P]: w − lr·(g + wd·w + μ·v') with Nesterov momentum, else w − lr·v'.
   */
  sgdWeights: 'RefilledSgdWeights',
  /**
   * {velocity [P], w0 … w(n−1), g0 … g(n−1) (each gradient like its weights, P = Σ sizes)}, SgdWeightsAttrs
   * → [v' [P], w0', …, w(n−1)']: sgdVelocity and sgdWeights over the variables one after another,
   * the velocity flat. One kernel for a whole group, with no concatenation of the weights and
   * gradients and no slicing of the result (cpu and wasm only: a GPU shader binds a fixed
   * number of buffers, so there the group is concatenated for the two kernels above).
   */
  sgdUpdate: 'RefilledSgdUpdate',
  /**
   * {dy [B, H/2, W/2, C], x [B, H, W, C], y [B, H/2, W/2, C] (the pool's output)} → like x:
   * dx[b, h, w, c] = dy[b, ⌊h/2⌋, ⌊w/2⌋, c] where x[b, h, w, c] = y[b, ⌊h/2⌋, ⌊w/2⌋, c], else 0
   * (2×2 max pool, stride 2, 'valid', H and W even; every tied maximum gets dy).
   */
  maxPoolGrad2x2: 'RefilledMaxPoolGrad2x2',
  /**
   * {x [B, H, W, C]} → [9·C, B·H·W]: the transposed 3×3 patch matrix with zero padding 1,
   * row (i·3 + j)·C + c, column (b·H + h)·W + w holding x[b, h + i − 1, w + j − 1, c] (0 outside
   * the image): what a 3×3 'same' convolution's filter gradient multiplies dy by. tfjs's own
   * operations take a transpose, a pad, nine slices and a concatenation.
   */
  patches3x3: 'RefilledPatches3x3',
  /**
   * {logits [B, K], labels [B] (int32 class indices)} → [B]: the row's softmax cross-entropy,
   * log Σ_j exp(z_bj) − z_b,label, computed with the row's maximum subtracted first.
   */
  softmaxCrossEntropy: 'RefilledSoftmaxCrossEntropy',
  /**
   * {logits [B, K], labels [B] (int32), dy [B]} → [B, K]: dy_b · (softmax(z_b)_j − [j = label_b]).
   * A label outside [0, K) is no class (tf.oneHot's all-zero row): the row's loss and gradient are 0.
   */
  softmaxCrossEntropyGrad: 'RefilledSoftmaxCrossEntropyGrad',
  // REFILLED's stage-1 loss (stage1Spec.ts says what each computes).
  /** {z [B, D]} → [B, D]: each row divided by its norm (ε-safe). */
  unitRows: 'RefilledUnitRows',
  /** {z [B, D], dy [B, D]} → [B, D]: unitRows' gradient. */
  unitRowsGrad: 'RefilledUnitRowsGrad',
  /** {u [B, D]} → [B, B]: the rows' pairwise Euclidean distances. */
  rowDistances: 'RefilledRowDistances',
  /** {u [B, D], dist [B, B], dy [B, B]} → [B, D]: rowDistances' gradient. */
  rowDistancesGrad: 'RefilledRowDistancesGrad',
  /** {dS [B, B], dT [B, B], labels [B] (int32)}, Stage1Attrs → [5, B, B]: mining and each positive pair's divergence. */
  stage1Pairs: 'RefilledStage1Pairs',
  /** {dS, dT, labels, pairs [5, B, B], totals [5], dy []}, Stage1GradAttrs → [B, B]: the loss's gradient in dS. */
  stage1Grad: 'RefilledStage1Grad',
  // REFILLED's stage-2 loss (stage2Spec.ts).
  /** {emb [B, D], labels [B] (int32)}, {classes} → [C, D]: the class means. */
  classMeans: 'RefilledClassMeans',
  /** {emb [B, D], centres [C, D], labels [B]}, Stage2TargetAttrs → [B, C]: the teacher's targets q. */
  stage2Targets: 'RefilledStage2Targets',
  /** {z [B, C], q [B, C], labels [B]}, Stage2KlAttrs → [B]: each example's KL(q ‖ p). */
  stage2Kl: 'RefilledStage2Kl',
  /** {z, q, labels, dy [B]}, Stage2KlAttrs → [B, C]: stage2Kl's gradient in z. */
  stage2KlGrad: 'RefilledStage2KlGrad',
} as const;

export type FusedKernelName = (typeof KERNELS)[keyof typeof KERNELS];

/** Kernels only the backends whose tensors live in CPU memory have (cpu, wasm): see each one's note. */
export const TYPED_ONLY_KERNELS: ReadonlySet<FusedKernelName> = new Set([KERNELS.sgdUpdate]);

export interface BnAttrs {
  epsilon: number;
}
export interface MovingAverageAttrs {
  row: number;
  momentum: number;
}
export interface SgdVelocityAttrs {
  momentum: number;
  weightDecay: number;
}
export interface SgdWeightsAttrs {
  learningRate: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

/** [2, C] per-channel mean and biased variance of x (C channels, last axis), two passes. */
export function bnMoments(x: Float32Array, c: number, out: Float32Array = new Float32Array(2 * c)): Float32Array {
  const n = x.length / c;
  const sum = new Float64Array(c);
  // Row by row (one row = one pixel's C channels): no division per element.
  for (let base = 0; base < x.length; base += c) for (let k = 0; k < c; k++) sum[k] += x[base + k];
  for (let k = 0; k < c; k++) out[k] = sum[k] / n;
  const mean = out.subarray(0, c);
  const sq = new Float64Array(c);
  for (let base = 0; base < x.length; base += c)
    for (let k = 0; k < c; k++) {
      const d = x[base + k] - mean[k];
      sq[k] += d * d;
    }
  for (let k = 0; k < c; k++) out[c + k] = sq[k] / n;
  return out;
}

/**
 * Per channel, x̂ = x·p + q (p = 1/sqrt(σ² + ε), q = −μ·p) and z = γ·x̂ + β = x·a + b: one
 * multiply-add per element instead of four operations and four lookups.
 */
function affine(moments: Float32Array, gamma: Float32Array, beta: Float32Array, epsilon: number): { p: Float64Array; q: Float64Array; a: Float64Array; b: Float64Array } {
  const c = gamma.length;
  const p = new Float64Array(c);
  const q = new Float64Array(c);
  const a = new Float64Array(c);
  const b = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    p[k] = 1 / Math.sqrt(moments[c + k] + epsilon);
    q[k] = -moments[k] * p[k];
    a[k] = gamma[k] * p[k];
    b[k] = gamma[k] * q[k] + beta[k];
  }
  return { p, q, a, b };
}

/** relu(γ·(x − μ)/sqrt(σ² + ε) + β), like x. */
export function bnReluForward(x: Float32Array, moments: Float32Array, gamma: Float32Array, beta: Float32Array, epsilon: number, y: Float32Array = new Float32Array(x.length)): Float32Array {
  const c = gamma.length;
  const { a, b } = affine(moments, gamma, beta, epsilon);
  // relu(z) = (z + |z|)/2, exact in float64 (NaN stays NaN), with no branch: the sign of z is
  // a coin toss, and a mispredicted branch (or Math.max, which V8 compiles to branches) cost
  // 5–6× the arithmetic here (7.2 against 1.3 ms at 64×28×28×16).
  for (let base = 0; base < x.length; base += c)
    for (let k = 0; k < c; k++) {
      const z = x[base + k] * a[k] + b[k];
      y[base + k] = 0.5 * (z + Math.abs(z));
    }
  return y;
}

/**
 * 1 where the ReLU passes its gradient (z > 0), else 0, as a number: `dy * ReLU_OPEN(z)` is
 * `z > 0 ? dy : 0` for every finite dy without a branch (a comparison converted to a number
 * compiles to a flag read, not a jump; see bnReluForward on why that matters).
 */
const ReLU_OPEN = (z: number): number => +(z > 0);

/** [2, C]: Σ dz and Σ dz·x̂ per channel (dz: dy through the ReLU). */
export function bnReluGradSums(dy: Float32Array, x: Float32Array, moments: Float32Array, gamma: Float32Array, beta: Float32Array, epsilon: number, out: Float32Array = new Float32Array(2 * gamma.length)): Float32Array {
  const c = gamma.length;
  const { p, q, a, b } = affine(moments, gamma, beta, epsilon);
  const dBeta = new Float64Array(c);
  const dGamma = new Float64Array(c);
  for (let base = 0; base < x.length; base += c)
    for (let k = 0; k < c; k++) {
      const xv = x[base + k];
      const dz = dy[base + k] * ReLU_OPEN(xv * a[k] + b[k]);
      dBeta[k] += dz;
      dGamma[k] += dz * (xv * p[k] + q[k]);
    }
  for (let k = 0; k < c; k++) {
    out[k] = dBeta[k];
    out[c + k] = dGamma[k];
  }
  return out;
}

/** dx = γ/sqrt(σ² + ε) · (dz − Σdz/N − x̂·Σ(dz·x̂)/N), like x. */
export function bnReluGradInput(dy: Float32Array, x: Float32Array, moments: Float32Array, gamma: Float32Array, beta: Float32Array, sums: Float32Array, epsilon: number, dx: Float32Array = new Float32Array(x.length)): Float32Array {
  const c = gamma.length;
  const n = x.length / c;
  const { p, q, a, b } = affine(moments, gamma, beta, epsilon);
  // dx = dz·s − (t + x̂·u) with s = γ·p, t = s·Σdz/N, u = s·Σ(dz·x̂)/N; x̂ = x·p + q, so
  // dx = dz·s − x·(u·p) − (t + u·q).
  const s = new Float64Array(c);
  const xs = new Float64Array(c);
  const r = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    s[k] = gamma[k] * p[k];
    const u = (s[k] * sums[c + k]) / n;
    xs[k] = u * p[k];
    r[k] = (s[k] * sums[k]) / n + u * q[k];
  }
  for (let base = 0; base < x.length; base += c)
    for (let k = 0; k < c; k++) {
      const xv = x[base + k];
      const dz = dy[base + k] * ReLU_OPEN(xv * a[k] + b[k]);
      dx[base + k] = dz * s[k] - xv * xs[k] - r[k];
    }
  return dx;
}

// The elementwise updates round every operation to float32 (f), in the order tfjs's own
// operations take: on cpu and wasm the fused update gives bit for bit what they give.
const f = Math.fround;

/** momentum·average + (1 − momentum)·moments[row], [C]. */
export function movingAverage(average: Float32Array, moments: Float32Array, { row, momentum }: MovingAverageAttrs, out: Float32Array = new Float32Array(average.length)): Float32Array {
  const c = average.length;
  const m = f(momentum);
  const rest = f(1 - momentum);
  for (let k = 0; k < c; k++) out[k] = f(average[k] * m) + f(moments[row * c + k] * rest);
  return out;
}

/** v' = μ·v + g + wd·w, [P]. */
export function sgdVelocity(velocity: Float32Array, gradient: Float32Array, weights: Float32Array, { momentum, weightDecay }: SgdVelocityAttrs, out: Float32Array = new Float32Array(velocity.length)): Float32Array {
  const mu = f(momentum);
  const wd = f(weightDecay);
  for (let i = 0; i < out.length; i++) out[i] = f(velocity[i] * mu) + f(gradient[i] + f(weights[i] * wd));
  return out;
}

/** w − lr·(g + wd·w + μ·v') (Nesterov) or w − lr·v', [P]. */
export function sgdWeights(weights: Float32Array, gradient: Float32Array, velocity: Float32Array, { learningRate, momentum, weightDecay, nesterov }: SgdWeightsAttrs, out: Float32Array = new Float32Array(weights.length)): Float32Array {
  const lr = f(learningRate);
  const mu = f(momentum);
  const wd = f(weightDecay);
  for (let i = 0; i < out.length; i++) {
    const step = nesterov ? f(f(gradient[i] + f(weights[i] * wd)) + f(velocity[i] * mu)) : velocity[i];
    out[i] = weights[i] - f(step * lr);
  }
  return out;
}

/**
 * One SGD step over a group of variables with a flat velocity [P]: sgdVelocity, then
 * sgdWeights, on each variable's share of the velocity (the variables in order), so every
 * value is the flat update's bit for bit. Writes v' into `velocityOut` and each variable's
 * new weights into `weightsOut`.
 */
export function sgdUpdate(velocity: Float32Array, weights: readonly Float32Array[], gradients: readonly Float32Array[], attrs: SgdWeightsAttrs, velocityOut: Float32Array, weightsOut: readonly Float32Array[]): void {
  let offset = 0;
  weights.forEach((w, i) => {
    const end = offset + w.length;
    const next = sgdVelocity(velocity.subarray(offset, end), gradients[i], w, attrs, velocityOut.subarray(offset, end));
    sgdWeights(w, gradients[i], next, attrs, weightsOut[i]);
    offset = end;
  });
}

/** The 2×2 pool's gradient: dy routed to every element equal to its window's maximum. */
export function maxPoolGrad2x2(dy: Float32Array, x: Float32Array, y: Float32Array, shape: readonly [number, number, number, number], dx: Float32Array = new Float32Array(x.length)): Float32Array {
  const [b, h, w, c] = shape;
  const wo = w / 2;
  // Input row (b, h) reads output row (b, ⌊h/2⌋); pixel w reads output pixel ⌊w/2⌋.
  for (let row = 0; row < b * h; row++) {
    const inRow = row * w * c;
    const outRow = ((row >> 1) * wo) * c;
    for (let wi = 0; wi < w; wi++) {
      const i0 = inRow + wi * c;
      const o0 = outRow + (wi >> 1) * c;
      // No branch (see ReLU_OPEN): which element is its window's maximum is a coin toss too.
      for (let k = 0; k < c; k++) dx[i0 + k] = dy[o0 + k] * +(x[i0 + k] === y[o0 + k]);
    }
  }
  return dx;
}

/** The transposed 3×3 patch matrix of x [B, H, W, C] (KERNELS.patches3x3): [9·C, B·H·W], every element written. */
export function patches3x3(x: Float32Array, shape: readonly [number, number, number, number], out: Float32Array = new Float32Array(9 * x.length)): Float32Array {
  const [b, h, w, c] = shape;
  const n = b * h * w;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let k = 0; k < c; k++) {
        const row = ((i * 3 + j) * c + k) * n;
        for (let image = 0; image < b; image++)
          for (let y = 0; y < h; y++) {
            const start = row + (image * h + y) * w;
            const sy = y + i - 1;
            if (sy < 0 || sy >= h) {
              out.fill(0, start, start + w);
              continue;
            }
            const source = (image * h + sy) * w;
            for (let col = 0; col < w; col++) {
              const sx = col + j - 1;
              out[start + col] = sx < 0 || sx >= w ? 0 : x[(source + sx) * c + k];
            }
          }
      }
  return out;
}

/** A logits row's maximum m and Σ_j exp(z_j − m): its softmax is exp(z_j − m) / sum. */
function rowSoftmax(logits: Float32Array, row: number, k: number): { max: number; sum: number } {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, logits[row + j]);
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp(logits[row + j] - max);
  return { max, sum };
}

/** Per-row softmax cross-entropy of logits [B, K] (row-major) at the labels [B]: [B]. */
export function softmaxCrossEntropy(logits: Float32Array, labels: ArrayLike<number>, out: Float32Array = new Float32Array(labels.length)): Float32Array {
  const b = labels.length;
  const k = logits.length / b;
  for (let r = 0; r < b; r++) {
    const row = r * k;
    const { max, sum } = rowSoftmax(logits, row, k);
    const y = labels[r];
    out[r] = y >= 0 && y < k ? Math.log(sum) + max - logits[row + y] : 0;
  }
  return out;
}

/** The gradient of the per-row cross-entropy: dy_b · (softmax(z_b) − onehot(label_b)), [B, K]. */
export function softmaxCrossEntropyGrad(logits: Float32Array, labels: ArrayLike<number>, dy: Float32Array, out: Float32Array = new Float32Array(logits.length)): Float32Array {
  const b = labels.length;
  const k = logits.length / b;
  for (let r = 0; r < b; r++) {
    const row = r * k;
    const { max, sum } = rowSoftmax(logits, row, k);
    const valid = labels[r] >= 0 && labels[r] < k;
    for (let j = 0; j < k; j++) out[row + j] = valid ? dy[r] * (Math.exp(logits[row + j] - max) / sum - (j === labels[r] ? 1 : 0)) : 0;
  }
  return out;
}
