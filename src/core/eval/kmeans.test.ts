import { describe, expect, it } from 'vitest';
import { mulberry32, streamRng } from '../random';
import { kMeans, kMeansPlusPlus, l2NormaliseRows } from './kmeans';
import { normalizedMutualInformation } from './nmi';

/** `perBlob` points around each of the `centres` (D = centres[0].length), ±`spread` uniform noise; rows interleaved by blob. */
function blobs(centres: number[][], perBlob: number, spread: number, seed: number): { points: Float32Array; labels: number[]; n: number; d: number } {
  const rng = mulberry32(seed);
  const d = centres[0].length;
  const n = centres.length * perBlob;
  const points = new Float32Array(n * d);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = i % centres.length;
    labels.push(b);
    for (let j = 0; j < d; j++) points[i * d + j] = centres[b][j] + spread * (2 * rng() - 1);
  }
  return { points, labels, n, d };
}

const FOUR = [
  [0, 0, 0],
  [10, 0, 0],
  [0, 10, 0],
  [0, 0, 10],
];

describe('kMeans', () => {
  it('recovers well-separated blobs exactly', () => {
    const { points, labels, n, d } = blobs(FOUR, 30, 1, 1);
    const r = kMeans(points, n, d, { k: 4, rng: streamRng(1, 'test') });
    expect(normalizedMutualInformation(labels, r.assignments)).toBeCloseTo(1, 12);
    // Each found centre lies within the noise of one true centre, and all four are found.
    const matched = new Set<number>();
    for (let c = 0; c < 4; c++) {
      const centre = Array.from(r.centres.slice(c * d, (c + 1) * d));
      const nearest = FOUR.findIndex((t) => t.every((v, j) => Math.abs(v - centre[j]) < 0.5));
      expect(nearest).toBeGreaterThanOrEqual(0);
      matched.add(nearest);
    }
    expect(matched.size).toBe(4);
    // Inertia = Σ squared distances to the centres: at most N · D · spread².
    expect(r.inertia).toBeLessThan(n * d * 1);
    expect(r.iterations).toBeLessThan(100);
  });

  it('is deterministic for a seed', () => {
    const { points, n, d } = blobs(FOUR, 20, 6, 2); // overlapping: the start matters
    const a = kMeans(points, n, d, { k: 4, rng: streamRng(7, 'kmeans') });
    const b = kMeans(points, n, d, { k: 4, rng: streamRng(7, 'kmeans') });
    expect(Array.from(b.assignments)).toEqual(Array.from(a.assignments));
    expect(b.inertia).toBe(a.inertia);
  });

  it('keeps the start with the lowest inertia among its restarts', () => {
    const { points, n, d } = blobs(FOUR, 20, 6, 3);
    const rng = streamRng(3, 'restarts');
    const singles = [0, 1, 2, 3, 4].map(() => kMeans(points, n, d, { k: 4, rng, restarts: 1 }).inertia);
    const best = kMeans(points, n, d, { k: 4, rng: streamRng(3, 'restarts'), restarts: 5 });
    expect(best.inertia).toBe(Math.min(...singles));
  });

  it('solves a tiny case by hand: 1-D points 0, 1, 10, 11 into 2 clusters', () => {
    // Centres 0.5 and 10.5; inertia = 4 · 0.5² = 1.
    const r = kMeans(new Float32Array([0, 1, 10, 11]), 4, 1, { k: 2, rng: mulberry32(1) });
    expect(r.assignments[0]).toBe(r.assignments[1]);
    expect(r.assignments[2]).toBe(r.assignments[3]);
    expect(r.assignments[0]).not.toBe(r.assignments[2]);
    expect(Array.from(r.centres).sort((x, y) => x - y)).toEqual([0.5, 10.5]);
    expect(r.inertia).toBeCloseTo(1, 12);
  });

  it('k-means++ draws distinct rows when the data allows and handles duplicate points', () => {
    const { points, n, d } = blobs(FOUR, 5, 0, 4); // every blob is 5 copies of one point
    const centres = kMeansPlusPlus(points, n, d, 4, mulberry32(9));
    const rows = [0, 1, 2, 3].map((c) => Array.from(centres.slice(c * d, (c + 1) * d)).join(','));
    expect(new Set(rows).size).toBe(4); // a duplicate of a chosen point has weight 0
    const same = kMeans(new Float32Array(12).fill(2), 4, 3, { k: 2, rng: mulberry32(1) });
    expect(same.inertia).toBe(0);
  });

  it('rejects a k outside 1…N and a wrong size', () => {
    expect(() => kMeans(new Float32Array(6), 3, 2, { k: 4, rng: mulberry32(1) })).toThrow(/k must be/);
    expect(() => kMeans(new Float32Array(5), 3, 2, { k: 2, rng: mulberry32(1) })).toThrow(/expected 3×2/);
  });
});

describe('l2NormaliseRows', () => {
  it('scales rows to unit length and leaves a zero row at zero', () => {
    const out = l2NormaliseRows([3, 4, 0, 0], 2, 2);
    expect(Array.from(out)).toEqual([0.6000000238418579, 0.800000011920929, 0, 0]);
  });
});
