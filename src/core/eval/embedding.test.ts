import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReadbackCounter } from '../trainer/evaluate';
import { evaluateEmbedding } from './embedding';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 4 classes × 25 rows; class c points along axis c with a little noise, scaled per row (NMI must not care). */
function classEmbeddings(): { values: Float32Array; labels: Int32Array } {
  const n = 100;
  const d = 6;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  const values = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) values[i * d + j] = 0.1 * Math.sin(i * 7.1 + j * 3.3);
    values[i * d + labels[i]] += 1;
    for (let j = 0; j < d; j++) values[i * d + j] *= 1 + (i % 7);
  }
  return { values, labels };
}

describe('evaluateEmbedding', () => {
  it('clusters separated classes perfectly (NMI 1), scores the tasks 100 %, reads back once and frees its tensor', async () => {
    const { values, labels } = classEmbeddings();
    const reader = new ReadbackCounter();
    const before = tf.memory().numTensors;
    const r = await evaluateEmbedding(() => tf.tensor2d(values, [100, 6]), labels, reader, { numClasses: 4, seed: 1, stream: 'final', episodes: 100 });
    expect(tf.memory().numTensors).toBe(before);
    expect(reader.count).toBe(1);
    expect(r.nmi).toBeCloseTo(1, 12);
    expect(r.episodic?.map((e) => [e.ways, e.shots, e.queries, e.tasks, e.mean])).toEqual([
      [4, 1, 15, 100, 1],
      [4, 5, 15, 100, 1],
    ]);
    expect(r.ms).toBeGreaterThanOrEqual(0);
  });

  it('leaves the episodic part out without episodes, and is deterministic for a seed', async () => {
    const { values, labels } = classEmbeddings();
    const noisy = values.map((v, i) => v + 3 * Math.cos(i * 1.7));
    const run = (seed: number) => evaluateEmbedding(() => tf.tensor2d(noisy, [100, 6]), labels, new ReadbackCounter(), { numClasses: 4, seed, stream: 'stage1' });
    const a = await run(5);
    expect(a.episodic).toBeUndefined();
    expect(a.nmi).toBeGreaterThan(0);
    expect(a.nmi).toBeLessThan(1);
    expect((await run(5)).nmi).toBe(a.nmi);
  });

  it('frees the embeddings when the read-back fails', async () => {
    const before = tf.memory().numTensors;
    const failing = { read: () => Promise.reject(new Error('device lost')) };
    await expect(evaluateEmbedding(() => tf.ones([4, 2]) as tf.Tensor2D, Int32Array.from([0, 0, 1, 1]), failing, { numClasses: 2, seed: 1, stream: 'final' })).rejects.toThrow(/device lost/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
