import * as tf from '@tensorflow/tfjs';
import { fused, maxPoolGrad2x2, patches3x3 } from '../kernels/ops';

/**
 * How a 3×3 stride-1 'same' convolution (and the 2×2 max pool after it) computes gradients.
 * - `native`: tfjs's Conv2DBackpropInput / Conv2DBackpropFilter / MaxPoolGrad kernels.
 * - `matmul`: the input gradient is a forward convolution of dy with the spatially flipped,
 *   channel-transposed filter; the filter gradient is one matrix product of the input's
 *   3×3 patches (im2col) with dy. Both avoid Conv2DBackpropFilter, which the wasm backend
 *   lacks and the cpu backend runs as slow nested loops.
 * - `swapped`: the input gradient as in `matmul`; the filter gradient is one forward
 *   convolution with batch and channels swapped (the padded input as C images of B channels,
 *   dy as an H×W filter from B to F channels), which needs no patch matrix; the max pool's
 *   gradient routes dy to the window's maxima by nearest-neighbour upsampling. On wasm
 *   (XNNPACK convolutions, slow strided slices and MaxPoolGrad) this is the fastest.
 */
export type ConvGradientMode = 'native' | 'matmul' | 'swapped';

/**
 * A tfjs flag, set by whoever starts the WebGPU backend (the worker, the CLI): true when its
 * adapter renders in software (SwiftShader, llvmpipe, a fallback adapter).
 */
export const WEBGPU_SOFTWARE_ADAPTER = 'REFILLED_WEBGPU_SOFTWARE_ADAPTER';
tf.env().registerFlag(WEBGPU_SOFTWARE_ADAPTER, () => false);

/**
 * A WebGPU adapter that renders in software: a fallback adapter, or SwiftShader, llvmpipe or
 * lavapipe by its architecture or description. One rule for the worker and the Node CLI.
 */
export function isSoftwareAdapter(info: Partial<GPUAdapterInfo> | undefined): boolean {
  return info?.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe/i.test(`${info?.architecture ?? ''} ${info?.description ?? ''}`);
}

/** Records whether the WebGPU adapter just started renders in software (see autoConvGradient). */
export function setWebGpuSoftwareAdapter(software: boolean): void {
  tf.env().set(WEBGPU_SOFTWARE_ADAPTER, software);
}

/**
 * The gradient mode that is fastest (or the only one that works) on a backend. WebGPU depends
 * on the adapter: on a GPU, `swapped` takes 74 ms per plain step against `native`'s 120 ms
 * (an H100 through Dawn: tfjs's Conv2DBackpropFilter alone takes 44 ms); on SwiftShader it
 * is the other way round (3.9 s against 3.2 s). docs/performance.md has both measurements.
 */
export function autoConvGradient(backend: string): ConvGradientMode {
  if (backend === 'wasm') return 'swapped';
  if (backend === 'webgpu') return tf.env().getBool(WEBGPU_SOFTWARE_ADAPTER) ? 'native' : 'swapped';
  return backend === 'cpu' || backend === 'tensorflow' ? 'matmul' : 'native';
}

/**
 * The transposed 3×3 patch matrix of x with zero padding 1: [B,H,W,C] → [9·C, B·H·W], rows
 * ordered (kernel row, kernel column, channel) like a filter [3,3,C,F] reshaped to [9·C, F].
 * Built channel-first so that the filter gradient is a plain product patchesᵀ·dy: on wasm a
 * matMul with transposeA is about 13× slower than the same product pre-transposed. One
 * kernel where the backend has it (KERNELS.patches3x3), else a transpose, a pad, nine slices
 * and a concatenation. No gradient: it feeds the filter gradient only.
 */
export function patchesTransposed3x3(x: tf.Tensor4D): tf.Tensor2D {
  if (fused('patches')) return patches3x3(x);
  const [b, h, w, c] = x.shape;
  const channelFirst = tf.pad(tf.transpose(x, [3, 0, 1, 2]), [[0, 0], [0, 0], [1, 1], [1, 1]]);
  const shifts: tf.Tensor4D[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) shifts.push(tf.slice(channelFirst, [0, 0, i, j], [c, b, h, w]));
  return tf.reshape(tf.concat(shifts, 0), [9 * c, b * h * w]);
}

