import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentActive, augmentImages, Augmenter, drawAugmentation } from './augment';
import { streamRng } from '../random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** One 4×4 image, values 1…16 row by row: [1, 4, 4, 1]. */
const GRID = [
  [1, 2, 3, 4],
  [5, 6, 7, 8],
  [9, 10, 11, 12],
  [13, 14, 15, 16],
];

async function augment(images: number[][][], dy: number[], dx: number[], flip: number[]): Promise<number[][][]> {
  const x = tf.tensor4d(images.flat(2), [images.length, 4, 4, 1]);
  const out = augmentImages(x, tf.tensor1d(dy, 'int32'), tf.tensor1d(dx, 'int32'), tf.tensor1d(flip, 'int32'));
  const values = (await out.array()).map((img) => img.map((row) => row.map((px) => px[0])));
  tf.dispose(out);
  x.dispose();
  return values;
}

describe('augmentImages', () => {
  it('shifts down and left with zero padding, hand-computed on a 4×4 image', async () => {
    // dy = 1 moves the content down one row, dx = −1 moves it left one column.
    expect(await augment([GRID], [1], [-1], [0])).toEqual([
      [
        [0, 0, 0, 0],
        [2, 3, 4, 0],
        [6, 7, 8, 0],
        [10, 11, 12, 0],
      ],
    ]);
  });

  it('shifts up and right by two', async () => {
    expect(await augment([GRID], [-2], [2], [0])).toEqual([
      [
        [0, 0, 9, 10],
        [0, 0, 13, 14],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ],
    ]);
  });

  it('mirrors left–right, and mirrors before it shifts', async () => {
    const mirrored = GRID.map((row) => [...row].reverse());
    expect(await augment([GRID], [0], [0], [1])).toEqual([mirrored]);
    expect(await augment([GRID], [0], [1], [1])).toEqual([mirrored.map((row) => [0, ...row.slice(0, 3)])]);
  });

  it('treats every example of the batch with its own offsets and every channel alike', async () => {
    const second = GRID.map((row) => row.map((v) => 100 + v));
    const out = await augment([GRID, second], [0, 1], [0, 0], [1, 0]);
    expect(out[0]).toEqual(GRID.map((row) => [...row].reverse()));
    expect(out[1]).toEqual([[0, 0, 0, 0], ...second.slice(0, 3)]);

    const twoChannels = tf.tensor4d(GRID.flat().flatMap((v) => [v, 50 + v]), [1, 4, 4, 2]);
    const shifted = augmentImages(twoChannels, tf.tensor1d([1], 'int32'), tf.tensor1d([1], 'int32'), tf.tensor1d([0], 'int32'));
    const values = (await shifted.array())[0];
    expect(values[1][1]).toEqual([1, 51]);
    expect(values[3][3]).toEqual([11, 61]);
    expect(values[0][2]).toEqual([0, 0]);
    tf.dispose([twoChannels, shifted]);
  });

  it('is the identity at zero offsets without a flip, exactly', async () => {
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const zeros = tf.zeros([3], 'int32') as tf.Tensor1D;
    const out = augmentImages(x, zeros, zeros, zeros);
    expect(Array.from(await out.data())).toEqual(Array.from(await x.data()));
    tf.dispose([x, zeros, out]);
  });

  it('gives the same images on the wasm backend (the CLI default) as on cpu', async () => {
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const values = await x.data();
    const draws = { dy: [4, -4, 0, 3], dx: [-4, 4, 2, -1], flip: [1, 0, 1, 0] };
    const onCpu = augmentImages(x, tf.tensor1d(draws.dy, 'int32'), tf.tensor1d(draws.dx, 'int32'), tf.tensor1d(draws.flip, 'int32'));
    const expected = Array.from(await onCpu.data());
    tf.dispose([x, onCpu]);
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      const xw = tf.tensor4d(values, [4, 28, 28, 1]);
      const out = augmentImages(xw, tf.tensor1d(draws.dy, 'int32'), tf.tensor1d(draws.dx, 'int32'), tf.tensor1d(draws.flip, 'int32'));
      expect(Array.from(await out.data())).toEqual(expected);
      tf.dispose([xw, out]);
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('leaks no tensors', () => {
    const x = tf.ones([2, 4, 4, 1]) as tf.Tensor4D;
    const d = tf.tensor1d([1, -1], 'int32');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) augmentImages(x, d, d, d).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, d]);
  });
});

describe('drawAugmentation and Augmenter', () => {
  it('draws offsets in [−shift, shift] with both signs, and flips about half the time', () => {
    const d = drawAugmentation(streamRng(1, 'augment'), 2000, { shift: 2, flip: true });
    for (const v of [...d.dy, ...d.dx]) expect(Math.abs(v)).toBeLessThanOrEqual(2);
    expect(new Set(d.dy)).toEqual(new Set([-2, -1, 0, 1, 2]));
    const flips = d.flip.reduce((a, b) => a + b, 0);
    expect(flips).toBeGreaterThan(900);
    expect(flips).toBeLessThan(1100);
    // The same stream gives the same shifts with flips off, and no flips.
    const noFlip = drawAugmentation(streamRng(1, 'augment'), 2000, { shift: 2, flip: false });
    expect(noFlip.dy).toEqual(d.dy);
    expect(noFlip.dx).toEqual(d.dx);
    expect(noFlip.flip.every((f) => f === 0)).toBe(true);
  });

  it('is deterministic per seed and differs across seeds', async () => {
    const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const run = async (seed: number) => {
      const aug = new Augmenter({ shift: 3, flip: true }, seed);
      const out: number[][] = [];
      for (let i = 0; i < 3; i++) {
        const y = aug.apply(x);
        out.push(Array.from(await y.data()));
        y.dispose();
      }
      return out;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
    // Successive batches get fresh draws.
    expect(a[1]).not.toEqual(a[0]);
    x.dispose();
  });

  it('returns the batch itself when inactive, and leaks nothing when active', () => {
    expect(augmentActive({ shift: 0, flip: false })).toBe(false);
    expect(augmentActive({ shift: 1, flip: false })).toBe(true);
    expect(augmentActive({ shift: 0, flip: true })).toBe(true);
    const x = tf.ones([2, 4, 4, 1]) as tf.Tensor4D;
    expect(new Augmenter({ shift: 0, flip: false }, 1).apply(x)).toBe(x);
    const aug = new Augmenter({ shift: 2, flip: true }, 1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) aug.apply(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
