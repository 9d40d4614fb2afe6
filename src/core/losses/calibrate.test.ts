import { describe, expect, it } from 'vitest';
import { calibrateTemperature, localClassifierStats } from './calibrate';

describe('teacher local classifier', () => {
  it('a uniform q: max-prob 1/C, entropy ln C', () => {
    const s = localClassifierStats([3, 3, 3, 1, 1, 1], [0, 2], 3, 2);
    expect(s.meanMaxProb).toBeCloseTo(1 / 3, 12);
    expect(s.meanEntropy).toBeCloseTo(Math.log(3), 12);
    expect(s.nll).toBeCloseTo(Math.log(3), 12);
  });

  it('statistics at a given τ by hand', () => {
    // Two classes, scores [2, 0]: q_0 = σ(2/τ). At τ = 2: σ(1) = 0.731059.
    const s = localClassifierStats([2, 0, 2, 0], [0, 1], 2, 2);
    const q = 1 / (1 + Math.exp(-1));
    expect(s.meanMaxProb).toBeCloseTo(q, 6);
    expect(s.argmaxAccuracy).toBe(0.5);
    expect(s.nll).toBeCloseTo((-Math.log(q) - Math.log(1 - q)) / 2, 6);
    expect(s.meanEntropy).toBeCloseTo(-(q * Math.log(q) + (1 - q) * Math.log(1 - q)), 6);
  });

  it('temperature scaling finds the analytic optimum', () => {
    // Every image scores [2, 0]; 4 of 5 are class 0. NLL is minimal where σ(2/τ) = 0.8,
    // i.e. τ* = 2 / ln 4 = 1.442695…; there q's max-prob is 0.8 and its entropy H(0.8).
    const scores = [2, 0, 2, 0, 2, 0, 2, 0, 2, 0];
    const r = calibrateTemperature(scores, [0, 0, 0, 0, 1], 2);
    expect(r.tau).toBeCloseTo(2 / Math.log(4), 3);
    expect(r.meanMaxProb).toBeCloseTo(0.8, 4);
    expect(r.meanEntropy).toBeCloseTo(-(0.8 * Math.log(0.8) + 0.2 * Math.log(0.2)), 4);
  });

  it('scales with the scores: τ*(c·s) = c·τ*(s)', () => {
    const scores = [0.9, 0.1, 0.3, 0.2, 0.8, 0.1, 0.4, 0.5, 0.2, 0.1, 0.1, 0.7];
    const labels = [0, 1, 0, 1];
    const a = calibrateTemperature(scores, labels, 3);
    const b = calibrateTemperature(scores.map((x) => x * 10), labels, 3);
    expect(b.tau / a.tau).toBeCloseTo(10, 2);
    expect(b.nll).toBeCloseTo(a.nll, 6);
  });

  it('perfectly separated scores run to the lower end of the range', () => {
    const r = calibrateTemperature([1, 0, 0, 1], [0, 1], 2, { min: 0.05, max: 10 });
    expect(r.tau).toBeCloseTo(0.05, 6);
    expect(r.argmaxAccuracy).toBe(1);
  });
});
