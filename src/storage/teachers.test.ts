import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DB_VERSION, openAt, resetPlaygroundDbConnection } from './db';
import { deleteTeacher, getTeacher, listTeachers, putTeacher, type StoredTeacher } from './teachers';

const teacher = (id: string, createdAt: string): StoredTeacher => ({
  id,
  title: `teacher ${id}`,
  dataset: 'fashion-mnist',
  classes: [0, 1, 2],
  source: 'upload',
  createdAt,
  embeddingLayer: 'embedding',
  modelJson: { modelTopology: { class_name: 'Sequential' }, weightSpecs: [{ name: 'w', shape: [2], dtype: 'float32' }] },
  weightData: new Float32Array([1, 2]).buffer,
});

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetPlaygroundDbConnection();
});

describe('stored teachers', () => {
  it('keeps, lists (oldest first, without weights), reads back and deletes', async () => {
    expect((await putTeacher(teacher('user:b', '2026-01-02T00:00:00Z'))).ok).toBe(true);
    expect((await putTeacher(teacher('user:a', '2026-01-01T00:00:00Z'))).ok).toBe(true);
    const list = await listTeachers();
    expect(list.ok && list.value.map((t) => [t.id, t.sizeBytes])).toEqual([['user:a', 8], ['user:b', 8]]);
    expect(list.ok && 'weightData' in list.value[0]).toBe(false);
    const got = await getTeacher('user:a');
    expect(got.ok && got.value && Array.from(new Float32Array(got.value.weightData))).toEqual([1, 2]);
    expect((await deleteTeacher('user:a')).ok).toBe(true);
    const after = await getTeacher('user:a');
    expect(after.ok && after.value).toBeUndefined();
  });

  it('refuses an id that could clash with a shipped teacher', async () => {
    const r = await putTeacher(teacher('fashion-0-4', '2026-01-01T00:00:00Z'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.kind).toBe('invalid');
  });

  it('says storage is unavailable, without throwing, where there is no IndexedDB', async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error: a private window without IndexedDB
    delete globalThis.indexedDB;
    try {
      const r = await listTeachers();
      expect(!r.ok && r.error.kind).toBe('unavailable');
      expect(!r.ok && r.error.message).toMatch(/no storage/);
    } finally {
      globalThis.indexedDB = saved;
    }
  });

  it('refuses to open a database written by a newer version, as a value', async () => {
    const newer = await openAt('refilled-playground', DB_VERSION + 1);
    expect(newer.ok).toBe(true);
    if (newer.ok) newer.value.close();
    const r = await listTeachers();
    expect(!r.ok && r.error.kind).toBe('version');
  });
});
