/**
 * The Compare panel's data-testid contract, rendered to static HTML in Node: the seed control
 * (from the link's compareSeeds), the summary rows and gains the browser tests read, the charts.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, type Method } from '../../protocol/config';
import type { ExperimentResult } from '../../protocol/results';
import { useConfigStore } from '../../state/configStore';
import { useRunStore } from '../../state/runStore';
import { ComparePanel } from './ComparePanel';

// Server rendering reads a zustand store's *initial* state; read the current one instead.
vi.mock('../../state/configStore', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../state/configStore')>();
  const hook = <T,>(selector: (s: ReturnType<typeof real.useConfigStore.getState>) => T) => selector(real.useConfigStore.getState());
  return { ...real, useConfigStore: Object.assign(hook, real.useConfigStore) };
});
vi.mock('../../state/runStore', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../state/runStore')>();
  const hook = <T,>(selector: (s: ReturnType<typeof real.useRunStore.getState>) => T) => selector(real.useRunStore.getState());
  return { ...real, useRunStore: Object.assign(hook, real.useRunStore) };
});

const finish = (runId: number, method: Method, testAccuracy: number) =>
  useRunStore.getState().applyEvent({ type: 'result', runId, result: { method, final: { testAccuracy }, timing: { totalMs: 1 }, series: { metrics: [], evals: [] }, readbacks: 0 } as unknown as ExperimentResult });

beforeEach(() => {
  useRunStore.setState(useRunStore.getInitialState(), true);
  useConfigStore.getState().loadHash('#seed=4&compareSeeds=2');
});

describe('compare panel', () => {
  it('shows the seed count from the link next to the Compare button', () => {
    const html = renderToStaticMarkup(<ComparePanel />);
    expect(html).toContain('data-testid="compare-seeds"');
    expect(html).toMatch(/<option value="2" selected="">2<\/option>/);
    expect(html).toContain('seeds 4–5');
    expect(html).not.toContain('data-testid="compare-summary"');
  });

  it('summarises a comparison: mean ± std per method, the paired gains and their verdicts', () => {
    const store = useRunStore.getState();
    store.beginComparison(['vanilla', 'stage1-only', 'refilled'], [4, 5]);
    const acc: Record<string, number[]> = { vanilla: [0.8, 0.76], 'stage1-only': [0.8, 0.77], refilled: [0.83, 0.8] };
    let runId = 0;
    for (const [s, seed] of [4, 5].entries()) {
      for (const method of ['vanilla', 'stage1-only', 'refilled'] as const) {
        useRunStore.getState().takeNextComparison();
        useRunStore.getState().addRun({ runId: ++runId, label: `${method} · seed ${seed}`, config: { ...DEFAULT_CONFIG, method, seed }, inComparison: true });
        finish(runId, method, acc[method][s]);
      }
    }
    const html = renderToStaticMarkup(<ComparePanel />);
    expect(html).toContain('data-testid="compare-summary"');
    expect(html.match(/data-testid="summary-method"/g)).toHaveLength(3);
    expect(html).toMatch(/data-method="vanilla" data-n="2" data-mean="0.78"/);
    expect(html).toContain('78.0 ± 2.8 %');
    expect(html.match(/data-testid="summary-gain"/g)).toHaveLength(2);
    // REFILLED − vanilla: +0.03, +0.04 → +3.5 ± 0.7, t(1) = 12.706 → ± 6.4
    expect(html).toContain('REFILLED won on 2 of 2 seeds, +3.5 ± 0.7 points, 95 % interval [-2.9, +9.9]');
    expect(html).toContain('not distinguishable from seed noise');
    for (const id of ['chart-compare', 'chart-compare-loss', 'results-table']) expect(html).toContain(`data-testid="${id}"`);
  });
});
