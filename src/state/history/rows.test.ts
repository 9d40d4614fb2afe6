import { describe, expect, it } from 'vitest';
import { summaryOfStoredRun } from '../../storage/runSummary';
import { DEFAULT_CONFIG } from '../../protocol/config';
import { useRunStore } from '../runStore';
import { historyRow, historyRows, liveStoredIds } from './rows';
import { startStreaming, storedRun } from './testRuns';

const summary = (opts: Parameters<typeof storedRun>[2] = {}, id = 'a-1') => summaryOfStoredRun({ ...storedRun(id, '2026-03-04T05:06:00.000Z', opts), config: { ...DEFAULT_CONFIG, dataset: 'mnist', studentClasses: [5, 6], shotsPerClass: 10, seed: 4, method: 'refilled', preset: 'tpami' } });

describe('history rows', () => {
  it('shows the task, method, preset, shots, seed, accuracy and status of a finished run', () => {
    const row = historyRow(summary({ testAccuracy: 0.8125 }), false);
    expect(row).toMatchObject({ task: 'MNIST digits · 5, 6', method: 'REFILLED', preset: 'tpami', shots: '10', seed: 4, testAccuracy: '81.3%', status: 'done', statusText: 'done', live: false, tool: 'cli' });
    expect(row.day.length).toBeGreaterThan(0);
    expect(row.time.length).toBeGreaterThan(0);
  });

  it('a run that was streaming when its page closed shows as stopped; one this page trains shows live', () => {
    expect(historyRow(summary({ status: 'running' }), false)).toMatchObject({ status: 'stopped', statusText: 'stopped (page closed)', testAccuracy: '—' });
    expect(historyRow(summary({ status: 'running' }), true)).toMatchObject({ status: 'running', statusText: 'running', live: true });
  });

  it('names why a failed run failed', () => {
    const failed = summaryOfStoredRun({ ...storedRun('f-1', '2026-01-01T00:00:00.000Z', { testAccuracy: 0.5, status: 'failed' }), health: [{ kind: 'chance-accuracy', on: 'test', accuracy: 0.5, chance: 0.5, tolerance: 0.05, images: 200, live: false }] });
    const row = historyRow(failed, false);
    expect(row.status).toBe('failed');
    expect(row.health).toBe('failed');
    expect(row.statusText).toMatch(/^failed: /);
  });

  it('knows which stored runs this page is training', () => {
    useRunStore.setState(useRunStore.getInitialState(), true);
    startStreaming(1, 1);
    startStreaming(2, 1);
    useRunStore.getState().applyEvent({ type: 'status', runId: 1, status: 'stopped' });
    const live = liveStoredIds(useRunStore.getState().runs, (id) => `s-${id}`);
    expect(live).toBe('s-2');
    expect(historyRows([summary({ status: 'running' }, 's-2'), summary({ status: 'running' }, 's-1')], live).map((r) => r.status)).toEqual(['running', 'stopped']);
  });
});
