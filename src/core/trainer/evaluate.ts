import * as tf from '@tensorflow/tfjs';

/**
 * Runs `fn` over `images` [N,28,28,1] in chunks of exactly `chunk` rows (the last one padded
 * with zeros and cut back), so that every call sees the same shape: the webgpu backend pools
 * buffers by exact size, and varying shapes would grow its memory. Returns [N, …] concatenated.
 */
export function mapInChunks(images: tf.Tensor4D, chunk: number, fn: (x: tf.Tensor4D) => tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const n = images.shape[0];
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += chunk) {
      // A scope per chunk: its activations are freed before the next chunk runs, so the
      // peak is one chunk's forward pass, not the whole split's (1.1 GB on the default test split).
      const part = tf.tidy(() => {
        const size = Math.min(chunk, n - start);
        let x = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
        if (size < chunk) x = tf.concat([x, tf.zeros([chunk - size, images.shape[1], images.shape[2], images.shape[3]])], 0);
        const out = fn(x as tf.Tensor4D);
        return size < chunk ? tf.slice(out, [0, 0], [size, -1]) : out;
      });
      parts.push(part as tf.Tensor2D);
    }
    return parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  });
}

/** Counts device → JavaScript reads, so tests and the benchmark can assert how rare they are. */
export class ReadbackCounter {
  count = 0;

  /** Reads a tensor's values (asynchronously: synchronous reads are unsafe on webgpu). */
  async read(t: tf.Tensor): Promise<Float32Array | Int32Array | Uint8Array> {
    this.count += 1;
    return (await t.data()) as Float32Array | Int32Array | Uint8Array;
  }
}
