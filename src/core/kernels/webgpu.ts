/**
 * The fused kernels (spec.ts) as WGSL programs for tfjs's `webgpu` backend: each call is one
 * `runWebGPUProgram`, so one dispatch.
 *
 * - Values that change from step to step (epsilon, momentum, learning rate, the moments'
 *   row) travel as uniforms, never in the shader text or its key: a new value never
 *   compiles a new pipeline. Shapes travel as uniforms too (tfjs's own shape uniforms, and
 *   `channels`/`n` below), so one pipeline serves every batch size.
 * - The per-channel reductions (bnMoments, bnReluGradSums) run one workgroup per channel:
 *   each invocation sums a strided share of the channel's N elements, then a shared-memory
 *   tree adds the 256 partial sums. bnMoments makes its two passes (mean, then the mean of
 *   (x − μ)²) inside the same workgroup, with the mean kept in shared memory.
 * - Every read is in bounds by construction (the shapes are checked before dispatch and the
 *   indices derive from them): tests run Dawn with robustness off, where an out-of-bounds
 *   read returns garbage instead of zero.
 * - The cross-entropy kernels read the labels as i32 and index the logits with a label only
 *   once it is known to lie in [0, K). A row whose label lies outside has no class (its
 *   target is the zero vector, as tf.oneHot gives it): its loss and its gradient are 0.
 *
 * Only types come from @tensorflow/tfjs-backend-webgpu: this module is part of the Node and
 * wasm bundles, which must not load the WebGPU backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { bnShapes, crossEntropyShapes, maxPoolGradShapes, movingAverageShapes, patchesShape, registerGpuKernel, sgdShapes } from './shapes';
import { KERNELS, type BnAttrs, type MovingAverageAttrs, type SgdVelocityAttrs, type SgdWeightsAttrs } from './spec';

/** One program-defined uniform, as runWebGPUProgram takes it (appended after tfjs's own, in `uniforms` order). */
type Uniform = { type: 'float32' | 'int32'; data: number[] };

/** Invocations per workgroup of the elementwise programs. */
const ELEMENTWISE_WORKGROUP = 64;
/** Invocations per workgroup of the reductions (one workgroup per channel); a power of two, at most 256 (WebGPU's default limit). */
const REDUCE_WORKGROUP = 256;

/** A program over every element of the output, one invocation each (`index` < uniforms.size). */
export class ElementwiseProgram implements WebGPUProgram {
  readonly workgroupSize: [number, number, number] = [ELEMENTWISE_WORKGROUP, 1, 1];
  readonly size = true;
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey: string;

