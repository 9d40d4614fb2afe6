import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../protocol/config';
import { resetPlaygroundDbConnection } from '../../storage/db';
import type { StorageError, StorageResult } from '../../storage/errors';
import { getRun, listRuns, saveRun } from '../../storage/runs';
import { summaryOfStoredRun, type RunSummary, type StoredRun } from '../../storage/runSummary';
import { useRunStore } from '../runStore';
import { createPersister, type Persister, type PersisterDeps } from './persister';
import { fakeResult, point, startStreaming } from './testRuns';

/** A clock and timers the test moves by hand. */
function fakeTime() {
  let nowMs = 1_000_000;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  return {
    now: () => nowMs,
    setTimer: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.push({ at: nowMs + ms, fn, id });
      return id;
    },
    clearTimer: (h: unknown) => {
      timers = timers.filter((t) => t.id !== h);
    },
    async advance(ms: number) {
      nowMs += ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= nowMs).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        due.fn();
        await settle();
      }
      await settle();
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const apply = useRunStore.getState().applyEvent;
const metrics = (runId: number, from: number, n: number) =>
  useRunStore.getState().applyEvent({ type: 'metrics', runId, points: Array.from({ length: n }, (_, i) => point(from + i)), numTensors: 1, readbacks: 1 });

/** A save that records every write and resolves when the test says so. */
function recordingSave() {
  const writes: StoredRun[] = [];
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const save = (run: StoredRun): Promise<StorageResult<RunSummary>> => {
    writes.push(structuredClone(run));
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise((resolve) =>
      pending.push(() => {
        inFlight -= 1;
        resolve({ ok: true, value: summaryOfStoredRun(run) });
      }),
    );
  };
  return {
    save,
    writes,
    get maxInFlight() {
      return maxInFlight;
    },
    async resolveAll() {
      while (pending.length > 0) {
        pending.shift()!();
        await settle();
      }
    },
  };
}

let persister: Persister | null = null;
const origin = () => ({ tool: 'app' as const, appVersion: 'test' });

function start(deps: Partial<PersisterDeps> & Pick<PersisterDeps, 'save'>, time = fakeTime()) {
  const saved: RunSummary[] = [];
  const errors: StorageError[] = [];
  persister = createPersister({
    runs: useRunStore,
    idOf: (runId) => `s-${runId}`,
    origin,
    onSaved: (s) => saved.push(s),
    onError: (e) => errors.push(e),
    now: time.now,
    setTimer: time.setTimer,
    clearTimer: time.clearTimer,
    intervalMs: 1500,
    ...deps,
  });
  return { saved, errors, time };
}

beforeEach(() => {
  useRunStore.setState(useRunStore.getInitialState(), true);
  globalThis.indexedDB = new IDBFactory();
  resetPlaygroundDbConnection();
});

afterEach(() => {
  persister?.stop();
  persister = null;
});

