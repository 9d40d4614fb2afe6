/**
 * The teacher-training handler in Node on tfjs's wasm backend (as `npm run teachers` trains), with the shipped MNIST pool and
 * test splits, real storage (fake-indexeddb) and a recording `post`: a tiny teacher (digits 0
 * and 1, width 0.125) trains, its loss falls, its accuracy is far above chance, it is saved
 * and loads back through the stored-teacher files as any teacher does; cancel stops it with
 * nothing saved; no tensor outlives a job.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../cli/backend';
import { nodeFetchBytes, DEFAULT_DATA_DIR } from '../core/data/node-fs';
import { AssetCache } from '../core/run';
import { IMAGE_SHAPE } from '../core/model/convnet';
import type { BackendInfo } from '../protocol/messages';
import type { TeacherTrainingEvent, TeacherTrainingSpec } from '../protocol/teacherTraining';
import { resetPlaygroundDbConnection } from '../storage/db';
import { getTeacher, listTeachers, putTeacher } from '../storage/teachers';
import { storedTeacherInfo } from '../protocol/teacherRegistry';
import { prepareStoredTeacher } from './teacherCard';
import { createTeacherTrainingHandler, type TeacherTrainingHandlerOptions } from './teacherTraining';

const BACKEND: BackendInfo = { name: 'wasm', reason: 'test', forced: true };
const TINY: TeacherTrainingSpec = { dataset: 'mnist', classes: [0, 1], widthMultiplier: 0.125, epochs: 2, batchSize: 32, seed: 7 };
const data = nodeFetchBytes(DEFAULT_DATA_DIR);

function setup(options: Partial<TeacherTrainingHandlerOptions> = {}) {
  const events: TeacherTrainingEvent[] = [];
  const reactions: ((e: TeacherTrainingEvent) => void)[] = [];
  const handler = createTeacherTrainingHandler({
    post: (e) => {
      events.push(structuredClone(e));
      for (const react of reactions) react(e);
    },
    data,
    backend: BACKEND,
    save: putTeacher,
    progressEveryMs: 0,
    newId: () => 'test-teacher',
    ...options,
  });
  return { handler, events, on: (fn: (e: TeacherTrainingEvent) => void) => reactions.push(fn) };
}

beforeAll(async () => {
  await useNodeBackend('wasm');
});

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetPlaygroundDbConnection();
});

describe('teacher training in the worker', () => {
  it('trains a tiny teacher whose loss falls and whose accuracy beats chance, saves it, and leaks nothing', async () => {
    const { handler, events } = setup();
    const before = tf.memory().numTensors;
    await handler.handle({ type: 'train', jobId: 1, spec: TINY, title: 'zeros and ones' });
    expect(tf.memory().numTensors).toBe(before);
    expect(events.filter((e) => e.type === 'phase').map((e) => e.type === 'phase' && e.phase)).toEqual(['data', 'training', 'evaluating', 'saving']);
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e] : []));
    // 600 pool images of two digits, batch 32: 18 steps per epoch, 2 epochs.
    expect(progress.at(-1)).toMatchObject({ step: 36, totalSteps: 36, epoch: 2, epochs: 2 });
    expect(progress.every((p, i) => i === 0 || p.step > progress[i - 1].step)).toBe(true);
    const saved = events.find((e) => e.type === 'saved');
    if (saved?.type !== 'saved') throw new Error(`no saved event: ${JSON.stringify(events.at(-1))}`);
    const t = saved.teacher;
    expect(t.epochLosses).toHaveLength(2);
    expect(t.epochLosses[1]).toBeLessThan(t.epochLosses[0]);
    expect(t.testAccuracy).toBeGreaterThan(0.9); // chance is 0.5
    expect(t.testImages).toBe(800); // 400 test images per digit
    expect(t.trainingImages).toBe(576); // 18 whole batches of 32 from 600
    expect(t.ncmOtherClasses).toBeGreaterThan(1 / 8); // NCM on the 8 other digits
    expect(t.embeddingSize).toBe(16);
    expect(t.title).toBe('zeros and ones');

    const stored = await getTeacher('user:test-teacher');
    if (!stored.ok || !stored.value) throw new Error('not stored');
    expect(stored.value).toMatchObject({ source: 'trained', dataset: 'mnist', classes: [0, 1], embeddingLayer: 'embedding' });
    expect(stored.value.card?.testAccuracy).toBe(t.testAccuracy);
    const list = await listTeachers();
    expect(list.ok && list.value.map((s) => s.id)).toEqual(['user:test-teacher']);

    // The student's worker loads it the way it loads a shipped teacher.
    const notShipped = () => Promise.reject(new Error('not a shipped file'));
    const assets = new AssetCache({ data: notShipped, teachers: notShipped });
    await prepareStoredTeacher('user:test-teacher', assets);
    expect(storedTeacherInfo('user:test-teacher')?.classes).toEqual([0, 1]);
    const loaded = await assets.teacher('user:test-teacher');
    const emb = tf.tidy(() => loaded.teacher.embed(tf.zeros([2, ...IMAGE_SHAPE]) as tf.Tensor4D));
    expect(emb.shape).toEqual([2, 16]);
    emb.dispose();
    loaded.teacher.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('cancels at the next step: nothing saved, no tensors left', async () => {
    const before = tf.memory().numTensors;
    const { handler, events, on } = setup();
    on((e) => {
      if (e.type === 'progress' && e.step === 3) void handler.handle({ type: 'cancel', jobId: 5 });
    });
    await handler.handle({ type: 'train', jobId: 5, spec: { ...TINY, epochs: 3 } });
    expect(events.at(-1)).toEqual({ type: 'cancelled', jobId: 5 });
    const steps = events.flatMap((e) => (e.type === 'progress' ? [e.step] : []));
    expect(Math.max(...steps)).toBeLessThanOrEqual(4);
    expect(events.some((e) => e.type === 'saved')).toBe(false);
    const list = await listTeachers();
    expect(list.ok && list.value).toEqual([]);
    expect(handler.busy).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('refuses an invalid spec as an error event that says what to fix', async () => {
    const { handler, events } = setup();
    await handler.handle({ type: 'train', jobId: 9, spec: { ...TINY, classes: [3] } });
    expect(events).toEqual([{ type: 'error', jobId: 9, code: 'config-invalid', message: 'Pick at least 2 classes for the teacher (1 picked).', hint: expect.any(String) }]);
  });

  it('reports a storage failure as an error, not as saved', async () => {
    const { handler, events } = setup({ save: async () => ({ ok: false, error: { kind: 'quota', message: 'Storage is full.' } }) });
    await handler.handle({ type: 'train', jobId: 2, spec: { ...TINY, epochs: 1 } });
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.message).toMatch(/could not be saved: Storage is full/);
  }, 60_000);
});
