/** Checks the data sets shipped under public/data (produced by `npm run data`). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetManifest } from './format';
import { DEFAULT_DATA_DIR, loadDatasetFromDisk } from './node-fs';
import { shotsLimit } from '../../protocol/config';
import { maxShotsPerClass, sampleExperimentSplits, SplitError } from './splits';

const counts = (labels: Uint8Array, classes: number): number[] => {
  const out = new Array<number>(classes).fill(0);
  for (const l of labels) out[l]++;
  return out;
};

describe('shipped data sets', () => {
  it('fashion-mnist: 10 classes × 300 pool and × 500 test, checksums valid', async () => {
    const ds = await loadDatasetFromDisk('fashion-mnist');
    expect(ds.title).toBe('Fashion-MNIST');
    expect(ds.classNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(ds.imageShape).toEqual([28, 28, 1]);
    expect(ds.splits.pool.count).toBe(3000);
    expect(ds.splits.test.count).toBe(5000);
    expect(counts(ds.splits.pool.labels, 10)).toEqual(new Array(10).fill(300));
    expect(counts(ds.splits.test.labels, 10)).toEqual(new Array(10).fill(500));
    expect(ds.licence).toMatch(/MIT/);
    // Real images: mean ink well inside (0, 255).
    const mean = ds.splits.pool.images.reduce((a, b) => a + b, 0) / ds.splits.pool.images.length;
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(120);
    // The default-sized experiment draws from it.
    const { train, val, test } = sampleExperimentSplits(ds, { studentClasses: [0, 1, 2, 3, 4], shotsPerClass: 10, validationFraction: 0.2, seed: 1 });
    expect([train.count, val.count, test.count]).toEqual([50, 300, 2500]);
  });

  it('mnist: 10 digits × 300 pool and × 400 test, pool and test disjoint in the source', async () => {
    const ds = await loadDatasetFromDisk('mnist');
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(counts(ds.splits.pool.labels, 10)).toEqual(new Array(10).fill(300));
    expect(counts(ds.splits.test.labels, 10)).toEqual(new Array(10).fill(400));
    const manifest = JSON.parse(await readFile(path.join(DEFAULT_DATA_DIR, 'mnist', 'manifest.json'), 'utf8')) as DatasetManifest;
    const test = new Set(manifest.splits.test.sourceIndices);
    expect(manifest.splits.pool.sourceIndices.filter((i) => test.has(i))).toEqual([]);
  });

  it('the UI\'s shots limit (from the catalog) is what the split allows on the real data', async () => {
    const ds = await loadDatasetFromDisk('fashion-mnist');
    for (const validationFraction of [0.05, 0.125, 0.25, 0.5]) {
      const { max } = shotsLimit({ dataset: 'fashion-mnist', validationFraction });
      expect(max).toBe(maxShotsPerClass(ds, [5, 6, 7, 8, 9], validationFraction));
      const opts = { studentClasses: [5, 6], validationFraction, seed: 1 };
      expect(sampleExperimentSplits(ds, { ...opts, shotsPerClass: max }).train.count).toBe(2 * max);
      expect(() => sampleExperimentSplits(ds, { ...opts, shotsPerClass: max + 1 })).toThrow(SplitError);
    }
  });
});
