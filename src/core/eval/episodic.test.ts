import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import { episodeAccuracy, episodicAccuracy, rowsByClass, sampleEpisode } from './episodic';
import { l2NormaliseRows } from './kmeans';

/** `perClass` rows for each of `classes` labels, grouped by class (like the test split). */
function labelsOf(classes: number, perClass: number): Int32Array {
  return Int32Array.from({ length: classes * perClass }, (_, i) => Math.floor(i / perClass));
}

/** Class c's rows point along axis c, with noise that keeps them separated (cos to own axis > cos to any other). */
function separated(labels: Int32Array, d: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const x = new Float32Array(labels.length * d);
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = 0.2 * rng();
    x[i * d + labels[i]] += 1;
  }
  return l2NormaliseRows(x, labels.length, d);
}

describe('sampleEpisode', () => {
  const labels = labelsOf(7, 25);
  const byClass = rowsByClass(labels, 7);

  it('draws N classes, K support and Q query rows per class, disjoint and of the right class', () => {
    const rng = mulberry32(1);
    for (let t = 0; t < 50; t++) {
      const e = sampleEpisode(byClass, { ways: 5, shots: 5, queries: 15 }, rng);
      expect(new Set(e.classes).size).toBe(5);
      expect(e.support.map((s) => s.length)).toEqual([5, 5, 5, 5, 5]);
      expect(e.query.map((q) => q.length)).toEqual([15, 15, 15, 15, 15]);
      const all = [...e.support.flat(), ...e.query.flat()];
      expect(new Set(all).size).toBe(all.length); // no row twice: support and query disjoint
      e.classes.forEach((c, w) => {
        for (const row of [...e.support[w], ...e.query[w]]) expect(labels[row]).toBe(c);
      });
    }
  });

  it('is seeded: the same seed gives the same tasks, another seed others', () => {
    const draw = (seed: number) => {
      const rng = mulberry32(seed);
      return Array.from({ length: 5 }, () => sampleEpisode(byClass, { ways: 3, shots: 1, queries: 15 }, rng));
    };
    expect(draw(4)).toEqual(draw(4));
    expect(draw(5)).not.toEqual(draw(4));
  });

  it('uses every class over many tasks and skips classes with too few rows', () => {
    const small = rowsByClass(Int32Array.from([0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]), 4);
    const rng = mulberry32(2);
    const seen = new Set<number>();
    for (let t = 0; t < 100; t++) sampleEpisode(small, { ways: 2, shots: 1, queries: 4 }, rng).classes.forEach((c) => seen.add(c));
    expect([...seen].sort()).toEqual([1, 2, 3]); // class 0 has 3 rows < 1 + 4
    expect(() => sampleEpisode(small, { ways: 4, shots: 1, queries: 4 }, rng)).toThrow(/needs 4 classes/);
  });
});

describe('episodeAccuracy', () => {
  it('classifies by cosine to the normalised support mean: a hand-made 2-way 1-shot task', () => {
    // Rows (unit vectors, D = 2): 0 → (1,0), 1 → (0,1) are the supports; queries 2 → (0.8,0.6)
    // (cos 0.8 vs 0.6: way 0), 3 → (0.6,0.8) (way 1), 4 → (0.8,0.6) labelled way 1: wrong. 2 of 3.
    const x = new Float32Array([1, 0, 0, 1, 0.8, 0.6, 0.6, 0.8, 0.8, 0.6]);
    const acc = episodeAccuracy(x, 2, { classes: [0, 1], support: [[0], [1]], query: [[2], [3, 4]] });
    expect(acc).toBeCloseTo(2 / 3, 12);
  });
});

describe('episodicAccuracy', () => {
  it('is 100 % with a zero-width interval on perfectly separated embeddings', () => {
    const labels = labelsOf(6, 30);
    const x = separated(labels, 8, 1);
    const r = episodicAccuracy(x, labels, 8, 6, { tasks: 500, seed: 1 });
    expect(r).toEqual([
      { ways: 5, shots: 1, queries: 15, tasks: 500, mean: 1, halfWidth: 0 },
      { ways: 5, shots: 5, queries: 15, tasks: 500, mean: 1, halfWidth: 0 },
    ]);
  });

  it('is at chance on embeddings that carry no class information, and the interval covers it', () => {
    const labels = labelsOf(5, 40);
    const rng = mulberry32(3);
    const x = l2NormaliseRows(Float32Array.from({ length: labels.length * 16 }, () => rng() - 0.5), labels.length, 16);
    const [one] = episodicAccuracy(x, labels, 16, 5, { tasks: 600, seed: 2, shots: [1] });
    expect(one.ways).toBe(5);
    expect(Math.abs(one.mean - 0.2)).toBeLessThan(2 * one.halfWidth + 0.01);
    expect(one.halfWidth).toBeGreaterThan(0);
    expect(one.halfWidth).toBeLessThan(0.02);
  });

  it('uses N = min(5, classes), leaves out a K no two classes can serve, and is seeded', () => {
    const labels = labelsOf(3, 18); // 18 ≥ 1 + 15 rows, but < 5 + 15
    const x = separated(labels, 4, 4);
    const r = episodicAccuracy(x, labels, 4, 3, { tasks: 20, seed: 9 });
    expect(r.map((e) => [e.ways, e.shots])).toEqual([[3, 1]]);
    const noisy = l2NormaliseRows(Float32Array.from(x, (v, i) => v + 0.6 * Math.sin(i * 12.9898)), labels.length, 4);
    const a = episodicAccuracy(noisy, labels, 4, 3, { tasks: 50, seed: 9 });
    expect(episodicAccuracy(noisy, labels, 4, 3, { tasks: 50, seed: 9 })).toEqual(a);
  });
});
