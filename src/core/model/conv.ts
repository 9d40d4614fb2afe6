import * as tf from '@tensorflow/tfjs';

/**
 * How a 3×3 stride-1 'same' convolution computes its gradients.
 * - `native`: tfjs's Conv2DBackpropInput / Conv2DBackpropFilter kernels.
 * - `matmul`: the input gradient is a forward convolution of dy with the spatially flipped,
 *   channel-transposed filter; the filter gradient is one matrix product of the input's
 *   3×3 patches (im2col) with dy. Both avoid Conv2DBackpropFilter, which the wasm backend
 *   lacks and the cpu backend runs as slow nested loops.
 */
export type ConvGradientMode = 'native' | 'matmul';

/** The gradient mode that is fastest (or the only one that works) on a backend. */
export function autoConvGradient(backend: string): ConvGradientMode {
  return backend === 'cpu' || backend === 'wasm' || backend === 'tensorflow' ? 'matmul' : 'native';
}

/**
 * The transposed 3×3 patch matrix of x with zero padding 1: [B,H,W,C] → [9·C, B·H·W], rows
 * ordered (kernel row, kernel column, channel) like a filter [3,3,C,F] reshaped to [9·C, F].
 * Built channel-first so that the filter gradient is a plain product patchesᵀ·dy: on wasm a
 * matMul with transposeA is about 13× slower than the same product pre-transposed.
 */
export function patchesTransposed3x3(x: tf.Tensor4D): tf.Tensor2D {
  const [b, h, w, c] = x.shape;
  const channelFirst = tf.pad(tf.transpose(x, [3, 0, 1, 2]), [[0, 0], [0, 0], [1, 1], [1, 1]]);
  const shifts: tf.Tensor4D[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) shifts.push(tf.slice(channelFirst, [0, 0, i, j], [c, b, h, w]));
  return tf.reshape(tf.concat(shifts, 0), [9 * c, b * h * w]);
}

/**
 * y = conv2d(x, filter), 3×3, stride 1, 'same' padding.
 * Shapes: x [B,H,W,C], filter [3,3,C,F] → y [B,H,W,F].
 */
export function conv3x3(x: tf.Tensor4D, filter: tf.Tensor4D, mode: ConvGradientMode): tf.Tensor4D {
  if (mode === 'native') return tf.conv2d(x, filter, 1, 'same');
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
        const [, , cIn, cOut] = fs.shape;
        // dx: correlation of dy with the filter rotated by 180° and its channels swapped.
        const flipped = tf.transpose(tf.reverse(fs, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const dx = tf.conv2d(dy4, flipped, 1, 'same');
        // dW = patches(x)ᵀ · dy, reshaped to the filter's layout.
        const dyFlat = tf.reshape(dy4, [-1, cOut]) as tf.Tensor2D;
        const dw = tf.reshape(tf.matMul(patchesTransposed3x3(xs), dyFlat), [3, 3, cIn, cOut]);
        return [dx, dw];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}
