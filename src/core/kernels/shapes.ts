/**
 * What the GPU kernels share (webgpu.ts, webgl.ts): input checks, by which a shape that does not fit
 * throws a readable error before any program runs (a shader indexes by the shapes it is given).
 */
import * as tf from '@tensorflow/tfjs';
import { KERNELS, type MovingAverageAttrs } from './spec';

/** b has a's shape. */
export function sameShape(kernel: string, a: tf.TensorInfo, b: tf.TensorInfo, what: string): void {
  if (!tf.util.arraysEqual(a.shape, b.shape)) throw new Error(`${kernel}: ${what} has shape [${b.shape.join(', ')}], expected [${a.shape.join(', ')}]`);
}

/**
 * The batch norm's inputs checked against each other: x [..., C] (at most `maxRank` axes),
 * moments [2, C], gamma and beta [C] (and dy like x, sums [2, C] where given).
 * Returns C and N = size / C.
 */
export function bnShapes(kernel: string, ins: Record<string, tf.TensorInfo>, maxRank = Infinity): { c: number; n: number } {
  const x = ins.x;
  const c = x.shape[x.shape.length - 1];
  if (x.shape.length < 1 || x.shape.length > maxRank || !(c > 0)) {
    throw new Error(`${kernel}: x needs ${Number.isFinite(maxRank) ? `1 to ${maxRank} axes` : 'a channel axis'}, the last the channels, got [${x.shape.join(', ')}]`);
  }
  const check = (name: string, shape: number[]) => {
    const t = ins[name];
    if (t && !tf.util.arraysEqual(t.shape, shape)) throw new Error(`${kernel}: ${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
  };
  check('moments', [2, c]);
  check('gamma', [c]);
  check('beta', [c]);
  check('sums', [2, c]);
  if (ins.dy) sameShape(kernel, x, ins.dy, 'dy');
  return { c, n: tf.util.sizeFromShape(x.shape) / c };
}

/**
 * The cross-entropy kernels' inputs checked against each other: logits [B, K] (B, K ≥ 1),
 * labels [B] and, where given, dy [B]. Returns K.
 */
export function crossEntropyShapes(kernel: string, ins: Record<string, tf.TensorInfo>): number {
  const [b, k] = ins.logits.shape;
  const dy = ins.dy ? `, dy [${ins.dy.shape.join(', ')}]` : '';
  if (ins.logits.shape.length !== 2 || !(b > 0) || !(k > 0) || !tf.util.arraysEqual(ins.labels.shape, [b]) || (ins.dy && !tf.util.arraysEqual(ins.dy.shape, [b]))) {
    throw new Error(`${kernel}: expected logits [B, K] (B, K ≥ 1), labels [B]${ins.dy ? ' and dy [B]' : ''}, got logits [${ins.logits.shape.join(', ')}], labels [${ins.labels.shape.join(', ')}]${dy}`);
  }
  return k;
}

/** The moving average's inputs: average [C], moments [R, C] (R ≥ 1), row in [0, R). Returns the attrs and C. */
export function movingAverageShapes(ins: Record<string, tf.TensorInfo>, attrs: MovingAverageAttrs): MovingAverageAttrs & { c: number } {
  const c = ins.average.shape[0];
  const [rows, width] = ins.moments.shape;
  if (ins.average.shape.length !== 1 || ins.moments.shape.length !== 2 || !(rows >= 1) || width !== c) {
    throw new Error(`${KERNELS.movingAverage}: expected average [C] and moments [R, C], got [${ins.average.shape.join(', ')}] and [${ins.moments.shape.join(', ')}]`);
  }
  if (!Number.isInteger(attrs.row) || attrs.row < 0 || attrs.row >= rows) throw new Error(`${KERNELS.movingAverage}: row must be an integer in [0, ${rows}), got ${attrs.row}`);
  return { ...attrs, c };
}

/** The SGD kernels' three [P] inputs have one shape (`first` is the one the others are checked against). */
export function sgdShapes(kernel: string, first: tf.TensorInfo, others: Record<string, tf.TensorInfo>): void {
  for (const [name, t] of Object.entries(others)) sameShape(kernel, first, t, name);
}

/** The pool gradient's inputs: x [B, H, W, C] with H and W even, dy and y [B, H/2, W/2, C]. Returns x's shape. */
export function maxPoolGradShapes(ins: Record<string, tf.TensorInfo>): number[] {
  const s = ins.x.shape;
  const pooled = [s[0], s[1] / 2, s[2] / 2, s[3]];
  if (s.length !== 4 || s[1] % 2 !== 0 || s[2] % 2 !== 0 || !tf.util.arraysEqual(ins.dy.shape, pooled) || !tf.util.arraysEqual(ins.y.shape, pooled)) {
    throw new Error(`${KERNELS.maxPoolGrad2x2}: expected x [B, H, W, C] (H, W even) and dy, y [B, H/2, W/2, C], got x [${s.join(', ')}], dy [${ins.dy.shape.join(', ')}], y [${ins.y.shape.join(', ')}]`);
  }
  return s;
}

/** The patch matrix's input x [B, H, W, C] (each ≥ 1). Returns the output's shape [9·C, B·H·W]. */
export function patchesShape(x: tf.TensorInfo): [number, number] {
  const [b, h, w, c] = x.shape;
  if (x.shape.length !== 4 || !(b > 0 && h > 0 && w > 0 && c > 0)) throw new Error(`${KERNELS.patches3x3}: expected x [B, H, W, C], got [${x.shape.join(', ')}]`);
  return [9 * c, b * h * w];
}

/**
 * Registers one GPU kernel: its named inputs are checked for presence and dtype (those in
 * `int32` are int32, the others float32), `build` makes the program and its per-call
 * uniform values, and `run` hands both to the backend (runWebGPUProgram, runWebGLProgram).
 */
export function registerGpuKernel<P, V>(
  backendName: 'webgpu' | 'webgl',
  kernelName: string,
  names: readonly string[],
  build: (ins: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap) => { program: P; values: V },
  run: (backend: unknown, program: P, inputs: Record<string, tf.TensorInfo>, values: V) => tf.TensorInfo,
  int32: readonly string[] = [],
): void {
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const ins: Record<string, tf.TensorInfo> = {};
      for (const name of names) {
        const t = inputs[name];
        const dtype = int32.includes(name) ? 'int32' : 'float32';
        if (!t) throw new Error(`${kernelName}: input ${name} is missing`);
        if (t.dtype !== dtype) throw new Error(`${kernelName}: input ${name} is ${t.dtype}, not ${dtype}`);
        ins[name] = t;
      }
      const { program, values } = build(ins, attrs ?? {});
      return run(backend, program, ins, values);
    },
  });
}

/**
 * Throws unless every input named in `expected` has its expected shape and the batch's sizes
 * are valid (`sized`); the message lists the layout and every input's shape.
 */
function fitsOneBatch(kernel: string, ins: Record<string, tf.TensorInfo>, expected: Record<string, number[]>, sized: boolean, layout: string): void {
  const wrong = Object.keys(ins).filter((name) => expected[name] && !tf.util.arraysEqual(ins[name].shape, expected[name]));
  if (sized && wrong.length === 0) return;
  const got = Object.entries(ins).map(([name, t]) => `${name} [${t.shape.join(', ')}]`).join(', ');
  throw new Error(`${kernel}: inputs do not fit one batch (${layout}), got ${got}`);
}

/**
 * The stage-1 kernels' inputs checked against each other (each where given): rows z, u [B, D]
 * (B, D ≥ 1), dy like z or [B, B] (the distances' gradient) or [] (the loss's), dist, dS,
 * dT [B, B], labels [B], pairs [5, B, B], totals [5]. Returns B and D (0 without rows).
 */
export function stage1Shapes(kernel: string, ins: Record<string, tf.TensorInfo>): { b: number; d: number } {
  const rows = ins.z ?? ins.u;
  const square = ins.dS ?? ins.dist;
  const b = rows ? rows.shape[0] : square ? square.shape[0] : 0;
  const d = rows ? rows.shape[1] : 0;
  const expected: Record<string, number[]> = { z: [b, d], u: [b, d], dist: [b, b], dS: [b, b], dT: [b, b], labels: [b], pairs: [5, b, b], totals: [5] };
  if (ins.dy) expected.dy = ins.dist ? [b, b] : rows ? [b, d] : [];
  const sized = b > 0 && !(rows && (rows.shape.length !== 2 || !(d > 0)));
  fitsOneBatch(kernel, ins, expected, sized, 'rows [B, D], distances [B, B], labels [B], pairs [5, B, B], totals [5]');
  return { b, d };
}

/**
 * The stage-2 kernels' inputs checked against each other (each where given): emb [B, D],
 * labels [B], centres [C, D], logits z and targets q [B, C], dy [B]. Returns B, C and D
 * (C 0 without centres or logits, D 0 without embeddings).
 */
export function stage2Shapes(kernel: string, ins: Record<string, tf.TensorInfo>): { b: number; c: number; d: number } {
  const b = (ins.emb ?? ins.z ?? ins.labels).shape[0];
  const d = ins.emb ? ins.emb.shape[1] : 0;
  const c = ins.centres ? ins.centres.shape[0] : ins.z ? ins.z.shape[1] : 0;
  const expected: Record<string, number[]> = { emb: [b, d], labels: [b], centres: [c, d], z: [b, c], q: [b, c], dy: [b] };
  const sized = b > 0 && !(ins.emb && !(d > 0)) && !(ins.z && !(c > 0));
  fitsOneBatch(kernel, ins, expected, sized, 'emb [B, D], labels [B], centres [C, D], z and q [B, C], dy [B]');
  return { b, c, d };
}
