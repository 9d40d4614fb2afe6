/**
 * The fused kernels on the backends whose tensors live in CPU memory: tfjs's pure-JS `cpu`
 * backend (a typed array per tensor) and `wasm` (views into the WebAssembly heap). Both run
 * the reference loops of spec.ts.
 */
import * as tf from '@tensorflow/tfjs';
import * as ref from './spec';
import * as ref1 from './stage1Spec';
import type { Stage1Attrs, Stage1GradAttrs } from './stage1Spec';
import * as ref2 from './stage2Spec';
import type { Stage2KlAttrs, Stage2TargetAttrs } from './stage2Spec';
import { patchesShape } from './shapes';
import { KERNELS, type BnAttrs, type MovingAverageAttrs, type SgdVelocityAttrs, type SgdWeightsAttrs } from './spec';

/** How a backend hands out a tensor's values (float32; the labels' int32 read the same way), and new outputs. */
interface TypedAccess {
  /** The tensor's values, in place (an output's too, to fill it). */
  read(backend: unknown, t: tf.TensorInfo): Float32Array;
  /** A new float32 tensor to fill (read its values only once every output is allocated: see WASM). */
  allocate(backend: unknown, shape: number[]): tf.TensorInfo;
}

/** The slice of tfjs-backend-cpu's class the kernels use. */
interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: tf.backend_util.BackendValues } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** The slice of tfjs-backend-wasm's class the kernels use. */
interface WasmBackend {
  typedArrayFromHeap(t: tf.TensorInfo): tf.backend_util.TypedArray;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

// An int32 input (the labels) comes back as an Int32Array: the kernels only index with it.
const CPU: TypedAccess = {
  read: (backend, t) => (backend as CpuBackend).data.get(t.dataId).values as Float32Array,
  allocate: (backend, shape) => (backend as CpuBackend).makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1))),
};

// The kernels write straight into the heap. Views are taken after every output is allocated:
// growing the heap detaches earlier views.
const WASM: TypedAccess = {
  read: (backend, t) => (backend as WasmBackend).typedArrayFromHeap(t) as Float32Array,
  allocate: (backend, shape) => (backend as WasmBackend).makeOutput(shape, 'float32'),
};

type Compute = (read: (name: string) => Float32Array, attrs: tf.NamedAttrMap, out: Float32Array, inputs: tf.NamedTensorInfoMap) => void;

