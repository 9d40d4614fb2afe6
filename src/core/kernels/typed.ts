/**
 * The fused kernels on the backends whose tensors live in CPU memory: tfjs's pure-JS `cpu`
 * backend (a typed array per tensor) and `wasm` (views into the WebAssembly heap). Both run
 * the reference loops of spec.ts.
 */
import * as tf from '@tensorflow/tfjs';
import * as ref from './spec';
import { KERNELS, type BnAttrs, type MovingAverageAttrs, type SgdVelocityAttrs, type SgdWeightsAttrs } from './spec';

/** How a backend hands out a tensor's float32 values and takes new ones. */
interface TypedAccess {
  read(backend: unknown, t: tf.TensorInfo): Float32Array;
  write(backend: unknown, shape: number[], values: Float32Array): tf.TensorInfo;
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

const CPU: TypedAccess = {
  read: (backend, t) => (backend as unknown as CpuBackend).data.get(t.dataId).values as Float32Array,
  write: (backend, shape, values) => (backend as unknown as CpuBackend).makeTensorInfo(shape, 'float32', values),
};

const WASM: TypedAccess = {
  read: (backend, t) => (backend as unknown as WasmBackend).typedArrayFromHeap(t) as Float32Array,
  // The output is allocated after the values are computed: growing the heap detaches earlier views.
  write: (backend, shape, values) => {
    const b = backend as unknown as WasmBackend;
    const out = b.makeOutput(shape, 'float32');
    (b.typedArrayFromHeap(out) as Float32Array).set(values);
    return out;
  },
};

/** Registers the eight fused kernels for one typed-array backend. */
function register(backendName: 'cpu' | 'wasm', access: TypedAccess): void {
  const kernel = (kernelName: string, run: (read: (name: string) => Float32Array, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => { shape: number[]; values: Float32Array }) =>
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const read = (name: string) => {
          const t = inputs[name];
          if (!t) throw new Error(`${kernelName}: input ${name} is missing`);
          return access.read(backend, t);
        };
        const { shape, values } = run(read, inputs, attrs ?? {});
        return access.write(backend, shape, values);
      },
    });
  const channels = (inputs: tf.NamedTensorInfoMap, name: string) => {
    const s = inputs[name]?.shape ?? [];
    return s[s.length - 1];
  };
  const shapeOf = (inputs: tf.NamedTensorInfoMap, name: string) => [...(inputs[name]?.shape ?? [])];
  const bn = (attrs: tf.NamedAttrMap) => (attrs as unknown as BnAttrs).epsilon;

  kernel(KERNELS.bnMoments, (read, inputs) => {
    const c = channels(inputs, 'x');
    return { shape: [2, c], values: ref.bnMoments(read('x'), c) };
  });
  kernel(KERNELS.bnReluForward, (read, inputs, attrs) => ({
    shape: shapeOf(inputs, 'x'),
    values: ref.bnReluForward(read('x'), read('moments'), read('gamma'), read('beta'), bn(attrs)),
  }));
  kernel(KERNELS.bnReluGradSums, (read, inputs, attrs) => ({
    shape: [2, channels(inputs, 'x')],
    values: ref.bnReluGradSums(read('dy'), read('x'), read('moments'), read('gamma'), read('beta'), bn(attrs)),
  }));
  kernel(KERNELS.bnReluGradInput, (read, inputs, attrs) => ({
    shape: shapeOf(inputs, 'x'),
    values: ref.bnReluGradInput(read('dy'), read('x'), read('moments'), read('gamma'), read('beta'), read('sums'), bn(attrs)),
  }));
  kernel(KERNELS.movingAverage, (read, inputs, attrs) => ({
    shape: shapeOf(inputs, 'average'),
    values: ref.movingAverage(read('average'), read('moments'), attrs as unknown as MovingAverageAttrs),
  }));
  kernel(KERNELS.sgdVelocity, (read, inputs, attrs) => ({
    shape: shapeOf(inputs, 'velocity'),
    values: ref.sgdVelocity(read('velocity'), read('gradient'), read('weights'), attrs as unknown as SgdVelocityAttrs),
  }));
  kernel(KERNELS.sgdWeights, (read, inputs, attrs) => ({
    shape: shapeOf(inputs, 'weights'),
    values: ref.sgdWeights(read('weights'), read('gradient'), read('velocity'), attrs as unknown as SgdWeightsAttrs),
  }));
  kernel(KERNELS.maxPoolGrad2x2, (read, inputs) => {
    const shape = shapeOf(inputs, 'x');
    return { shape, values: ref.maxPoolGrad2x2(read('dy'), read('x'), read('y'), shape as [number, number, number, number]) };
  });
}

/** The fused kernels for tfjs's `cpu` and `wasm` backends. */
export function registerTypedArrayKernels(): void {
  register('cpu', CPU);
  register('wasm', WASM);
}
