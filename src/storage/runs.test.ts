import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../protocol/config';
import { RUN_FILE_SCHEMA, RUN_FILE_VERSION } from '../protocol/runFile';
import type { ExperimentResult } from '../protocol/results';
import { DB_NAME, DB_VERSION, openAt, resetPlaygroundDbConnection } from './db';
import { deleteRun, deleteRuns, getRun, listRuns, renameRun, saveRun, type StoredRun } from './runs';
import { getTeacher, type StoredTeacher } from './teachers';

/** A stored run of `points` metric points; finished with `testAccuracy` when given. */
export function storedRun(id: string, createdAt: string, opts: { points?: number; testAccuracy?: number; name?: string } = {}): StoredRun {
  const metrics = Array.from({ length: opts.points ?? 3 }, (_, i) => ({ stage: 1 as const, step: i + 1, epoch: 0, learningRate: 0.1, loss: 1 / (i + 1), stepMs: 5 }));
  const result = opts.testAccuracy === undefined ? undefined : ({ final: { testAccuracy: opts.testAccuracy } } as unknown as ExperimentResult);
  return {
    schema: RUN_FILE_SCHEMA,
    version: RUN_FILE_VERSION,
    id,
    name: opts.name ?? `run ${id}`,
    createdAt,
    updatedAt: createdAt,
    origin: { tool: 'app', appVersion: '0.1.0', backend: { name: 'wasm', reason: 'forced', forced: true } },
    config: { ...DEFAULT_CONFIG, seed: 7 },
    status: result ? 'done' : 'running',
    health: [],
    series: { metrics, evals: [] },
    ...(result ? { result, finishedAt: createdAt } : {}),
  };
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetPlaygroundDbConnection();
});

describe('stored runs', () => {
  it('saves, lists newest first without series, reads back whole and deletes', async () => {
    expect((await saveRun(storedRun('a', '2026-01-01T00:00:00Z', { points: 2 }))).ok).toBe(true);
    const saved = await saveRun(storedRun('b', '2026-01-02T00:00:00Z', { points: 4, testAccuracy: 0.625 }));
    expect(saved.ok && saved.value).toMatchObject({ id: 'b', status: 'done', testAccuracy: 0.625, points: 4, seed: 7, backend: 'wasm', health: 'ok' });
    const list = await listRuns();
    expect(list.ok && list.value.map((r) => [r.id, r.points, r.testAccuracy])).toEqual([['b', 4, 0.625], ['a', 2, null]]);
    expect(list.ok && 'series' in list.value[0]).toBe(false);
    const got = await getRun('a');
    expect(got.ok && got.value?.series.metrics.map((m) => m.step)).toEqual([1, 2]);
    expect((await deleteRun('a')).ok).toBe(true);
    const after = await listRuns();
    expect(after.ok && after.value.map((r) => r.id)).toEqual(['b']);
    const gone = await getRun('a');
    expect(gone.ok && gone.value).toBeUndefined();
  });

  it('replaces a run saved again under its id (a streaming run grows)', async () => {
    await saveRun(storedRun('a', '2026-01-01T00:00:00Z', { points: 1 }));
    await saveRun(storedRun('a', '2026-01-01T00:00:00Z', { points: 5, testAccuracy: 0.5 }));
    const list = await listRuns();
    expect(list.ok && list.value.map((r) => [r.id, r.points, r.status])).toEqual([['a', 5, 'done']]);
  });

  it('renames a run, and a later save of the streaming run keeps the new name', async () => {
    await saveRun(storedRun('a', '2026-01-01T00:00:00Z'));
    const renamed = await renameRun('a', '  my best run ');
    expect(renamed.ok && renamed.value?.name).toBe('my best run');
    await saveRun(storedRun('a', '2026-01-01T00:00:00Z', { points: 9 }), { keepRenamedName: true });
    const got = await getRun('a');
    expect(got.ok && [got.value?.name, got.value?.series.metrics.length, got.value?.renamed]).toEqual(['my best run', 9, true]);
    // Without the option (an import replacing a record) the name written wins.
    await saveRun(storedRun('a', '2026-01-01T00:00:00Z', { name: 'imported' }));
    const list = await listRuns();
    expect(list.ok && list.value[0].name).toBe('imported');
  });

  it('refuses an empty name and a record that is not a run, as values', async () => {
    await saveRun(storedRun('a', '2026-01-01T00:00:00Z'));
    const r = await renameRun('a', '   ');
    expect(!r.ok && r.error.kind).toBe('invalid');
    const bad = await saveRun({ id: 'x' } as unknown as StoredRun);
    expect(!bad.ok && bad.error.kind).toBe('invalid');
    const missing = await renameRun('nope', 'name');
    expect(missing.ok && missing.value).toBeUndefined();
  });

  it('deletes several runs at once and ignores unknown ids', async () => {
    for (const id of ['a', 'b', 'c']) await saveRun(storedRun(id, `2026-01-0${id.charCodeAt(0) - 96}T00:00:00Z`));
    expect((await deleteRuns(['a', 'c', 'zzz'])).ok).toBe(true);
    const list = await listRuns();
    expect(list.ok && list.value.map((r) => r.id)).toEqual(['b']);
  });

  it('says storage is unavailable, without throwing, where there is no IndexedDB', async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error: a private window without IndexedDB
    delete globalThis.indexedDB;
    try {
      const r = await saveRun(storedRun('a', '2026-01-01T00:00:00Z'));
      expect(!r.ok && r.error.kind).toBe('unavailable');
    } finally {
      globalThis.indexedDB = saved;
    }
  });
});

describe('migration v1 → v2', () => {
  it('keeps a teacher and a run written at v1 and gives the run its summary', async () => {
    expect(DB_VERSION).toBe(2);
    const v1 = await openAt(DB_NAME, 1);
    if (!v1.ok) throw new Error(v1.error.message);
    expect([...v1.value.objectStoreNames].sort()).toEqual(['runs', 'teachers']);
    const teacher: StoredTeacher = {
      id: 'user:t',
      title: 't',
      dataset: 'mnist',
      classes: null,
      source: 'upload',
      createdAt: '2026-01-01T00:00:00Z',
      embeddingLayer: 'embedding',
      modelJson: {},
      weightData: new Float32Array([3]).buffer,
    };
    await v1.value.put('teachers', teacher);
    await v1.value.put('runs', storedRun('old', '2025-12-31T00:00:00Z', { testAccuracy: 0.75 }));
    await v1.value.put('runs', { id: 'junk', createdAt: '2025-12-30T00:00:00Z' });
    v1.value.close();

    const list = await listRuns();
    expect(list.ok && list.value.map((r) => [r.id, r.testAccuracy])).toEqual([['old', 0.75]]);
    const t = await getTeacher('user:t');
    expect(t.ok && t.value && Array.from(new Float32Array(t.value.weightData))).toEqual([3]);
    const run = await getRun('old');
    expect(run.ok && run.value?.series.metrics.length).toBe(3);
  });
});
