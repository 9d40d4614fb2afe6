import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mapInChunks } from './evaluate';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('mapInChunks', () => {
  it('returns every row once, in order, with the last chunk padded and cut back', () => {
    const images = tf.tidy(() => tf.reshape(tf.range(0, 10 * 784), [10, 28, 28, 1]) as tf.Tensor4D);
    const shapes: number[] = [];
    const out = mapInChunks(images, 4, (x) => {
      shapes.push(x.shape[0]);
      return tf.reshape(tf.slice(x, [0, 0, 0, 0], [-1, 1, 1, 1]), [x.shape[0], 1]) as tf.Tensor2D;
    });
    expect(shapes).toEqual([4, 4, 4]);
    expect(Array.from(out.dataSync())).toEqual(Array.from({ length: 10 }, (_, i) => i * 784));
    tf.dispose([images, out]);
  });

  it("holds one chunk's intermediates at a time, not the whole split's", async () => {
    const images = tf.zeros([64, 28, 28, 1]) as tf.Tensor4D;
    // Each chunk makes ten activations of 8×28×28×16 floats (0.4 MB each).
    const heavy = (x: tf.Tensor4D) => {
      let h = tf.tile(x, [1, 1, 1, 16]);
      for (let i = 0; i < 10; i++) h = tf.add(h, 1);
      return tf.sum(h, [1, 2]) as tf.Tensor2D;
    };
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => mapInChunks(images, 8, heavy));
    const chunkBytes = 11 * 8 * 28 * 28 * 16 * 4;
    expect(info.peakBytes).toBeLessThan(2 * chunkBytes);
    expect(info.result instanceof tf.Tensor && info.result.shape).toEqual([64, 16]);
    (info.result as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });
});
