/** The History panel and the saved-run caption, rendered to static HTML in Node. */
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { summaryOfStoredRun } from '../../storage/runSummary';
import { useHistoryStore } from '../../state/history';
import { useRunStore } from '../../state/runStore';
import { storedRunToRunRecord } from '../../state/history/runFileOf';
import { startStreaming, storedRun } from '../../state/history/testRuns';
import { RunCaption } from '../labels/RunCaption';
import { HistoryPanel } from './HistoryPanel';

// Server rendering reads a zustand store's *initial* state; read the current one instead.
vi.mock('../../state/history', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../state/history')>();
  const hook = <T,>(selector: (s: ReturnType<typeof real.useHistoryStore.getState>) => T) => selector(real.useHistoryStore.getState());
  return { ...real, useHistoryStore: Object.assign(hook, real.useHistoryStore) };
});
vi.mock('../../state/runStore', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../state/runStore')>();
  const hook = <T,>(selector: (s: ReturnType<typeof real.useRunStore.getState>) => T) => selector(real.useRunStore.getState());
  return { ...real, useRunStore: Object.assign(hook, real.useRunStore) };
});

const testIds = (html: string) => [...html.matchAll(/data-testid="([^"]+)"/g)].map((m) => m[1]);

beforeEach(() => {
  useRunStore.setState(useRunStore.getInitialState(), true);
  useHistoryStore.setState(useHistoryStore.getInitialState(), true);
});

describe('history panel', () => {
  it('says when there is nothing saved yet', () => {
    useHistoryStore.setState({ phase: 'ready' });
    const html = renderToStaticMarkup(<HistoryPanel />);
    expect(html).toContain('0 saved runs');
    expect(html).toContain('No saved runs yet');
    expect(testIds(html)).not.toContain('history-reopen-last');
  });

  it('lists runs with their columns and offers to re-open the last finished one', () => {
    const rows = [storedRun('x-2', '2026-01-02T00:00:00.000Z', { status: 'running' }), storedRun('x-1', '2026-01-01T00:00:00.000Z', { testAccuracy: 0.75 })];
    useHistoryStore.setState({ phase: 'ready', summaries: rows.map(summaryOfStoredRun), selected: ['x-1'] });
    const html = renderToStaticMarkup(<HistoryPanel />);
    expect(testIds(html).filter((t) => t === 'history-row')).toHaveLength(2);
    expect(html).toContain('2 saved runs');
    expect(html).toContain('1 run selected');
    expect(html).toMatch(/data-testid="history-test-accuracy">75.0%</);
    expect(html).toMatch(/data-status="stopped"[^>]*>stopped \(page closed\)</);
    expect(testIds(html)).toContain('history-reopen-last');
  });

  it('while a run trains here, its row cannot be deleted and nothing can be re-opened', () => {
    startStreaming(1, 1);
    useHistoryStore.setState({ phase: 'ready', summaries: [summaryOfStoredRun(storedRun('old-1', '2026-01-01T00:00:00.000Z', { testAccuracy: 0.5 }))] });
    const html = renderToStaticMarkup(<HistoryPanel />);
    expect(html).toMatch(/<button[^>]*data-testid="history-open"[^>]*disabled=""/);
  });

  it('shows the storage notice', () => {
    useHistoryStore.getState().report({ kind: 'quota', message: 'Storage is full: nothing more can be saved.' });
    const html = renderToStaticMarkup(<HistoryPanel />);
    expect(html).toMatch(/data-testid="storage-notice" data-kind="quota"/);
    expect(html).toContain('Storage is full');
  });
});

describe('saved-run caption', () => {
  it('says the charts show a saved run', () => {
    const [runId] = useRunStore.getState().loadSavedRuns([storedRunToRunRecord(storedRun('x-1', '2026-01-01T00:00:00.000Z', { testAccuracy: 0.75 }), 0)], true);
    expect(runId).toBe(1);
    const html = renderToStaticMarkup(<RunCaption />);
    expect(html).toContain('data-testid="saved-run-caption"');
    expect(html).toContain('saved run “run x-1”');
  });
});
