/** The full source sets handed to the teacher script never include the shipped test images. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGE_SIZE } from '../src/core/data/format';
import { loadDatasetFromDisk } from '../src/core/data/node-fs';
import { fashionMnistDir, readFashionMnistFull, readMnistFull } from './sources';

const key = (images: Uint8Array, i: number): string => Buffer.from(images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE)).toString('base64');

describe('readMnistFull', () => {
  it('test = the shipped test subset; train = every other image of the package', async () => {
    const full = readMnistFull();
    const shipped = await loadDatasetFromDisk('mnist');
    expect(full.test.count).toBe(4000);
    expect(full.train.count).toBe(6000);
    // Buffer.equals: vitest's deep equality is slow on millions of elements.
    expect(Buffer.from(full.test.images).equals(shipped.splits.test.images)).toBe(true);
    expect(Buffer.from(full.test.labels).equals(shipped.splits.test.labels)).toBe(true);
    const testImages = new Set(Array.from({ length: full.test.count }, (_, i) => key(full.test.images, i)));
    const leaked = Array.from({ length: full.train.count }, (_, i) => i).filter((i) => testImages.has(key(full.train.images, i)));
    expect(leaked).toEqual([]);
  });
});

describe.skipIf(!existsSync(path.join(fashionMnistDir(), 'train-images-idx3-ubyte.gz')))('readFashionMnistFull', () => {
  it('returns the 60,000 official train and 10,000 official test images', () => {
    const { train, test } = readFashionMnistFull();
    expect([train.count, train.images.length, train.labels.length]).toEqual([60000, 60000 * IMAGE_SIZE, 60000]);
    expect([test.count, test.images.length, test.labels.length]).toEqual([10000, 10000 * IMAGE_SIZE, 10000]);
    expect(Math.max(...train.labels)).toBe(9);
  });
});
