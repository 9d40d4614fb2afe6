/**
 * The browser side of e2e/kernels.spec.ts, imported into e2e/kernels/index.html through the
 * dev server: starts one tfjs backend, runs the fused kernels' self-check on it at each shape
 * asked, and counts the GPU programs each kernel call ran.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { checkFusedKernels, checkPasses, type KernelCheck } from '../../src/core/kernels/selfCheck';
import * as ref from '../../src/core/kernels/spec';
import { KERNELS } from '../../src/core/kernels/spec';

export interface KernelResult extends KernelCheck {
  pass: boolean;
  /** GPU programs (runWebGPUProgram / runWebGLProgram calls, uploads aside) the kernel's one call ran. */
  programs: number;
}

export interface BackendCheck {
  backend: string;
  /** The adapter in words (WebGPU) or the renderer (WebGL). */
  device: string;
  shapes: { shape: number[]; ms: number; results: KernelResult[] }[];
  /**
   * The same kernels again with other per-step values (epsilon, row, momentum, learning
   * rate, weight decay, Nesterov off; other logits, labels and dy, some labels out of
   * range): the programs compiled meanwhile (must be none) and the results against the reference.
   */
  newValues: { compiled: number; results: KernelResult[] };
  /**
   * The SGD kernels over 4.3 million weights: more workgroups than WebGPU allows along one
   * axis (65,535 × 64 elements), so tfjs spreads the dispatch over two.
   */
  large: KernelResult[];
  /** tf.memory().numTensors after the checks minus before. */
  leaked: number;
}

/** Attribute sets of the optimiser kernels: the first compiles, the second must not. */
const OPTIMISER_ATTRS = [
  { average: { row: 0, momentum: 0.9 }, velocity: { momentum: 0.9, weightDecay: 5e-4 }, weights: { learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov: true } },
  { average: { row: 1, momentum: 0.99 }, velocity: { momentum: 0.5, weightDecay: 1e-3 }, weights: { learningRate: 0.2, momentum: 0.5, weightDecay: 1e-3, nesterov: false } },
];

/** movingAverage, sgdVelocity and sgdWeights with attribute set `set`, each against the reference. */
async function optimiserKernels(set: number, p = 300): Promise<KernelResult[]> {
  const a = OPTIMISER_ATTRS[set];
  const seq = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
  const c = 10;
  const average = seq(c, (i) => 0.1 * i);
  const moments = seq(2 * c, (i) => Math.sin(i));
  const v = seq(p, (i) => 0.1 * Math.cos(i));
  const g = seq(p, (i) => 0.1 * Math.sin(3 * i));
  const w = seq(p, (i) => Math.cos(7 * i));
  const cases: [string, tf.NamedTensorMap, tf.NamedAttrMap, Float32Array][] = [
    [KERNELS.movingAverage, { average: tf.tensor1d(average), moments: tf.tensor2d(moments, [2, c]) }, a.average, ref.movingAverage(average, moments, a.average)],
    [KERNELS.sgdVelocity, { velocity: tf.tensor1d(v), gradient: tf.tensor1d(g), weights: tf.tensor1d(w) }, a.velocity, ref.sgdVelocity(v, g, w, a.velocity)],
    [KERNELS.sgdWeights, { weights: tf.tensor1d(w), gradient: tf.tensor1d(g), velocity: tf.tensor1d(v) }, a.weights, ref.sgdWeights(w, g, v, a.weights)],
  ];
  const results: KernelResult[] = [];
  for (const [kernel, inputs, attrs, expected] of cases) {
    const out = tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor;
    const got = (await out.data()) as Float32Array;
    tf.dispose([out, ...Object.values(inputs)]);
    let err = 0;
    let max = 0;
    for (let i = 0; i < expected.length; i++) {
      err = Math.max(err, Math.abs(got[i] - expected[i]));
      max = Math.max(max, Math.abs(expected[i]));
    }
    const r: KernelCheck = { kernel: kernel as KernelCheck['kernel'], maxAbsError: got.length === expected.length ? err : Infinity, maxAbsValue: max, size: expected.length };
    results.push({ ...r, pass: checkPasses(r), programs: 1 });
  }
  return results;
}

/**
 * The cross-entropy kernels at logits [6, 7] (the self-check's shape at batch 3) with value
 * set `set`: set 1 has other logits, dy and labels, among them labels outside [0, 7) (-1, 7,
 * 100), whose rows have no class: loss and gradient 0.
 */
