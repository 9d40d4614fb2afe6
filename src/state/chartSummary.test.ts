import { describe, expect, it } from 'vitest';
import { lineSummary } from './chartSummary';

describe('chart summaries', () => {
  it('say the range of steps and, per series, the last, lowest and highest value', () => {
    const rows = [
      { step: 5, train: 0.2 },
      { step: 10, train: 0.6, val: 0.5 },
      { step: 15, train: 0.4, val: 0.7 },
    ];
    const pct = (v: number) => `${Math.round(v * 100)}%`;
    expect(lineSummary(rows, [{ key: 'train', name: 'train', format: pct }, { key: 'val', name: 'validation', format: pct }, { key: 'lambda', name: 'λ' }])).toBe(
      '3 points, step 5 to 15. train: last 40%, lowest 20%, highest 60%. validation: last 70%, lowest 50%, highest 70%.',
    );
    expect(lineSummary([{ stage2Step: 0, run1: 0.12345 }], [{ key: 'run1', name: '#1 REFILLED' }], 'stage2Step', 'stage-2 step')).toBe('1 point, stage-2 step 0 to 0. #1 REFILLED: last 0.123, lowest 0.123, highest 0.123.');
    expect(lineSummary([], [{ key: 'x', name: 'x' }])).toBe('No points yet.');
  });
});
