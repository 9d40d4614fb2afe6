/**
 * The fused kernels as tfjs operations with gradients: what the model and the optimiser
 * call where the active backend has the kernels (`fusedOn`), in place of tfjs's own
 * operations. Values equal those of the unfused path up to float32 summation order.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedOn, KERNELS, registerFusedKernels } from './index';
import { PAIR_PLANE_COUNT, PAIR_PLANES, type Stage1GradAttrs } from './stage1Spec';
import type { Stage2KlAttrs, Stage2TargetAttrs } from './stage2Spec';

registerFusedKernels();

const run = <T extends tf.Tensor>(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): T => tf.engine().runKernel(name, inputs, attrs) as T;

/** The kernels each fused operation needs. */
export const FUSED = {
  batchNormRelu: [KERNELS.bnMoments, KERNELS.bnReluForward, KERNELS.bnReluGradSums, KERNELS.bnReluGradInput],
  movingAverage: [KERNELS.movingAverage],
  sgd: [KERNELS.sgdVelocity, KERNELS.sgdWeights],
  sgdGroup: [KERNELS.sgdUpdate],
  maxPoolGrad: [KERNELS.maxPoolGrad2x2],
  patches: [KERNELS.patches3x3],
  crossEntropy: [KERNELS.softmaxCrossEntropy, KERNELS.softmaxCrossEntropyGrad],
  distances: [KERNELS.unitRows, KERNELS.rowDistances],
  stage1: [KERNELS.unitRows, KERNELS.unitRowsGrad, KERNELS.rowDistances, KERNELS.rowDistancesGrad, KERNELS.stage1Pairs, KERNELS.stage1Grad],
  stage2: [KERNELS.classMeans, KERNELS.unitRows, KERNELS.stage2Targets, KERNELS.stage2Kl, KERNELS.stage2KlGrad],
} as const;

/** The fused operations' names. */
export const FUSED_OPS = Object.keys(FUSED) as (keyof typeof FUSED)[];

/** Whether the active backend runs a fused operation (see FUSED). */
export const fused = (op: keyof typeof FUSED): boolean => fusedOn(FUSED[op]);

/**
 * Training-mode batch normalisation followed by a ReLU, in two kernels forward and two
 * backward (tfjs's own operations take about 16 and 13):
 *   y = relu(γ·x̂ + β), x̂ = (x − μ)/sqrt(σ² + ε), μ and σ² (biased) per channel over B·H·W.
 * Gradient, with dz = dy·[γ·x̂ + β > 0] and N = B·H·W:
 *   dβ = Σ dz,  dγ = Σ dz·x̂,  dx = γ/sqrt(σ² + ε) · (dz − dβ/N − x̂·dγ/N).
 * x [B, H, W, C], γ and β [C] → y [B, H, W, C] and the batch moments [2, C] (mean, variance;
 * no gradient: they feed the moving averages).
 */
export function batchNormReluTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): { y: tf.Tensor4D; moments: tf.Tensor2D } {
  const c = x.shape[3];
  // Outside the custom gradient, so the caller can keep it. The kernel has no gradient, and
  // needs none: no path from the moments leads to the loss (the forward kernel is inside the
  // custom gradient, whose tape node has x, γ and β as inputs).
  const moments = run<tf.Tensor2D>(KERNELS.bnMoments, { x });
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    // Saved, not closed over: tf.grads frees the forward pass's other tensors before the backward pass.
    save([xt, g, b, moments]);
    return {
      value: run<tf.Tensor4D>(KERNELS.bnReluForward, { x: xt, moments, gamma: g, beta: b }, { epsilon }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, bs, ms] = saved;
        const common = { dy, x: xs, moments: ms, gamma: gs, beta: bs };
        const sums = run<tf.Tensor2D>(KERNELS.bnReluGradSums, common, { epsilon });
        const dx = run<tf.Tensor4D>(KERNELS.bnReluGradInput, { ...common, sums }, { epsilon });
        return [dx, tf.reshape(tf.slice(sums, [1, 0], [1, c]), [c]), tf.reshape(tf.slice(sums, [0, 0], [1, c]), [c])];
      },
    };
  });
  return { y: op(x, gamma, beta) as tf.Tensor4D, moments };
}

