/**
 * Runs every fused kernel on the active backend with seeded random inputs and compares it
 * with the reference loops of spec.ts: the test of a backend's implementation, in Node
 * (cpu, wasm, Dawn's WebGPU) and in the browser (WebGPU, WebGL) alike.
 */
import * as tf from '@tensorflow/tfjs';
import { registerFusedKernels } from './index';
import * as ref from './spec';
import { KERNELS, TYPED_ONLY_KERNELS, type FusedKernelName } from './spec';
import { stage1Cases, stage2Cases } from './selfCheckLosses';

export interface KernelCheck {
  kernel: FusedKernelName;
  /** Which of a kernel's variants ran (the stage-1 kernels' mining rule and form), where it has several. */
  variant?: string;
  /** max |fused − reference| over the output. */
  maxAbsError: number;
  /** max |reference|, to judge the error against. */
  maxAbsValue: number;
  /** Elements compared. */
  size: number;
  /** The kernel is not registered for this backend. */
  missing?: boolean;
}

/** One kernel call of the check: its inputs (made when it runs), attributes and the reference's output. */
export interface KernelCase {
  kernel: FusedKernelName;
  variant?: string;
  inputs: () => tf.NamedTensorMap;
  attrs: tf.NamedAttrMap;
  /** The output's values (a kernel with several outputs: theirs one after another). */
  expected: Float32Array;
}

/** A small deterministic generator (mulberry32) for the inputs: the same on every backend. */
function uniforms(seed: number, n: number, lo: number, hi: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

function maxAbs(a: Float32Array, b?: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(b ? a[i] - b[i] : a[i]));
  return m;
}

/** Where a kernel is expected: everywhere, except the typed-only ones (cpu and wasm). */
function expectedOn(kernel: FusedKernelName, backendName: string): boolean {
  return !TYPED_ONLY_KERNELS.has(kernel) || backendName === 'cpu' || backendName === 'wasm';
}

/** Several outputs' values one after another. */
function joined(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Checks every kernel at a shape like the student's (batch × 14 × 14 × channels by
 * default; odd channel counts and a batch of 3 catch indexing errors), returning one entry
 * per kernel expected on the active backend (TYPED_ONLY_KERNELS only on cpu and wasm).
 * Leaves no tensor behind.
 */