/** Registers the fused kernels for one typed-array backend. */
function register(backendName: 'cpu' | 'wasm', access: TypedAccess): void {
  const kernel = (kernelName: string, outputShape: (inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => number[], compute: Compute) =>
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const out = access.allocate(backend, outputShape(inputs, attrs ?? {}));
        const read = (name: string) => {
          const t = inputs[name];
          if (!t) throw new Error(`${kernelName}: input ${name} is missing`);
          return access.read(backend, t);
        };
        compute(read, attrs ?? {}, access.read(backend, out), inputs);
        return out;
      },
    });
  const shapeOf = (name: string) => (inputs: tf.NamedTensorInfoMap) => [...(inputs[name]?.shape ?? [])];
  const perChannel = (inputs: tf.NamedTensorInfoMap) => {
    const s = inputs.x?.shape ?? [];
    return [2, s[s.length - 1]];
  };
  const eps = (attrs: tf.NamedAttrMap) => (attrs as unknown as BnAttrs).epsilon;

  kernel(KERNELS.bnMoments, perChannel, (read, _, out) => ref.bnMoments(read('x'), out.length / 2, out));
  kernel(KERNELS.bnReluForward, shapeOf('x'), (read, attrs, out) => ref.bnReluForward(read('x'), read('moments'), read('gamma'), read('beta'), eps(attrs), out));
  kernel(KERNELS.bnReluGradSums, perChannel, (read, attrs, out) => ref.bnReluGradSums(read('dy'), read('x'), read('moments'), read('gamma'), read('beta'), eps(attrs), out));
  kernel(KERNELS.bnReluGradInput, shapeOf('x'), (read, attrs, out) => ref.bnReluGradInput(read('dy'), read('x'), read('moments'), read('gamma'), read('beta'), read('sums'), eps(attrs), out));
  kernel(KERNELS.movingAverage, shapeOf('average'), (read, attrs, out) => ref.movingAverage(read('average'), read('moments'), attrs as unknown as MovingAverageAttrs, out));
  kernel(KERNELS.sgdVelocity, shapeOf('velocity'), (read, attrs, out) => ref.sgdVelocity(read('velocity'), read('gradient'), read('weights'), attrs as unknown as SgdVelocityAttrs, out));
  kernel(KERNELS.sgdWeights, shapeOf('weights'), (read, attrs, out) => ref.sgdWeights(read('weights'), read('gradient'), read('velocity'), attrs as unknown as SgdWeightsAttrs, out));
  kernel(KERNELS.softmaxCrossEntropy, shapeOf('labels'), (read, _, out) => ref.softmaxCrossEntropy(read('logits'), read('labels'), out));
  kernel(KERNELS.softmaxCrossEntropyGrad, shapeOf('logits'), (read, _, out) => ref.softmaxCrossEntropyGrad(read('logits'), read('labels'), read('dy'), out));
  kernel(KERNELS.maxPoolGrad2x2, shapeOf('x'), (read, _, out, inputs) =>
    ref.maxPoolGrad2x2(read('dy'), read('x'), read('y'), shapeOf('x')(inputs) as [number, number, number, number], out),
  );
  kernel(
    KERNELS.patches3x3,
    (inputs) => patchesShape(inputs.x as tf.TensorInfo),
    (read, _, out, inputs) => ref.patches3x3(read('x'), inputs.x?.shape as [number, number, number, number], out),
  );

  const width = (inputs: tf.NamedTensorInfoMap, name: string) => inputs[name]?.shape[1] ?? 0;
  const square = (name: string) => (inputs: tf.NamedTensorInfoMap) => {
    const b = inputs[name]?.shape[0] ?? 0;
    return [b, b];
  };
  kernel(KERNELS.unitRows, shapeOf('z'), (read, _, out, inputs) => ref1.unitRows(read('z'), width(inputs, 'z'), out));
  kernel(KERNELS.unitRowsGrad, shapeOf('z'), (read, _, out, inputs) => ref1.unitRowsGrad(read('z'), read('dy'), width(inputs, 'z'), out));
  kernel(KERNELS.rowDistances, square('u'), (read, _, out, inputs) => ref1.rowDistances(read('u'), width(inputs, 'u'), out));
  kernel(KERNELS.rowDistancesGrad, shapeOf('u'), (read, _, out, inputs) => ref1.rowDistancesGrad(read('u'), read('dist'), read('dy'), width(inputs, 'u'), out));
  kernel(
    KERNELS.stage1Pairs,
    (inputs) => [ref1.PAIR_PLANE_COUNT, ...square('dS')(inputs)],
    (read, attrs, out) => ref1.stage1Pairs(read('dS'), read('dT'), read('labels'), attrs as unknown as Stage1Attrs, out),
  );
  kernel(
    KERNELS.classMeans,
    (inputs, attrs) => [Number(attrs.classes), width(inputs, 'emb')],
    (read, attrs, out) => ref2.classMeans(read('emb'), read('labels'), Number(attrs.classes), out),
  );
  kernel(
    KERNELS.stage2Targets,
    (inputs) => [inputs.emb?.shape[0] ?? 0, inputs.centres?.shape[0] ?? 0],
    (read, attrs, out) => ref2.stage2Targets(read('emb'), read('centres'), read('labels'), attrs as unknown as Stage2TargetAttrs, out),
  );
  kernel(KERNELS.stage2Kl, shapeOf('labels'), (read, attrs, out) => ref2.stage2Kl(read('z'), read('q'), read('labels'), attrs as unknown as Stage2KlAttrs, out));
  kernel(KERNELS.stage2KlGrad, shapeOf('z'), (read, attrs, out) => ref2.stage2KlGrad(read('z'), read('q'), read('labels'), read('dy'), attrs as unknown as Stage2KlAttrs, out));
  kernel(KERNELS.stage1Grad, square('dS'), (read, attrs, out) =>
    ref1.stage1Grad(read('dS'), read('dT'), read('labels'), read('pairs'), read('totals'), read('dy')[0], attrs as unknown as Stage1GradAttrs, out),
  );
}

/**
 * The SGD update of a whole group (KERNELS.sgdUpdate): inputs velocity, w0…, g0…; outputs the
 * new velocity and each variable's new weights, shaped like it.
 */
function registerSgdUpdate(backendName: 'cpu' | 'wasm', access: TypedAccess): void {
  tf.registerKernel({
    kernelName: KERNELS.sgdUpdate,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const velocity = inputs.velocity;
      const count = (Object.keys(inputs).length - 1) / 2;
      const weights = Array.from({ length: count }, (_, i) => inputs[`w${i}`]);
      const gradients = Array.from({ length: count }, (_, i) => inputs[`g${i}`]);
      const total = weights.reduce((n, w) => n + (w ? tf.util.sizeFromShape(w.shape) : 0), 0);
      if (!velocity || !Number.isInteger(count) || count < 1 || velocity.shape.length !== 1 || velocity.shape[0] !== total) {
        throw new Error(`${KERNELS.sgdUpdate}: expected velocity [P] and weights w0… with gradients g0… of P values in all, got ${Object.keys(inputs).join(', ')}`);
      }
      weights.forEach((w, i) => {
        const g = gradients[i];
        if (!w || !g || !tf.util.arraysEqual(w.shape, g.shape)) throw new Error(`${KERNELS.sgdUpdate}: g${i} must have w${i}'s shape`);
      });
      const outputs = [access.allocate(backend, [total]), ...weights.map((w) => access.allocate(backend, [...(w as tf.TensorInfo).shape]))];
      const view = (t: tf.TensorInfo | undefined) => access.read(backend, t as tf.TensorInfo);
      const [velocityOut, ...weightsOut] = outputs.map(view);
      ref.sgdUpdate(view(velocity), weights.map(view), gradients.map(view), attrs as unknown as SgdWeightsAttrs, velocityOut, weightsOut);
      return outputs;
    },
  });
}

/** The fused kernels for tfjs's `cpu` and `wasm` backends. */
export function registerTypedArrayKernels(): void {
  register('cpu', CPU);
  register('wasm', WASM);
  registerSgdUpdate('cpu', CPU);
  registerSgdUpdate('wasm', WASM);
}
