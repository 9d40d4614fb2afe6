import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import { normalizedMutualInformation as nmi } from './nmi';

describe('normalizedMutualInformation (arithmetic-mean normalisation)', () => {
  it('is 1 for identical clusterings', () => {
    expect(nmi([0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2])).toBeCloseTo(1, 12);
  });

  it('is 1 for a permuted labelling of the same partition', () => {
    expect(nmi([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1])).toBeCloseTo(1, 12);
    expect(nmi([0, 0, 1, 1, 2, 2], [7, 7, -1, -1, 30, 30])).toBeCloseTo(1, 12);
  });

  it('is 0 for independent labellings', () => {
    // Every (true, cluster) pair occurs once: n_ij / N = a_i b_j / N², so every log term is log 1.
    expect(nmi([0, 0, 1, 1], [0, 1, 0, 1])).toBe(0);
    expect(nmi([0, 0, 0, 1, 1, 1, 2, 2, 2], [0, 1, 2, 0, 1, 2, 0, 1, 2])).toBe(0);
    // One cluster for everything says nothing about three classes.
    expect(nmi([0, 1, 2, 0], [5, 5, 5, 5])).toBe(0);
  });

  it('matches a worked example: 4 items, classes 0 0 1 1, clusters 0 0 0 1', () => {
    // In bits: H(U) = 1 (two classes of 2). Cluster sizes 3 and 1: H(V) = −(¾ log₂ ¾ + ¼ log₂ ¼)
    // = 0.811278. Given the class, cluster 0 holds both items of class 0 (H = 0) and splits class 1
    // 1:1 (H = 1), so H(V|U) = ½·0 + ½·1 = 0.5 and I = H(V) − H(V|U) = 0.311278.
    // NMI = 0.311278 / ((1 + 0.811278) / 2) = 0.311278 / 0.905639 = 0.343711.
    expect(nmi([0, 0, 1, 1], [0, 0, 0, 1])).toBeCloseTo(0.343711, 6);
    // Symmetric in its arguments.
    expect(nmi([0, 0, 0, 1], [0, 0, 1, 1])).toBeCloseTo(0.343711, 6);
  });

  it('matches a second worked example: classes 0 0 0 1 1 1, clusters 0 0 1 1 2 2', () => {
    // H(U) = ln 2, H(V) = ln 3 (three clusters of 2). Clusters 0 and 2 are pure, cluster 1 is
    // half and half: H(U|V) = ⅓·ln 2, so I = ln 2 − ⅓ ln 2 = ⅔ ln 2.
    // NMI = ⅔ ln 2 / ((ln 2 + ln 3) / 2) = (4/3) ln 2 / ln 6 = 0.924196 / 1.791759 = 0.515804.
    expect(nmi([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(0.515804, 6);
  });

  it('treats two one-group labellings as the same partition and rejects mismatched lengths', () => {
    expect(nmi([3, 3, 3], [1, 1, 1])).toBe(1);
    expect(() => nmi([0, 1], [0])).toThrow(/same items/);
  });

  it('stays in [0, 1] on random labellings', () => {
    const rng = mulberry32(5);
    for (let t = 0; t < 20; t++) {
      const a = Array.from({ length: 50 }, () => Math.floor(rng() * 4));
      const b = Array.from({ length: 50 }, () => Math.floor(rng() * 6));
      const v = nmi(a, b);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});