  /**
   * @param body WGSL statements run for one in-range `index` (i32), ending in setOutputAtIndex(index, …).
   * @param helpers WGSL functions the body calls (module scope: they see the inputs and uniforms).
   */
  constructor(
    key: string,
    readonly variableNames: string[],
    readonly outputShape: number[],
    readonly uniforms: string,
    private readonly body: string,
    private readonly helpers = '',
  ) {
    this.shaderKey = key;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    // More than 65,535 workgroups are reshaped into 2-D or 3-D by tfjs (getGlobalIndex then spans them).
    this.dispatch = [Math.ceil(tf.util.sizeFromShape(outputShape) / ELEMENTWISE_WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    return `${this.helpers}
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${this.body}
        }
      }`;
  }
}

/**
 * A per-channel reduction to [2, C]: workgroup k sums channel k's N elements (indices
 * i·C + k) in a strided loop per invocation, then in a shared-memory tree.
 */
class ChannelReduceProgram implements WebGPUProgram {
  readonly workgroupSize: [number, number, number] = [REDUCE_WORKGROUP, 1, 1];
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey: string;

  constructor(
    key: string,
    readonly variableNames: string[],
    channels: number,
    readonly uniforms: string,
    private readonly userCode: string,
  ) {
    this.shaderKey = key;
    this.outputShape = [2, channels];
    this.dispatchLayout = { x: [0, 1] };
    this.dispatch = [channels, 1, 1];
  }

  getUserCode(): string {
    return this.userCode;
  }
}

/** WGSL: adds `part`'s REDUCE_WORKGROUP entries into part[0] (call from uniform control flow, every invocation). */
function treeSum(parts: string[]): string {
  const adds = parts.map((p) => `${p}[t] = ${p}[t] + ${p}[t + stride];`).join('\n            ');
  return `
        workgroupBarrier();
        for (var stride = ${REDUCE_WORKGROUP / 2}; stride > 0; stride = stride >> 1) {
          if (t < stride) {
            ${adds}
          }
          workgroupBarrier();
        }`;
}

const BN_MOMENTS_WGSL = `
  var<workgroup> partSum : array<f32, ${REDUCE_WORKGROUP}>;

  fn main(index : i32) {
    let k = i32(workgroupId.x);
    let t = i32(localIndex);
    let c = uniforms.channels;
    let n = uniforms.n;
    var s = 0.0;
    if (k < c) {
      for (var i = t; i < n; i = i + ${REDUCE_WORKGROUP}) {
        s = s + x[i * c + k];
      }
    }
    partSum[t] = s;
    ${treeSum(['partSum'])}
    let mean = partSum[0] / f32(n);
    // Everyone has read the mean before partSum is reused.
    workgroupBarrier();
    var q = 0.0;
    if (k < c) {
      for (var i = t; i < n; i = i + ${REDUCE_WORKGROUP}) {
        let d = x[i * c + k] - mean;
        q = q + d * d;
      }
    }
    partSum[t] = q;
    ${treeSum(['partSum'])}
    if (t == 0 && k < c) {
      result[k] = mean;
      result[c + k] = partSum[0] / f32(n);
    }
  }`;

const BN_GRAD_SUMS_WGSL = `
  var<workgroup> partBeta : array<f32, ${REDUCE_WORKGROUP}>;
  var<workgroup> partGamma : array<f32, ${REDUCE_WORKGROUP}>;

  fn main(index : i32) {
    let k = i32(workgroupId.x);
    let t = i32(localIndex);
    let c = uniforms.channels;
    let n = uniforms.n;
    var sb = 0.0;
    var sg = 0.0;
    if (k < c) {
      let mean = moments[k];
      let inv = 1.0 / sqrt(moments[c + k] + uniforms.epsilon);
      let g = gamma[k];
      let b = beta[k];
      for (var i = t; i < n; i = i + ${REDUCE_WORKGROUP}) {
        let j = i * c + k;
        let xhat = (x[j] - mean) * inv;
        if (g * xhat + b > 0.0) {
          sb = sb + dy[j];
          sg = sg + dy[j] * xhat;
        }
      }
    }
    partBeta[t] = sb;
    partGamma[t] = sg;
    ${treeSum(['partBeta', 'partGamma'])}
    if (t == 0 && k < c) {
      result[k] = partBeta[0];
      result[c + k] = partGamma[0];
    }
  }`;

/** WGSL: channel k, mean, 1/sqrt(σ² + ε) and x̂ of element `index` (needs uniforms channels, epsilon). */
const BN_PRELUDE = `
          let c = uniforms.channels;
          let k = index % c;
          let inv = 1.0 / sqrt(moments[c + k] + uniforms.epsilon);
          let xhat = (x[index] - moments[k]) * inv;`;

const BN_UNIFORMS = 'channels : i32, epsilon : f32,';

/** The slice of tfjs-backend-webgpu's backend the kernels use. */
type Backend = Pick<WebGPUBackend, 'runWebGPUProgram'>;



/** WGSL: the row max `m` and Σ_j exp(z_j − m) `s` of logits row `r` (K = uniforms.logitsShape.y, at least 1). */
const ROW_SOFTMAX = `
            let k = uniforms.logitsShape.y;
            let row = r * k;
            var m = logits[row];
            for (var j = 1; j < k; j = j + 1) {
              m = max(m, logits[row + j]);
            }
            var s = 0.0;
            for (var j = 0; j < k; j = j + 1) {
              s = s + exp(logits[row + j] - m);
            }`;

/** Registers one WebGPU kernel (see registerGpuKernel): `build` returns the program and its uniforms. */
export function kernel(
  kernelName: string,
  names: string[],
  build: (ins: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap) => { program: WebGPUProgram; uniforms: Uniform[] },
  int32: readonly string[] = [],
): void {
  registerGpuKernel(
    'webgpu',
    kernelName,
    names,
    (ins, attrs) => {
      const { program, uniforms } = build(ins, attrs);
      return { program, values: uniforms };
    },
    (backend, program, ins, uniforms) => (backend as Backend).runWebGPUProgram(program, program.variableNames.map((v) => ins[v]), 'float32', uniforms),
    int32,
  );
}

export const f32 = (v: number): Uniform => ({ type: 'float32', data: [v] });
const i32 = (v: number): Uniform => ({ type: 'int32', data: [v] });
const epsilonOf = (attrs: tf.NamedAttrMap) => (attrs as unknown as BnAttrs).epsilon;

/** Registers the fused training kernels of spec.ts for tfjs's `webgpu` backend (the backend itself need not be loaded). */
export function registerWebGpuKernels(): void {
  kernel(KERNELS.bnMoments, ['x'], (ins) => {
    const { c, n } = bnShapes(KERNELS.bnMoments, ins);
    return {
      program: new ChannelReduceProgram('refilledBnMoments', ['x'], c, 'channels : i32, n : i32,', BN_MOMENTS_WGSL),
      uniforms: [i32(c), i32(n)],
    };
  });

  kernel(KERNELS.bnReluForward, ['x', 'moments', 'gamma', 'beta'], (ins, attrs) => {
    const { c } = bnShapes(KERNELS.bnReluForward, ins);
    const body = `${BN_PRELUDE}
          setOutputAtIndex(index, max(gamma[k] * xhat + beta[k], 0.0));`;
    return {
      program: new ElementwiseProgram('refilledBnReluForward', ['x', 'moments', 'gamma', 'beta'], ins.x.shape, BN_UNIFORMS, body),
      uniforms: [i32(c), f32(epsilonOf(attrs))],
    };
  });

  kernel(KERNELS.bnReluGradSums, ['dy', 'x', 'moments', 'gamma', 'beta'], (ins, attrs) => {
    const { c, n } = bnShapes(KERNELS.bnReluGradSums, ins);
    return {
      program: new ChannelReduceProgram('refilledBnReluGradSums', ['dy', 'x', 'moments', 'gamma', 'beta'], c, 'channels : i32, n : i32, epsilon : f32,', BN_GRAD_SUMS_WGSL),
      uniforms: [i32(c), i32(n), f32(epsilonOf(attrs))],
    };
  });

  kernel(KERNELS.bnReluGradInput, ['dy', 'x', 'moments', 'gamma', 'beta', 'sums'], (ins, attrs) => {
    const { c, n } = bnShapes(KERNELS.bnReluGradInput, ins);
    const body = `${BN_PRELUDE}
          let g = gamma[k];
          var dz = 0.0;
          if (g * xhat + beta[k] > 0.0) {
            dz = dy[index];
          }
          let nf = f32(uniforms.n);
          setOutputAtIndex(index, g * inv * (dz - sums[k] / nf - xhat * (sums[c + k] / nf)));`;
    return {
      program: new ElementwiseProgram('refilledBnReluGradInput', ['dy', 'x', 'moments', 'gamma', 'beta', 'sums'], ins.x.shape, 'channels : i32, epsilon : f32, n : i32,', body),
      uniforms: [i32(c), f32(epsilonOf(attrs)), i32(n)],
    };
  });

  kernel(KERNELS.movingAverage, ['average', 'moments'], (ins, attrs) => {
    const { row, momentum } = movingAverageShapes(ins, attrs as unknown as MovingAverageAttrs);
    const body = `
          let m = uniforms.momentum;
          setOutputAtIndex(index, m * average[index] + (1.0 - m) * moments[uniforms.row * uniforms.size + index]);`;
    return {
      program: new ElementwiseProgram('refilledMovingAverage', ['average', 'moments'], ins.average.shape, 'row : i32, momentum : f32,', body),
      uniforms: [i32(row), f32(momentum)],
    };
  });

  kernel(KERNELS.sgdVelocity, ['velocity', 'gradient', 'weights'], (ins, attrs) => {
    const { momentum, weightDecay } = attrs as unknown as SgdVelocityAttrs;
    sgdShapes(KERNELS.sgdVelocity, ins.velocity, { gradient: ins.gradient, weights: ins.weights });
    const body = `
          setOutputAtIndex(index, uniforms.momentum * velocity[index] + (gradient[index] + uniforms.weightDecay * weights[index]));`;
    return {
      program: new ElementwiseProgram('refilledSgdVelocity', ['velocity', 'gradient', 'weights'], ins.velocity.shape, 'momentum : f32, weightDecay : f32,', body),
      uniforms: [f32(momentum), f32(weightDecay)],
    };
  });

  kernel(KERNELS.sgdWeights, ['weights', 'gradient', 'velocity'], (ins, attrs) => {
    const { learningRate, momentum, weightDecay, nesterov } = attrs as unknown as SgdWeightsAttrs;
    sgdShapes(KERNELS.sgdWeights, ins.weights, { gradient: ins.gradient, velocity: ins.velocity });
    const body = `
          let w = weights[index];
          var step = velocity[index];
          if (uniforms.nesterov != 0) {
            step = gradient[index] + uniforms.weightDecay * w + uniforms.momentum * step;
          }
          setOutputAtIndex(index, w - uniforms.learningRate * step);`;
    return {
      program: new ElementwiseProgram('refilledSgdWeights', ['weights', 'gradient', 'velocity'], ins.weights.shape, 'learningRate : f32, momentum : f32, weightDecay : f32, nesterov : i32,', body),
      uniforms: [f32(learningRate), f32(momentum), f32(weightDecay), i32(nesterov ? 1 : 0)],
    };
  });

  kernel(KERNELS.maxPoolGrad2x2, ['dy', 'x', 'y'], (ins) => {
    const s = maxPoolGradShapes(ins);
    // uniforms.xShape is tfjs's own shape uniform (vec4<i32>: B, H, W, C).
    const body = `
          let s = uniforms.xShape;
          let ch = index % s.w;
          var r = index / s.w;
          let col = r % s.z;
          r = r / s.z;
          let row = r % s.y;
          let b = r / s.y;
          let o = ((b * (s.y / 2) + row / 2) * (s.z / 2) + col / 2) * s.w + ch;
          var v = 0.0;
          if (x[index] == y[o]) {
            v = dy[o];
          }
          setOutputAtIndex(index, v);`;
    return { program: new ElementwiseProgram('refilledMaxPoolGrad2x2', ['dy', 'x', 'y'], s, '', body), uniforms: [] };
  });

  kernel(KERNELS.patches3x3, ['x'], (ins) => {
    const shape = patchesShape(ins.x);
    // uniforms.xShape is tfjs's own shape uniform (vec4<i32>: B, H, W, C); column = (b·H + h)·W + w.
    const body = `
          let s = uniforms.xShape;
          let n = s.x * s.y * s.z;
          let r = index / n;
          let column = index % n;
          let k = r % s.w;
          let tap = r / s.w;
          let col = column % s.z;
          let rest = column / s.z;
          let sy = rest % s.y + tap / 3 - 1;
          let sx = col + tap % 3 - 1;
          var v = 0.0;
          if (sy >= 0 && sy < s.y && sx >= 0 && sx < s.z) {
            v = x[(((rest / s.y) * s.y + sy) * s.z + sx) * s.w + k];
          }
          setOutputAtIndex(index, v);`;
    return { program: new ElementwiseProgram('refilledPatches3x3', ['x'], shape, '', body), uniforms: [] };
  });

  // One invocation per row: K is small (the number of classes).
  kernel(
    KERNELS.softmaxCrossEntropy,
    ['logits', 'labels'],
    (ins) => {
      crossEntropyShapes(KERNELS.softmaxCrossEntropy, ins);
      const body = `
          let r = index;
          let labelIndex = labels[r];
          var loss = 0.0;
          if (labelIndex >= 0 && labelIndex < uniforms.logitsShape.y) {
            ${ROW_SOFTMAX}
            loss = log(s) + (m - logits[row + labelIndex]);
          }
          setOutputAtIndex(index, loss);`;
      return { program: new ElementwiseProgram('refilledSoftmaxCrossEntropy', ['logits', 'labels'], [ins.logits.shape[0]], '', body), uniforms: [] };
    },
    ['labels'],
  );

  // One invocation per element of [B, K], each recomputing its row's max and sum (K² work per row, K small).
  kernel(
    KERNELS.softmaxCrossEntropyGrad,
    ['logits', 'labels', 'dy'],
    (ins) => {
      crossEntropyShapes(KERNELS.softmaxCrossEntropyGrad, ins);
      const body = `
          let r = index / uniforms.logitsShape.y;
          let labelIndex = labels[r];
          var grad = 0.0;
          if (labelIndex >= 0 && labelIndex < uniforms.logitsShape.y) {
            ${ROW_SOFTMAX}
            var p = exp(logits[index] - m) / s;
            if (index - row == labelIndex) {
              p = p - 1.0;
            }
            grad = dy[r] * p;
          }
          setOutputAtIndex(index, grad);`;
      return { program: new ElementwiseProgram('refilledSoftmaxCrossEntropyGrad', ['logits', 'labels', 'dy'], ins.logits.shape, '', body), uniforms: [] };
    },
    ['labels'],
  );
}