/** momentum·average + (1 − momentum)·moments[row], one kernel: average [C], moments [R, C] → [C]. */
export function movingAverage(average: tf.Tensor1D, moments: tf.Tensor2D, row: number, momentum: number): tf.Tensor1D {
  return run(KERNELS.movingAverage, { average, moments }, { row, momentum });
}

/**
 * One SGD step with momentum and coupled weight decay in two kernels (PyTorch's rule):
 *   v' = μ·v + g + wd·w;  w' = w − lr·(g + wd·w + μ·v') (Nesterov) or w − lr·v'.
 * All [P]; returns v' and w'.
 */
export function sgdMomentumStep(weights: tf.Tensor1D, gradient: tf.Tensor1D, velocity: tf.Tensor1D, o: { learningRate: number; momentum: number; weightDecay: number; nesterov: boolean }): { velocity: tf.Tensor1D; weights: tf.Tensor1D } {
  const next = run<tf.Tensor1D>(KERNELS.sgdVelocity, { velocity, gradient, weights }, { momentum: o.momentum, weightDecay: o.weightDecay });
  return { velocity: next, weights: run<tf.Tensor1D>(KERNELS.sgdWeights, { weights, gradient, velocity: next }, { ...o }) };
}

/**
 * sgdMomentumStep over a group of variables in one kernel, without concatenating them
 * (cpu and wasm): velocity [P] flat (the variables one after another), weights and their
 * gradients as they are. Returns v' [P] and each variable's new weights, shaped like it.
 */
export function sgdMomentumGroupStep(velocity: tf.Tensor1D, weights: readonly tf.Tensor[], gradients: readonly tf.Tensor[], o: { learningRate: number; momentum: number; weightDecay: number; nesterov: boolean }): { velocity: tf.Tensor1D; weights: tf.Tensor[] } {
  const inputs: tf.NamedTensorMap = { velocity };
  weights.forEach((w, i) => {
    inputs[`w${i}`] = w;
    inputs[`g${i}`] = gradients[i];
  });
  const [next, ...updated] = tf.engine().runKernel(KERNELS.sgdUpdate, inputs, { ...o }) as tf.Tensor[];
  return { velocity: next as tf.Tensor1D, weights: updated };
}

/**
 * The 2×2 max pool's gradient in one kernel: dy [B, H/2, W/2, C] routed to every element of
 * x [B, H, W, C] equal to its window's maximum y [B, H/2, W/2, C].
 */
export function maxPoolGrad2x2(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  return run(KERNELS.maxPoolGrad2x2, { dy, x, y });
}

/** The transposed 3×3 patch matrix of x [B, H, W, C] in one kernel: [9·C, B·H·W] (no gradient). */
export function patches3x3(x: tf.Tensor4D): tf.Tensor2D {
  return run(KERNELS.patches3x3, { x });
}

/**
 * Sparse softmax cross-entropy, −mean_b log softmax(z_b)[y_b], in one kernel forward and one
 * backward (plus the mean): logits [B, K], labels [B] int32 → scalar; gradient
 * (softmax(z_b) − onehot(y_b)) / B per row.
 */
export function crossEntropyFused(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    save([z, labels]);
    return {
      value: tf.mean(run<tf.Tensor1D>(KERNELS.softmaxCrossEntropy, { logits: z, labels })),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [zs, ys] = saved;
        const rows = tf.fill([zs.shape[0]], 1 / zs.shape[0]);
        return [run(KERNELS.softmaxCrossEntropyGrad, { logits: zs, labels: ys, dy: tf.mul(rows, dy) })];
      },
    };
  });
  return op(logits) as tf.Scalar;
}

/**
 * d [B, B], the pairwise distances of the unit-normalised rows of z [B, D], in two kernels;
 * no gradient (the teacher's distances, the student's for the statistics).
 */
export function unitDistances(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => run(KERNELS.rowDistances, { u: run(KERNELS.unitRows, { z }) }));
}

/**
 * REFILLED's stage-1 loss from the student's embedding f_S [B, Ds], in four kernels forward
 * (unit rows, distances, the per-pair mining and divergences, their sum) and three backward,
 * where tfjs's own operations take about 150: w₁ · Σ kl / max(Σ count, 1) over stage1Pairs'
 * planes (see stage1Spec.ts). The teacher's distances [B, B] get a zero gradient, the labels
 * [B] none. Equal to losses/stage1's unfused loss up to float32 rounding.
 */
