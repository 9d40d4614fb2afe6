/**
 * 'get-student' through the worker handler in Node (cpu backend, fake `post`): after a run
 * ends, the worker answers with the selected student in the layers format, whose weights
 * reproduce the run's test accuracy when loaded back; unknown runs get a readable null.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeFetchBytes } from '../core/data/node-fs';
import { memoryFetchBytes, syntheticFiles } from '../core/data/synthetic';
import { sampleExperimentSplits } from '../core/data/splits';
import { loadStudentModel } from '../core/model/studentModel';
import { AssetCache } from '../core/run';
import { resolveConfig } from '../protocol/config';
import type { WorkerEvent } from '../protocol/messages';
import { weightBytes } from '../protocol/runFileIo';
import { createWorkerHandler } from './handler';

const TEACHERS_DIR = new URL('../../public/teachers', import.meta.url).pathname;
let assets: AssetCache;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const data = memoryFetchBytes(await syntheticFiles('mnist', new Array<number>(10).fill(40), 20));
  assets = new AssetCache({ data, teachers: nodeFetchBytes(TEACHERS_DIR) });
});

describe('get-student', () => {
  it('answers with the finished run’s selected student, and a message for a run it does not keep', async () => {
    const events: WorkerEvent[] = [];
    const handler = createWorkerHandler({ post: (e) => events.push(e), assets, backend: { name: 'cpu', reason: 'test', forced: true }, flushEveryMs: 0, embeddings: false });
    const config = resolveConfig({ dataset: 'mnist', teacher: 'mnist-0-4', studentClasses: [5, 6, 7, 8, 9], shotsPerClass: 3, validationFraction: 0.05, studentWidth: 0.25, 'stage1.epochs': 1, 'stage2.epochs': 2, 'runtime.reportIntervalSteps': 1 });
    await handler.handle({ type: 'configure', runId: 1, config });
    await handler.handle({ type: 'start', runId: 1 });
    const result = events.find((e): e is Extract<WorkerEvent, { type: 'result' }> => e.type === 'result');
    expect(result).toBeDefined();
    const tensorsAfterRun = tf.memory().numTensors;
    await handler.handle({ type: 'get-student', runId: 1 });
    await handler.handle({ type: 'get-student', runId: 7 });
    expect(tf.memory().numTensors).toBe(tensorsAfterRun);
    const answers = events.filter((e): e is Extract<WorkerEvent, { type: 'student' }> => e.type === 'student');
    expect(answers.map((a) => a.runId)).toEqual([1, 7]);
    expect(answers[1].student).toBeNull();
    expect(answers[1].message).toMatch(/only the last 8 finished runs keep their trained student/);
    const student = answers[0].student!;
    expect(student.weightData.byteLength).toBe(weightBytes(student.weightSpecs));
    // The same split as the run's, and the loaded student's accuracy on its test images.
    const dataset = await assets.dataset('mnist');
    const splits = sampleExperimentSplits(dataset, { studentClasses: config.studentClasses, shotsPerClass: 3, validationFraction: 0.05, seed: config.seed });
    const model = await loadStudentModel(student);
    const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(splits.test.images, [splits.test.count, 28, 28, 1])) as tf.Tensor, 1));
    const pred = Array.from(await predicted.data());
    const labels = splits.test.labels;
    const correct = pred.reduce((n, p, i) => n + (p === labels[i] ? 1 : 0), 0);
    expect(correct / pred.length).toBeCloseTo(result!.result.final.testAccuracy, 6);
    predicted.dispose();
    model.dispose();
  }, 120_000);
});