async function crossEntropyKernels(set: number): Promise<KernelResult[]> {
  const rows = 6;
  const k = 7;
  const logits = Float32Array.from({ length: rows * k }, (_, i) => 25 * Math.sin(1.7 * i + set));
  const labels = Int32Array.from(set === 0 ? [0, 6, 3, 2, 5, 1] : [6, -1, 2, 7, 0, 100]);
  const dy = Float32Array.from({ length: rows }, (_, i) => Math.cos(2.3 * i + set));
  const inRange = (r: number) => labels[r] >= 0 && labels[r] < k;
  // The reference loops need labels in range: they get 0 in place of the others, whose rows are then zeroed.
  const safe = labels.map((l, r) => (inRange(r) ? l : 0));
  const loss = ref.softmaxCrossEntropy(logits, safe).map((v, r) => (inRange(r) ? v : 0));
  const grad = ref.softmaxCrossEntropyGrad(logits, safe, dy).map((v, i) => (inRange(Math.floor(i / k)) ? v : 0));
  const inputs = () => ({ logits: tf.tensor2d(logits, [rows, k]), labels: tf.tensor1d(labels, 'int32') });
  const cases: [string, tf.NamedTensorMap, Float32Array][] = [
    [KERNELS.softmaxCrossEntropy, inputs(), loss],
    [KERNELS.softmaxCrossEntropyGrad, { ...inputs(), dy: tf.tensor1d(dy) }, grad],
  ];
  const results: KernelResult[] = [];
  for (const [kernel, ins, expected] of cases) {
    const out = tf.engine().runKernel(kernel, ins, {}) as tf.Tensor;
    const got = (await out.data()) as Float32Array;
    tf.dispose([out, ...Object.values(ins)]);
    const r: KernelCheck = { kernel: kernel as KernelCheck['kernel'], maxAbsError: got.length === expected.length ? maxAbsDiff(got, expected) : Infinity, maxAbsValue: maxAbsDiff(expected), size: expected.length };
    results.push({ ...r, pass: checkPasses(r), programs: 1 });
  }
  return results;
}

/** max |a − b|, or max |a| without b. */
function maxAbsDiff(a: Float32Array, b?: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(b ? a[i] - b[i] : a[i]));
  return m;
}

type ProgramRunner = Record<string, (...args: unknown[]) => unknown>;

/** Starts `backend` and checks every fused kernel at each shape against spec.ts's reference loops. */
export async function checkBackend(backend: 'webgpu' | 'webgl', shapes: [number, number, number, number][]): Promise<BackendCheck> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const b = tf.backend() as unknown as ProgramRunner & {
    pipelineCache?: Record<string, unknown>;
    binaryCache?: Record<string, unknown>; adapterInfo?: { vendor?: string; architecture?: string }; gpgpu?: { gl: WebGL2RenderingContext } };
  const device = backend === 'webgpu' ? `${b.adapterInfo?.vendor ?? ''} ${b.adapterInfo?.architecture ?? ''}`.trim() : String(b.gpgpu?.gl.getParameter(b.gpgpu.gl.RENDERER) ?? '');

  // Count the programs run inside each kernel call: the backend's program runner and the
  // engine's runKernel (which the self-check calls once per kernel) are wrapped for the check.
  // Programs run to upload an input from the CPU (WebGL encodes uploads with a program) are
  // not the kernel's: in training its inputs already live on the GPU.
  const method = backend === 'webgpu' ? 'runWebGPUProgram' : 'runWebGLProgram';
  const run = b[method].bind(b);
  const upload = b.uploadToGPU.bind(b);
  let programs = 0;
  let uploading = 0;
  b[method] = (...args: unknown[]) => {
    if (uploading === 0) programs++;
    return run(...args);
  };
  b.uploadToGPU = (...args: unknown[]) => {
    uploading++;
    try {
      return upload(...args);
    } finally {
      uploading--;
    }
  };
  const engine = tf.engine();
  const runKernel = engine.runKernel.bind(engine);
  const perKernel = new Map<string, number>();
  engine.runKernel = ((name: string, inputs: tf.NamedTensorMap, attrs?: tf.NamedAttrMap) => {
    const before = programs;
    const out = runKernel(name, inputs, attrs);
    perKernel.set(name, programs - before);
    return out;
  }) as typeof engine.runKernel;

  const before = tf.memory().numTensors;
  const out: BackendCheck['shapes'] = [];
  try {
    for (const shape of shapes) {
      perKernel.clear();
      const start = performance.now();
      const results = await checkFusedKernels(shape);
      out.push({ shape, ms: performance.now() - start, results: results.map((r) => ({ ...r, pass: checkPasses(r), programs: perKernel.get(r.kernel) ?? 0 })) });
    }
    await optimiserKernels(0);
    await crossEntropyKernels(0);
  } finally {
    engine.runKernel = runKernel;
    b[method] = run;
    b.uploadToGPU = upload;
  }

  // Per-step values are uniforms: new ones run the programs compiled above.
  const compiledPrograms = () => Object.keys(b.pipelineCache ?? b.binaryCache ?? {}).length;
  const compiled = compiledPrograms();
  const again = await checkFusedKernels(shapes[0], 1e-5);
  const optimiser = await optimiserKernels(1);
  const crossEntropy = await crossEntropyKernels(1);
  const newValues = {
    compiled: compiledPrograms() - compiled,
    results: [...again.filter((r) => r.kernel.startsWith('RefilledBnRelu')).map((r) => ({ ...r, pass: checkPasses(r), programs: 1 })), ...optimiser, ...crossEntropy],
  };
  const large = (await optimiserKernels(0, 4_300_000)).filter((r) => r.kernel !== KERNELS.movingAverage);
  return { backend: tf.getBackend(), device, shapes: out, newValues, large, leaked: tf.memory().numTensors - before };
}
