import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetPlaygroundDbConnection } from '../../storage/db';
import { deleteRuns, getRun, listRuns, renameRun, saveRun } from '../../storage/runs';
import { useRunStore } from '../runStore';
import { createHistoryStore, selectLastFinished, type HistoryStorage } from './historyStore';
import { sessionRunIdOf, sessionRunStorageId } from './ids';
import { startStreaming, storedRun } from './testRuns';

const storage: HistoryStorage = { listRuns, getRun, saveRun, renameRun, deleteRuns };
const make = (s: HistoryStorage = storage) => createHistoryStore({ storage: s, runs: useRunStore, sessionRunIdOf: (id) => sessionRunIdOf(id, 'now') });
const runs = () => useRunStore.getState().runs;

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  resetPlaygroundDbConnection();
  useRunStore.setState(useRunStore.getInitialState(), true);
  await saveRun(storedRun('old-1', '2026-01-01T00:00:00.000Z', { testAccuracy: 0.6 }));
  await saveRun(storedRun('old-2', '2026-01-02T00:00:00.000Z', { status: 'running' }));
  await saveRun(storedRun('old-3', '2026-01-03T00:00:00.000Z', { testAccuracy: 0.7 }));
});

describe('session ids', () => {
  it('are per session and read back only for the same session', () => {
    expect(sessionRunStorageId(4, 'abc')).toBe('abc-4');
    expect(sessionRunIdOf('abc-4', 'abc')).toBe(4);
    expect(sessionRunIdOf('abd-4', 'abc')).toBeNull();
    expect(sessionRunIdOf('abc-x', 'abc')).toBeNull();
    expect(sessionRunStorageId(1)).not.toBe(sessionRunStorageId(1, 'other'));
  });
});

