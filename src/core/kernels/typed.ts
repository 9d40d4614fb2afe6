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
import { KERNELS, type BnAttrs, type MovingAverageAttrs, type SgdVelocityAttrs, type SgdWeightsAttrs } from './spec';

/** How a backend hands out a tensor's values (float32; the labels' int32 read the same way), and a new output to write into. */
interface TypedAccess {
  read(backend: unknown, t: tf.TensorInfo): Float32Array;
  /** A new float32 output and its values to fill. */
  output(backend: unknown, shape: number[]): { info: tf.TensorInfo; values: Float32Array };
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
  output: (backend, shape) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    return { info: (backend as CpuBackend).makeTensorInfo(shape, 'float32', values), values };
  },
};

const WASM: TypedAccess = {
  read: (backend, t) => (backend as WasmBackend).typedArrayFromHeap(t) as Float32Array,
  // The kernels write straight into the heap. Inputs are read after the output is allocated:
  // growing the heap detaches earlier views.
  output: (backend, shape) => {
    const b = backend as WasmBackend;
    const info = b.makeOutput(shape, 'float32');
    return { info, values: b.typedArrayFromHeap(info) as Float32Array };
  },
};

type Compute = (read: (name: string) => Float32Array, attrs: tf.NamedAttrMap, out: Float32Array, inputs: tf.NamedTensorInfoMap) => void;

/** Registers the fused kernels for one typed-array backend. */
function register(backendName: 'cpu' | 'wasm', access: TypedAccess): void {
  const kernel = (kernelName: string, outputShape: (inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => number[], compute: Compute) =>
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const out = access.output(backend, outputShape(inputs, attrs ?? {}));
        const read = (name: string) => {
          const t = inputs[name];
          if (!t) throw new Error(`${kernelName}: input ${name} is missing`);
          return access.read(backend, t);
        };
        compute(read, attrs ?? {}, out.values, inputs);
        return out.info;
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

/** The fused kernels for tfjs's `cpu` and `wasm` backends. */
export function registerTypedArrayKernels(): void {
  register('cpu', CPU);
  register('wasm', WASM);
}
