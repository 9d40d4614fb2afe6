/**
 * For tests: runs a suite twice, with one fused operation's kernels (mode `all`) and with
 * tfjs's own operations (`none`), so that hand-computed values and invariants hold for both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFusedMode } from './index';
import { fused, type FUSED } from './ops';

export function describeBothPaths(op: keyof typeof FUSED, suite: () => void): void {
  describe.each(['all', 'none'] as const)('with fused kernels: %s', (mode) => {
    beforeAll(() => setFusedMode(mode));
    afterAll(() => setFusedMode('auto'));

    it('uses the path it names', () => {
      expect(fused(op)).toBe(mode === 'all');
    });

    suite();
  });
}
