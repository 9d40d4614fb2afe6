import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../protocol/config';
import { RUN_FILE_SCHEMA, RUN_FILE_VERSION, type RunOrigin } from '../../protocol/runFile';
import { useRunStore } from '../runStore';
import { runRecordToRunFile, runRecordToStoredRun, storedRunToRunRecord } from './runFileOf';
import { fakeResult, point, startStreaming, storedRun } from './testRuns';

const origin: RunOrigin = { tool: 'app', appVersion: '0.1.0', backend: { name: 'wasm', reason: 'forced', forced: true } };
const run = (runId: number) => useRunStore.getState().runs.find((r) => r.runId === runId)!;

beforeEach(() => {
  useRunStore.setState(useRunStore.getInitialState(), true);
});

describe('run record → run file', () => {
  it('writes a streaming run with the points it kept, its times and origin', () => {
    startStreaming(1, 4);
    useRunStore.setState({ runs: [{ ...run(1), startedAtMs: Date.UTC(2026, 0, 2, 3, 4, 5) }] });
    const file = runRecordToRunFile(run(1), origin);
    expect(file).toMatchObject({ schema: RUN_FILE_SCHEMA, version: RUN_FILE_VERSION, name: 'refilled', createdAt: '2026-01-02T03:04:05.000Z', status: 'running', origin });
    expect(file.finishedAt).toBeUndefined();
    expect(file.result).toBeUndefined();
    expect(file.series.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4]);
    expect(file.config.studentClasses).toEqual([5, 6, 7]);
  });

  it("takes a finished run's series from its result (every point, not the store's thinned ones)", () => {
    startStreaming(1, 2);
    const full = [point(1), point(2), point(3)];
    useRunStore.getState().applyEvent({ type: 'result', runId: 1, result: fakeResult(0.8, full) });
    const stored = runRecordToStoredRun(run(1), 's-1', origin, Date.UTC(2026, 0, 1));
    expect(stored.series.metrics).toBe(full);
    expect(stored).toMatchObject({ id: 's-1', status: 'done', updatedAt: '2026-01-01T00:00:00.000Z' });
    expect(stored.result?.final.testAccuracy).toBe(0.8);
    expect(typeof stored.finishedAt).toBe('string');
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
  });

  it('keeps the comparison a run belongs to', () => {
    useRunStore.getState().beginComparison(['vanilla', 'refilled'], [1, 2]);
    useRunStore.getState().addRun({ runId: 1, label: 'vanilla · seed 1', config: DEFAULT_CONFIG, inComparison: true });
    expect(runRecordToStoredRun(run(1), 'x', origin, 0).comparison).toEqual({ id: 1, seedCount: 2 });
  });
});

describe('stored run → run record', () => {
  it('comes back as a finished run with its points, result and the saved-run mark', () => {
    const r = storedRunToRunRecord(storedRun('s-3', '2026-02-01T00:00:00.000Z', { testAccuracy: 0.7 }), 9);
    expect(r).toMatchObject({ runId: 9, label: 'run s-3', status: 'done', visible: true, fromComparison: false, saved: { id: 's-3', name: 'run s-3', createdAt: '2026-02-01T00:00:00.000Z' } });
    expect(r.metrics.map((m) => m.step)).toEqual([1, 2, 3]);
    expect(r.evals).toHaveLength(1);
    expect(r.result?.final.testAccuracy).toBe(0.7);
    expect(r.firstLoss).toEqual({ 1: 1, 2: 1 / 3 });
    expect(r.startedAtMs).toBe(Date.UTC(2026, 1, 1));
    expect(r.finishedAtMs).toBe(Date.UTC(2026, 1, 1));
  });

  it('turns a run the tab closed while it streamed into a stopped run that says so', () => {
    const r = storedRunToRunRecord(storedRun('s-4', '2026-02-01T00:00:00.000Z', { status: 'running' }), 2);
    expect(r.status).toBe('stopped');
    expect(r.saved.cutShort).toBe('running');
    expect(r.detail).toMatch(/closed/);
    expect(r.result).toBeUndefined();
  });

  it('regroups a stored comparison only under the id it is given', () => {
    const stored = storedRun('s-5', '2026-02-01T00:00:00.000Z', { testAccuracy: 0.5, comparison: { id: 1, seedCount: 3 } });
    expect(storedRunToRunRecord(stored, 1).comparison).toBeUndefined();
    expect(storedRunToRunRecord(stored, 1, -4).comparison).toEqual({ id: -4, seedCount: 3 });
  });

  it('round-trips: a stored run re-opened and written again is the same file', () => {
    const stored = storedRun('s-6', '2026-02-01T00:00:00.000Z', { testAccuracy: 0.6 });
    const again = runRecordToRunFile(storedRunToRunRecord(stored, 1), stored.origin);
    const { id: _id, updatedAt: _u, ...file } = stored;
    expect(again).toEqual(file);
  });
});
