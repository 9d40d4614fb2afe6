import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE } from './format';
import { loadDataset, type Dataset } from './loader';
import { SplitError, maxShotsPerClass, sampleClassImages, sampleExperimentSplits, type ExperimentSplitOptions } from './splits';
import { memoryFetchBytes, syntheticFiles } from './synthetic';

let ds: Dataset;
beforeAll(async () => {
  // 4 classes: pools of 20, 20, 20, 13 images; 5 test images each.
  ds = await loadDataset('toy', memoryFetchBytes(await syntheticFiles('toy', [20, 20, 20, 13], 5)));
});

const base: ExperimentSplitOptions = { studentClasses: [2, 0], shotsPerClass: 5, validationFraction: 0.25, seed: 7 };
const sample = (over: Partial<ExperimentSplitOptions> = {}) => sampleExperimentSplits(ds, { ...base, ...over });
/** Pool indices of student label `label` in a split. */
const ofLabel = (split: { labels: Int32Array; indices: Int32Array }, label: number): number[] =>
  [...split.indices].filter((_, j) => split.labels[j] === label);

describe('sampleExperimentSplits', () => {
  it('has the right sizes, grouped by class in student order', () => {
    const { train, val, test } = sample();
    expect(train.count).toBe(10);
    expect(val.count).toBe(10); // round(0.25 × 20) per class
    expect(test.count).toBe(10); // every test image of classes 2 and 0
    for (const s of [train, val, test]) {
      expect(s.images.length).toBe(s.count * IMAGE_SIZE);
      expect(s.labels.length).toBe(s.count);
      expect(s.sourceClasses).toEqual([2, 0]);
    }
    expect([...train.labels]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('remaps labels to 0..C-1 in the order of studentClasses and scales pixels to [0, 1]', () => {
    const { train, test } = sample();
    for (const [split, source] of [[train, ds.splits.pool], [test, ds.splits.test]] as const) {
      for (let j = 0; j < split.count; j++) {
        const src = split.indices[j];
        expect(source.labels[src]).toBe(split.sourceClasses[split.labels[j]]);
        for (const p of [0, 100, 783]) expect(split.images[j * IMAGE_SIZE + p]).toBeCloseTo(source.images[src * IMAGE_SIZE + p] / 255, 6);
      }
    }
    expect(Math.max(...train.images)).toBeLessThanOrEqual(1);
    expect(Math.min(...train.images)).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = sample();
    const b = sample();
    expect(b.train.indices).toEqual(a.train.indices);
    expect(b.val.indices).toEqual(a.val.indices);
    expect(b.train.images).toEqual(a.train.images);
    expect(sample({ seed: 8 }).train.indices).not.toEqual(a.train.indices);
  });

  it('nests shots: the shots for k are a prefix of those for k + 1, and of "all"', () => {
    const all = sample({ shotsPerClass: 'all' });
    expect(all.train.count).toBe(30); // 15 per class
    for (let k = 1; k < 15; k++) {
      const small = sample({ shotsPerClass: k });
      const large = sample({ shotsPerClass: k + 1 });
      for (const label of [0, 1]) {
        expect(ofLabel(large.train, label).slice(0, k)).toEqual(ofLabel(small.train, label));
        expect(ofLabel(all.train, label).slice(0, k)).toEqual(ofLabel(small.train, label));
      }
    }
  });

  it('keeps validation fixed when the shots change', () => {
    const val = sample({ shotsPerClass: 1 }).val.indices;
    for (const shotsPerClass of [2, 7, 15, 'all'] as const) expect(sample({ shotsPerClass }).val.indices).toEqual(val);
  });

  it('keeps a class draw fixed whichever other classes the student gets', () => {
    const a = sampleExperimentSplits(ds, { ...base, studentClasses: [0, 1] });
    const b = sampleExperimentSplits(ds, { ...base, studentClasses: [1, 3] });
    expect(ofLabel(b.val, 0)).toEqual(ofLabel(a.val, 1));
    expect(ofLabel(b.train, 0)).toEqual(ofLabel(a.train, 1));
  });

  it('never puts an image in both train and validation', () => {
    const { train, val } = sample({ shotsPerClass: 'all', studentClasses: [0, 1, 2, 3] });
    const valSet = new Set(val.indices);
    expect([...train.indices].filter((i) => valSet.has(i))).toEqual([]);
    expect(new Set(train.indices).size).toBe(train.count);
    expect(train.count + val.count).toBe(73); // the whole pool
  });

  it('allows no validation at all', () => {
    const { train, val } = sample({ validationFraction: 0, shotsPerClass: 'all' });
    expect(val.count).toBe(0);
    expect(train.count).toBe(40);
  });

  it('throws a SplitError naming the class when shots exceed the pool', () => {
    expect(maxShotsPerClass(ds, [0, 3], 0.25)).toBe(10); // 13 − round(3.25)
    expect(() => sample({ studentClasses: [0, 3], shotsPerClass: 10 })).not.toThrow();
    let error: unknown;
    try {
      sample({ studentClasses: [0, 3], shotsPerClass: 11 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SplitError);
    expect((error as SplitError).code).toBe('split-too-few-images');
    expect((error as SplitError).message).toMatch(/class 3 \(class 3\) has 13 pool images; 3 go to validation.*leaving 10.*11 shots/);
  });

  it('rejects invalid options', () => {
    const bad = (over: Partial<ExperimentSplitOptions>) => () => sample(over);
    for (const over of [{ studentClasses: [0] }, { studentClasses: [0, 4] }, { studentClasses: [1, 1] }, { shotsPerClass: 0 }, { shotsPerClass: 2.5 }, { validationFraction: 1 }, { validationFraction: -0.1 }]) {
      expect(bad(over)).toThrowError(SplitError);
    }
  });
});

describe('sampleClassImages', () => {
  it('returns the first pool images of a class, fewer if the pool has fewer', () => {
    const images = sampleClassImages(ds, 1, 3);
    expect(images.length).toBe(3 * IMAGE_SIZE);
    const first = ds.splits.pool.labels.indexOf(1);
    expect(images.subarray(0, IMAGE_SIZE)).toEqual(ds.splits.pool.images.subarray(first * IMAGE_SIZE, (first + 1) * IMAGE_SIZE));
    expect(sampleClassImages(ds, 3, 100).length).toBe(13 * IMAGE_SIZE);
  });
});
