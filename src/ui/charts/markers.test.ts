import { describe, expect, it } from 'vitest';
import { CLASS_SHAPES } from '../palette';
import { markerPath } from './markers';

describe('marker paths', () => {
  it('give every class shape a closed path of finite coordinates around the origin', () => {
    for (const shape of new Set(CLASS_SHAPES)) {
      const d = markerPath(shape, 5);
      expect(d, shape).toMatch(/^M.*Z$/);
      const numbers = (d.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
      expect(numbers.every(Number.isFinite), shape).toBe(true);
      if (shape !== 'circle') expect(Math.max(...numbers.map(Math.abs)), shape).toBeLessThanOrEqual(5 * 1.4);
    }
  });
});
