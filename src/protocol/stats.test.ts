import { describe, expect, it } from 'vitest';
import { mean, meanInterval, pairedGain, std, tQuantile975 } from './stats';

describe('stats', () => {
  it('mean and sample std by hand', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    // deviations −1.5, −0.5, 0.5, 1.5 → squares sum 5, /3
    expect(std([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(std([7])).toBe(0);
    expect(Number.isNaN(mean([]))).toBe(true);
  });

  it('t quantiles: table and large-df approximation', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(4)).toBe(2.776);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(60)).toBeCloseTo(2.0, 3); // exact 2.000
    expect(tQuantile975(120)).toBeCloseTo(1.98, 3); // exact 1.980
    expect(Number.isNaN(tQuantile975(0))).toBe(true);
  });

  it('95 % interval of a mean: mean ± t·s/√n', () => {
    // n = 5, mean 3, s = √2.5, t = 2.776 → half-width 2.776·√(2.5/5) = 1.96293…
    const r = meanInterval([1, 2, 3, 4, 5]);
    expect(r.mean).toBe(3);
    expect(r.halfWidth).toBeCloseTo(2.776 * Math.sqrt(0.5), 10);
    expect(r.low).toBeCloseTo(3 - 2.776 * Math.sqrt(0.5), 10);
    expect(Number.isNaN(meanInterval([1]).halfWidth)).toBe(true);
  });

  it('paired gain counts wins and judges the interval', () => {
    const a = new Map([[1, 0.8], [2, 0.85], [3, 0.9], [4, 0.7]]);
    const b = new Map([[1, 0.75], [2, 0.8], [3, 0.86], [5, 0.1]]);
    const g = pairedGain(a, b);
    expect(g.n).toBe(3); // seed 4 and 5 are unpaired
    expect(g.wins).toBe(3);
    expect(g.mean).toBeCloseTo((0.05 + 0.05 + 0.04) / 3, 12);
    expect(g.verdict).toBe('above');
    const even = pairedGain(new Map([[1, 1], [2, 0], [3, 0.5]]), new Map([[1, 0], [2, 1], [3, 0.5]]));
    expect([even.wins, even.losses, even.ties, even.verdict]).toEqual([1, 1, 1, 'spans']);
    const worse = pairedGain(new Map([[1, 0.5], [2, 0.51], [3, 0.49]]), new Map([[1, 0.6], [2, 0.6], [3, 0.6]]));
    expect(worse.verdict).toBe('below');
  });
});