/**
 * y = conv2d(x, filter), 3×3, stride 1, 'same' padding.
 * Shapes: x [B,H,W,C], filter [3,3,C,F] → y [B,H,W,F].
 * `inputGradient: false` (the network's first layer, whose input is data): in the `matmul` and
 * `swapped` modes x is then no input of the operation, only kept for the filter gradient, so
 * no gradient (not even zeros) is made for it; tfjs's native gradient is computed lazily anyway.
 */
export function conv3x3(x: tf.Tensor4D, filter: tf.Tensor4D, mode: ConvGradientMode, inputGradient = true): tf.Tensor4D {
  if (mode === 'native') return tf.conv2d(x, filter, 1, 'same');
  if (!inputGradient) {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const ft = args[0] as tf.Tensor4D;
      const save = args[1] as tf.GradSaveFunc;
      save([x, ft]);
      return {
        value: tf.conv2d(x, ft, 1, 'same'),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [filterGradient(saved[0] as tf.Tensor4D, dy as tf.Tensor4D, saved[1].shape as number[], mode)],
      };
    });
    return op(filter) as tf.Tensor4D;
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xt = args[0] as tf.Tensor4D;
    const ft = args[1] as tf.Tensor4D;
    const save = args[2] as tf.GradSaveFunc;
    save([xt, ft]);
    return {
      value: tf.conv2d(xt, ft, 1, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, fs] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        // dx: correlation of dy with the filter rotated by 180° and its channels swapped.
        const dx = tf.conv2d(dy4, tf.transpose(tf.reverse(fs, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D, 1, 'same');
        return [dx, filterGradient(xs, dy4, fs.shape, mode)];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

/** dW [3, 3, C, F] of a 3×3 'same' convolution from its input x and dy, in the `matmul` or `swapped` way. */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: readonly number[], mode: ConvGradientMode): tf.Tensor4D {
  const [, , cIn, cOut] = filterShape;
  // A single input channel leaves the swapped convolution one image: patches are cheaper.
  return mode === 'swapped' && cIn >= 4 ? filterGradientSwapped(x, dy) : filterGradientMatmul(x, dy, cIn, cOut);
}

/** dW = patches(x)ᵀ · dy, reshaped to the filter's layout [3, 3, C, F]. */
function filterGradientMatmul(x: tf.Tensor4D, dy: tf.Tensor4D, cIn: number, cOut: number): tf.Tensor4D {
  const dyFlat = tf.reshape(dy, [-1, cOut]) as tf.Tensor2D;
  return tf.reshape(tf.matMul(patchesTransposed3x3(x), dyFlat), [3, 3, cIn, cOut]);
}

/**
 * dW[i, j, c, f] = Σ_{b,h,w} x_pad[b, h + i, w + j, c] · dy[b, h, w, f]: a 'valid' forward
 * convolution of x_pad seen as [C, H+2, W+2, B] with dy seen as a filter [H, W, B, F], whose
 * [C, 3, 3, F] output is the filter gradient up to a transpose.
 */
function filterGradientSwapped(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  const images = tf.transpose(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), [3, 1, 2, 0]) as tf.Tensor4D;
  const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  return tf.transpose(tf.conv2d(images, filter, 1, 'valid'), [1, 2, 0, 3]);
}

/**
 * 2×2 max pool, stride 2 ('valid'). In `swapped` mode its gradient is dy upsampled ×2 (nearest
 * neighbour) where x equals its window's maximum: every tied maximum gets dy, where
 * MaxPoolGrad picks one. Here the pool follows a ReLU, whose gradient is 0 at the only ties
 * that occur in practice (windows of zeros), so the two agree after the ReLU.
 */
export function maxPool2x2(x: tf.Tensor4D, mode: ConvGradientMode): tf.Tensor4D {
  if (mode !== 'swapped') return tf.maxPool(x, 2, 2, 'valid');
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xt = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const y = tf.maxPool(xt, 2, 2, 'valid');
    save([xt, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor4D, tf.Tensor4D];
        if (fused('maxPoolGrad')) return [maxPoolGrad2x2(dy as tf.Tensor4D, xs, ys)];
        const [, h, w] = xs.shape;
        const up = (t: tf.Tensor4D) => tf.image.resizeNearestNeighbor(t, [h, w]);
        return [tf.mul(up(dy as tf.Tensor4D), tf.cast(tf.equal(xs, up(ys)), 'float32'))];
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