export function stage1LossFused(studentEmb: tf.Tensor2D, teacherDist: tf.Tensor2D, labels: tf.Tensor1D, attrs: Stage1GradAttrs): tf.Scalar {
  const { w1, ...pairAttrs } = attrs;
  const b = labels.shape[0];
  // dT is an input of the operation, with a zero gradient: the teacher stays reachable, as in the unfused loss.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, dT] = args as tf.Tensor2D[];
    const save = args[2] as tf.GradSaveFunc;
    const u = run<tf.Tensor2D>(KERNELS.unitRows, { z });
    const dS = run<tf.Tensor2D>(KERNELS.rowDistances, { u });
    const pairs = run<tf.Tensor3D>(KERNELS.stage1Pairs, { dS, dT, labels }, { ...pairAttrs });
    const totals = tf.sum(tf.reshape(pairs, [PAIR_PLANE_COUNT, b * b]), 1);
    // Saved, not closed over: tf.grads frees the forward pass's other tensors.
    save([z, u, dS, dT, labels, pairs, totals]);
    const sum = tf.slice(totals, [PAIR_PLANES.kl], [1]);
    const count = tf.slice(totals, [PAIR_PLANES.count], [1]);
    return {
      value: tf.reshape(tf.mul(tf.div(sum, tf.maximum(count, 1)), w1), []) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [zs, us, dSs, dTs, ys, ps, ts] = saved;
        const dDist = run(KERNELS.stage1Grad, { dS: dSs, dT: dTs, labels: ys, pairs: ps, totals: ts, dy }, { ...attrs });
        const du = run(KERNELS.rowDistancesGrad, { u: us, dist: dSs, dy: dDist });
        return [run(KERNELS.unitRowsGrad, { z: zs, dy: du }), tf.zerosLike(dTs)];
      },
    };
  });
  return op(studentEmb, teacherDist) as tf.Scalar;
}

/**
 * The teacher's targets of REFILLED's stage 2, q [B, C] (no gradient), in two or three
 * kernels: the batch's class means as centres (`local`) or the given ones [C, D], made unit
 * for `dot` scores, then the masked softmax of the scores over the classes in scope.
 */
export function stage2TargetsFused(teacherEmb: tf.Tensor2D, labels: tf.Tensor1D, classes: number, globalCentres: tf.Tensor2D | null, attrs: Stage2TargetAttrs): tf.Tensor2D {
  return tf.tidy(() => {
    const raw = globalCentres ?? run<tf.Tensor2D>(KERNELS.classMeans, { emb: teacherEmb, labels }, { classes });
    const centres = attrs.dot ? run<tf.Tensor2D>(KERNELS.unitRows, { z: raw }) : raw;
    return run<tf.Tensor2D>(KERNELS.stage2Targets, { emb: teacherEmb, centres, labels }, { ...attrs });
  });
}

/**
 * The stage-2 KL term, mean over the batch of KL(q ‖ p) with p the masked softmax of the
 * student's logits z [B, C] over the classes in scope, in one kernel forward (plus the mean)
 * and one backward. q [B, C] gets a zero gradient.
 */
export function stage2KlFused(logits: tf.Tensor2D, q: tf.Tensor2D, labels: tf.Tensor1D, attrs: Stage2KlAttrs): tf.Scalar {
  // q is an input with a zero gradient: the teacher stays reachable, as in the unfused loss.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, target] = args as tf.Tensor2D[];
    const save = args[2] as tf.GradSaveFunc;
    save([z, target, labels]);
    return {
      value: tf.mean(run<tf.Tensor1D>(KERNELS.stage2Kl, { z, q: target, labels }, { ...attrs })) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [zs, qs, ys] = saved;
        const rows = tf.fill([zs.shape[0]], 1 / zs.shape[0]);
        return [run(KERNELS.stage2KlGrad, { z: zs, q: qs, labels: ys, dy: tf.mul(rows, dy) }, { ...attrs }), tf.zerosLike(qs)];
      },
    };
  });
  return op(logits, q) as tf.Scalar;
}