describe('history store', () => {
  it('lists stored runs newest first and offers the last finished one', async () => {
    const h = make();
    await h.getState().refresh();
    expect(h.getState().phase).toBe('ready');
    expect(h.getState().summaries.map((r) => r.id)).toEqual(['old-3', 'old-2', 'old-1']);
    expect(selectLastFinished(h.getState())?.id).toBe('old-3');
  });

  it("shows this session's runs live as the persister writes them, and keeps them over a slower listing", async () => {
    const h = make();
    const live = await saveRun(storedRun('now-1', '2026-03-01T00:00:00.000Z', { status: 'running' }));
    if (!live.ok) throw new Error('save failed');
    h.getState().upsert(live.value);
    await h.getState().refresh();
    expect(h.getState().summaries.map((r) => r.id)).toEqual(['now-1', 'old-3', 'old-2', 'old-1']);
    h.getState().upsert({ ...live.value, status: 'done', testAccuracy: 0.9 });
    expect(h.getState().summaries[0]).toMatchObject({ id: 'now-1', status: 'done', testAccuracy: 0.9 });
    expect(h.getState().summaries).toHaveLength(4);
  });

  it('re-opens a stored run into the charts as a finished saved run, once', async () => {
    const h = make();
    startStreaming(1, 2);
    expect(await h.getState().reopen('old-3')).toBe(true);
    const state = useRunStore.getState();
    const opened = state.runs.find((r) => r.saved?.id === 'old-3');
    expect(opened).toMatchObject({ runId: 2, status: 'done', label: 'run old-3' });
    expect(opened?.metrics).toHaveLength(3);
    expect(state.activeRunId).toBe(2);
    // Again: the same record, not a second one.
    useRunStore.getState().activateRun(1);
    expect(await h.getState().reopen('old-3')).toBe(true);
    expect(runs().filter((r) => r.saved?.id === 'old-3')).toHaveLength(1);
    expect(useRunStore.getState().activeRunId).toBe(2);
  });

  it("re-opening a run of this session shows the session's record, not a copy", async () => {
    const h = make();
    startStreaming(1, 2);
    startStreaming(2, 1);
    expect(await h.getState().reopen('now-1')).toBe(true);
    expect(useRunStore.getState().activeRunId).toBe(1);
    expect(runs()).toHaveLength(2);
  });

  it('shows several runs in Compare without changing the active run; a stored comparison stays grouped', async () => {
    await saveRun(storedRun('prev-1', '2026-01-04T00:00:00.000Z', { testAccuracy: 0.5, comparison: { id: 1, seedCount: 2 } }));
    await saveRun(storedRun('prev-2', '2026-01-04T00:01:00.000Z', { testAccuracy: 0.55, comparison: { id: 1, seedCount: 2 } }));
    const h = make();
    startStreaming(1, 1);
    await h.getState().showInCompare(['old-1', 'prev-1', 'prev-2']);
    expect(useRunStore.getState().activeRunId).toBe(1);
    expect(runs().map((r) => [r.runId, r.saved?.id ?? null, r.visible])).toEqual([
      [1, null, true],
      [2, 'old-1', true],
      [3, 'prev-1', true],
      [4, 'prev-2', true],
    ]);
    const [a, b] = [runs()[2].comparison, runs()[3].comparison];
    expect(a?.id).toBeLessThan(0);
    expect(a).toEqual(b);
    expect(runs()[1].comparison).toBeUndefined();
  });

  it('renames inline: the row at once, storage after; an empty name changes nothing', async () => {
    const h = make();
    await h.getState().refresh();
    await h.getState().rename('old-1', 'baseline run');
    expect(h.getState().summaries.find((r) => r.id === 'old-1')?.name).toBe('baseline run');
    const got = await getRun('old-1');
    expect(got.ok && got.value?.name).toBe('baseline run');
    await h.getState().rename('old-1', '   ');
    expect(h.getState().summaries.find((r) => r.id === 'old-1')?.name).toBe('baseline run');
  });

  it('deletes selected runs, and undo puts them back whole', async () => {
    const h = make();
    await h.getState().refresh();
    h.getState().toggleSelected('old-1');
    h.getState().toggleSelected('old-2');
    await h.getState().remove(h.getState().selected);
    expect(h.getState().summaries.map((r) => r.id)).toEqual(['old-3']);
    expect(h.getState().selected).toEqual([]);
    expect(h.getState().deletedIds).toEqual(['old-1', 'old-2']);
    const listed = await listRuns();
    expect(listed.ok && listed.value.map((r) => r.id)).toEqual(['old-3']);
    // A late write of a deleted run does not bring its row back.
    const late = await listRuns();
    h.getState().upsert({ ...(late.ok ? late.value[0] : ({} as never)), id: 'old-1' });
    expect(h.getState().summaries.map((r) => r.id)).toEqual(['old-3']);

    await h.getState().undoRemove();
    expect(h.getState().summaries.map((r) => r.id)).toEqual(['old-3', 'old-2', 'old-1']);
    expect(h.getState().deletedIds).toEqual([]);
    const back = await getRun('old-1');
    expect(back.ok && back.value?.series.metrics).toHaveLength(3);
    expect(h.getState().undo).toBeNull();
  });

  it('shows a storage problem once per kind, until dismissed', async () => {
    const failing: HistoryStorage = { ...storage, listRuns: async () => ({ ok: false, error: { kind: 'unavailable', message: 'no storage here' } }) };
    const h = make(failing);
    await h.getState().refresh();
    expect(h.getState().phase).toBe('ready');
    expect(h.getState().notice?.kind).toBe('unavailable');
    h.getState().dismissNotice();
    h.getState().report({ kind: 'unavailable', message: 'again' });
    expect(h.getState().notice).toBeNull();
    h.getState().report({ kind: 'quota', message: 'Storage is full' });
    expect(h.getState().notice?.kind).toBe('quota');
  });

  it('re-opening a run that is gone answers false and adds nothing', async () => {
    const h = make();
    expect(await h.getState().reopen('nope')).toBe(false);
    expect(runs()).toHaveLength(0);
  });
});