export async function checkFusedKernels(shape: [number, number, number, number] = [3, 14, 14, 12], epsilon = 1e-3): Promise<KernelCheck[]> {
  registerFusedKernels();
  const [b, h, w, c] = shape;
  const size = b * h * w * c;
  // The batch norm's input has a channel-dependent offset and scale, like a convolution's output.
  const x = uniforms(1, size, -1, 1).map((v, i) => 0.5 * ((i % c) - c / 2) + (1 + (i % c) / 4) * v);
  const dy = uniforms(2, size, -1, 1);
  const gamma = uniforms(3, c, 0.5, 1.5);
  const beta = uniforms(4, c, -0.5, 0.5);
  const t = (values: Float32Array, s: number[]) => tf.tensor(values, s, 'float32');
  const moments = ref.bnMoments(x, c);
  const sums = ref.bnReluGradSums(dy, x, moments, gamma, beta, epsilon);
  const p = 1000 + c;
  const vel = uniforms(5, p, -0.1, 0.1);
  const grad = uniforms(6, p, -0.1, 0.1);
  const weights = uniforms(7, p, -1, 1);
  const average = uniforms(8, c, 0, 1);
  // Pool input with ties: values on a coarse grid repeat within windows.
  const poolX = uniforms(9, size, 0, 4).map((v) => Math.floor(v));
  const poolShape: [number, number, number, number] = [b, h, w, c];
  const poolY = new Float32Array(size / 4);
  for (let bi = 0; bi < b; bi++)
    for (let i = 0; i < h / 2; i++)
      for (let j = 0; j < w / 2; j++)
        for (let k = 0; k < c; k++) {
          let m = -Infinity;
          for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) m = Math.max(m, poolX[((bi * h + 2 * i + di) * w + 2 * j + dj) * c + k]);
          poolY[((bi * (h / 2) + i) * (w / 2) + j) * c + k] = m;
        }
  const poolDy = uniforms(10, size / 4, -1, 1);
  const sgdV = { momentum: 0.9, weightDecay: 5e-4 };
  const sgdW = { learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov: true };
  const newVel = ref.sgdVelocity(vel, grad, weights, sgdV);
  // The group update over three variables of sizes c, 3·c and the rest of the flat vector.
  const split = (a: Float32Array) => [a.subarray(0, c), a.subarray(c, 4 * c), a.subarray(4 * c)];
  const groupShapes = [[c], [3, c], [p - 4 * c]];
  const group = (a: Float32Array, prefix: string) => Object.fromEntries(split(a).map((part, i) => [`${prefix}${i}`, t(part, groupShapes[i])]));

  // Logits of a batch of 2·b rows over 7 classes, with large values (the row maximum matters).
  const rows = 2 * b;
  const classes = 7;
  const logits = uniforms(11, rows * classes, -30, 30);
  const labels = Int32Array.from(uniforms(12, rows, 0, classes), Math.floor);
  const ceDy = uniforms(13, rows, -1, 1);

  const cases: KernelCase[] = [
    { kernel: KERNELS.bnMoments, inputs: () => ({ x: t(x, shape) }), attrs: {}, expected: moments },
    { kernel: KERNELS.bnReluForward, inputs: () => ({ x: t(x, shape), moments: t(moments, [2, c]), gamma: t(gamma, [c]), beta: t(beta, [c]) }), attrs: { epsilon }, expected: ref.bnReluForward(x, moments, gamma, beta, epsilon) },
    { kernel: KERNELS.bnReluGradSums, inputs: () => ({ dy: t(dy, shape), x: t(x, shape), moments: t(moments, [2, c]), gamma: t(gamma, [c]), beta: t(beta, [c]) }), attrs: { epsilon }, expected: sums },
    {
      kernel: KERNELS.bnReluGradInput,
      inputs: () => ({ dy: t(dy, shape), x: t(x, shape), moments: t(moments, [2, c]), gamma: t(gamma, [c]), beta: t(beta, [c]), sums: t(sums, [2, c]) }),
      attrs: { epsilon },
      expected: ref.bnReluGradInput(dy, x, moments, gamma, beta, sums, epsilon),
    },
    { kernel: KERNELS.movingAverage, inputs: () => ({ average: t(average, [c]), moments: t(moments, [2, c]) }), attrs: { row: 1, momentum: 0.9 }, expected: ref.movingAverage(average, moments, { row: 1, momentum: 0.9 }) },
    { kernel: KERNELS.sgdVelocity, inputs: () => ({ velocity: t(vel, [p]), gradient: t(grad, [p]), weights: t(weights, [p]) }), attrs: { ...sgdV }, expected: newVel },
    { kernel: KERNELS.sgdWeights, inputs: () => ({ weights: t(weights, [p]), gradient: t(grad, [p]), velocity: t(newVel, [p]) }), attrs: { ...sgdW }, expected: ref.sgdWeights(weights, grad, newVel, sgdW) },
    {
      kernel: KERNELS.sgdUpdate,
      inputs: () => ({ velocity: t(vel, [p]), ...group(weights, 'w'), ...group(grad, 'g') }),
      attrs: { ...sgdW },
      // The flat update's velocity and weights: the group's outputs one after another.
      expected: joined([newVel, ref.sgdWeights(weights, grad, newVel, sgdW)]),
    },
    { kernel: KERNELS.patches3x3, inputs: () => ({ x: t(x, shape) }), attrs: {}, expected: ref.patches3x3(x, shape) },
    { kernel: KERNELS.softmaxCrossEntropy, inputs: () => ({ logits: t(logits, [rows, classes]), labels: tf.tensor1d(labels, 'int32') }), attrs: {}, expected: ref.softmaxCrossEntropy(logits, labels) },
    {
      kernel: KERNELS.softmaxCrossEntropyGrad,
      inputs: () => ({ logits: t(logits, [rows, classes]), labels: tf.tensor1d(labels, 'int32'), dy: t(ceDy, [rows]) }),
      attrs: {},
      expected: ref.softmaxCrossEntropyGrad(logits, labels, ceDy),
    },
    { kernel: KERNELS.maxPoolGrad2x2, inputs: () => ({ dy: t(poolDy, [b, h / 2, w / 2, c]), x: t(poolX, poolShape), y: t(poolY, [b, h / 2, w / 2, c]) }), attrs: {}, expected: ref.maxPoolGrad2x2(poolDy, poolX, poolY, poolShape) },
    // The losses' kernels on a batch of 2·b + 7 embeddings of width c + 5.
    ...stage1Cases(2 * b + 7, c + 5, uniforms),
    ...stage2Cases(2 * b + 7, c + 5, uniforms),
  ];

  const results: KernelCheck[] = [];
  for (const k of cases.filter((k) => expectedOn(k.kernel, tf.getBackend()))) {
    const variant = k.variant ? { variant: k.variant } : {};
    if (tf.getKernel(k.kernel, tf.getBackend()) === undefined) {
      results.push({ kernel: k.kernel, ...variant, maxAbsError: NaN, maxAbsValue: maxAbs(k.expected), size: k.expected.length, missing: true });
      continue;
    }
    const inputs = k.inputs();
    const out = tf.engine().runKernel(k.kernel, inputs, k.attrs) as tf.Tensor | tf.Tensor[];
    const outs = Array.isArray(out) ? out : [out];
    const got = joined(await Promise.all(outs.map(async (o) => (await o.data()) as Float32Array)));
    tf.dispose([...outs, ...Object.values(inputs)]);
    results.push({ kernel: k.kernel, ...variant, maxAbsError: got.length === k.expected.length ? maxAbs(got, k.expected) : Infinity, maxAbsValue: maxAbs(k.expected), size: k.expected.length });
  }
  return results;
}

/** A check passes when its error is within `relative` (1e-4) of the output's largest magnitude (and 1e-6 absolute). */
export function checkPasses(r: KernelCheck, relative = 1e-4): boolean {
  return !r.missing && r.maxAbsError <= Math.max(1e-6, relative * r.maxAbsValue);
}