describe('persister', () => {
  it('writes at the first step, then at most once per interval while points stream, with the latest points', async () => {
    const io = recordingSave();
    const { time } = start({ save: io.save });
    useRunStore.getState().addRun({ runId: 1, label: 'refilled', config: DEFAULT_CONFIG });
    await settle();
    expect(io.writes).toHaveLength(0); // still loading: nothing to keep yet
    apply({ type: 'status', runId: 1, status: 'running' });
    await settle();
    expect(io.writes.map((w) => [w.id, w.status])).toEqual([['s-1', 'running']]);
    await io.resolveAll();
    for (let k = 0; k < 10; k += 1) {
      metrics(1, k + 1, 1);
      await time.advance(100);
    }
    expect(io.writes).toHaveLength(1); // 1 s of points: the interval has not passed
    await time.advance(500);
    expect(io.writes).toHaveLength(2);
    expect(io.writes[1].series.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await io.resolveAll();
    await time.advance(5000);
    expect(io.writes).toHaveLength(2); // nothing new, nothing written
  });

  it('writes at once on a status change, even within the interval', async () => {
    const io = recordingSave();
    const { time } = start({ save: io.save });
    startStreaming(1, 2);
    await settle();
    await io.resolveAll();
    await time.advance(200);
    apply({ type: 'status', runId: 1, status: 'paused' });
    await settle();
    expect(io.writes.map((w) => w.status)).toEqual(['running', 'paused']);
  });

  it('never overlaps two writes of a run; changes during a write follow it, latest state once', async () => {
    const io = recordingSave();
    const { time } = start({ save: io.save });
    startStreaming(1, 1);
    await settle();
    expect(io.writes).toHaveLength(1); // in flight, unresolved
    metrics(1, 2, 1);
    apply({ type: 'status', runId: 1, status: 'paused' });
    apply({ type: 'status', runId: 1, status: 'running' });
    metrics(1, 3, 1);
    await time.advance(3000);
    expect(io.writes).toHaveLength(1);
    expect(io.maxInFlight).toBe(1);
    await io.resolveAll();
    await time.advance(0);
    expect(io.writes).toHaveLength(2);
    expect(io.writes[1].series.metrics.map((m) => m.step)).toEqual([1, 2, 3]);
    expect(io.writes[1].status).toBe('running');
    apply({ type: 'result', runId: 1, result: fakeResult(0.75, [point(1), point(2), point(3)]) });
    await settle();
    await io.resolveAll();
    expect(io.writes.at(-1)?.status).toBe('done');
    expect(io.writes.at(-1)?.result?.final.testAccuracy).toBe(0.75);
    expect(io.maxInFlight).toBe(1);
  });

  it('flush writes what is pending now and waits for it', async () => {
    const io = recordingSave();
    const { time } = start({ save: io.save });
    startStreaming(1, 1);
    await settle();
    await io.resolveAll();
    metrics(1, 2, 3);
    await time.advance(10);
    expect(io.writes).toHaveLength(1);
    const flushed = persister!.flush();
    await settle();
    expect(io.writes).toHaveLength(2);
    await io.resolveAll();
    await flushed;
    expect(io.writes[1].series.metrics).toHaveLength(4);
  });

  it('does not write runs re-opened from the history, nor runs the user deleted', async () => {
    const io = recordingSave();
    start({ save: io.save, skip: (id) => id === 's-2' });
    startStreaming(2, 2);
    await settle();
    const [reopened] = useRunStore.getState().loadSavedRuns(
      [{ ...useRunStore.getState().runs[0], status: 'done', saved: { id: 'old-1', name: 'old', createdAt: '2026-01-01T00:00:00Z' } }],
      true,
    );
    await settle();
    expect(reopened).toBe(3);
    expect(io.writes).toHaveLength(0);
  });

  it('quota full: the notice is raised, the run goes on, and what was saved before is intact', async () => {
    const time = fakeTime();
    const { errors, saved } = start({ save: (run) => saveRun(run, { keepRenamedName: true }) }, time);
    startStreaming(1, 2);
    await new Promise((r) => setTimeout(r, 50));
    await time.advance(2000);
    await new Promise((r) => setTimeout(r, 50));
    expect(saved.map((s) => s.points)).toEqual([0, 2]);

    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      metrics(1, 3, 5);
      await time.advance(2000);
      await new Promise((r) => setTimeout(r, 50));
      apply({ type: 'result', runId: 1, result: fakeResult(0.9, [point(1)]) });
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.every((e) => e.kind === 'quota')).toBe(true);
    expect(errors[0].message).toMatch(/Storage is full/);
    // The run went on in the store.
    expect(useRunStore.getState().runs[0].status).toBe('done');
    // The first write is intact.
    const kept = await getRun('s-1');
    expect(kept.ok && kept.value?.series.metrics.map((m) => m.step)).toEqual([1, 2]);
    const list = await listRuns();
    expect(list.ok && list.value.map((r) => [r.id, r.status])).toEqual([['s-1', 'running']]);
  });
});
