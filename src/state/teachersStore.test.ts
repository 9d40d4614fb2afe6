import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { storedTeacherInfo } from '../protocol/teacherRegistry';
import type { PickedFile } from '../protocol/teacherUpload';
import { resetPlaygroundDbConnection } from '../storage/db';
import { listTeachers } from '../storage/teachers';
import { useConfigStore } from './configStore';
import { useTeachersStore } from './teachersStore';

/** Flatten → Dense "embedding" (784→2) → Dense head (2→3), all weights 0.5. */
const PARAMS = 784 * 2 + 2 + 2 * 3 + 3;
const MODEL_JSON = JSON.stringify({
  format: 'layers-model',
  modelTopology: {
    class_name: 'Sequential',
    config: {
      layers: [
        { class_name: 'Flatten', config: { name: 'flatten', batch_input_shape: [null, 28, 28, 1] } },
        { class_name: 'Dense', config: { name: 'embedding', units: 2 } },
        { class_name: 'Dense', config: { name: 'head', units: 3 } },
      ],
    },
  },
  weightsManifest: [
    {
      paths: ['weights.bin'],
      weights: [
        { name: 'embedding/kernel', shape: [784, 2], dtype: 'float32' },
        { name: 'embedding/bias', shape: [2], dtype: 'float32' },
        { name: 'head/kernel', shape: [2, 3], dtype: 'float32' },
        { name: 'head/bias', shape: [3], dtype: 'float32' },
      ],
    },
  ],
});
const picked = (name: string, bytes: Uint8Array): PickedFile => ({ name, size: bytes.byteLength, arrayBuffer: async () => bytes.slice().buffer });
const FILES = [picked('model.json', new TextEncoder().encode(MODEL_JSON)), picked('weights.bin', new Uint8Array(new Float32Array(PARAMS).fill(0.5).buffer))];
const CARD = { testAccuracy: 0.9, testImages: 600, ncmOtherClasses: 0.7, ncmClasses: [5, 6, 7, 8, 9], parameters: PARAMS, embeddingSize: 2 };

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetPlaygroundDbConnection();
  useConfigStore.getState().resetConfig();
  useTeachersStore.setState({ stored: [], loaded: false, storageError: null });
  useTeachersStore.getState().resetUpload();
});

describe('the teachers store', () => {
  it('checks picked files, keeps the upload with its card, registers and picks it; delete returns to a shipped teacher', async () => {
    const store = useTeachersStore.getState();
    await store.pickFiles(FILES);
    expect(useTeachersStore.getState().upload.check).toMatchObject({ ok: true, model: { headUnits: 3, embeddingLayer: 'embedding' } });
    store.setUpload({ dataset: 'mnist' });
    store.toggleUploadClass(4);
    store.toggleUploadClass(0);
    store.toggleUploadClass(2);
    expect(useTeachersStore.getState().upload.classes).toEqual([4, 0, 2]);
    // Not without a card.
    expect(await store.keepUpload()).toBeNull();
    store.setCard({ ok: true, card: CARD });
    const id = await store.keepUpload(new Date('2026-11-27T12:00:00Z'), () => 0.5);
    expect(id).toBe(`user:${(2 ** 47).toString(36)}`);
    expect(storedTeacherInfo(id!)).toEqual({ id, title: 'My teacher 1', dataset: 'mnist', classes: [4, 0, 2], classesKnown: true });
    const config = useConfigStore.getState();
    expect(config.config).toMatchObject({ teacher: id, dataset: 'mnist', teacherClasses: [4, 0, 2] });
    expect(config.errors).toEqual([]);
    const list = await listTeachers();
    expect(list.ok && list.value.map((t) => [t.id, t.card, t.sizeBytes])).toEqual([[id, CARD, PARAMS * 4]]);

    // A fresh page reads the list back.
    useTeachersStore.setState({ stored: [] });
    await useTeachersStore.getState().refresh();
    expect(useTeachersStore.getState().stored.map((t) => t.id)).toEqual([id]);

    await useTeachersStore.getState().remove(id!);
    expect(useTeachersStore.getState().stored).toEqual([]);
    expect(storedTeacherInfo(id!)).toBeUndefined();
    expect(useConfigStore.getState().config.teacher).toBe('mnist-0-4');
  });

  it('keeps a teacher of unknown classes: teacherClasses [] and the validator content', async () => {
    const store = useTeachersStore.getState();
    await store.pickFiles(FILES);
    store.setCard({ ok: true, card: { ...CARD, testAccuracy: null, testImages: 0 } });
    const id = await store.keepUpload();
    expect(useConfigStore.getState().config).toMatchObject({ teacher: id, teacherClasses: [] });
    expect(useConfigStore.getState().errors).toEqual([]);
  });

  it('shows a refusal of the files as it is', async () => {
    await useTeachersStore.getState().pickFiles([FILES[0]]);
    const check = useTeachersStore.getState().upload.check;
    expect(check?.ok === false && check.error.code).toBe('missing-weight-file');
  });
});
