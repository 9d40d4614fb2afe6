import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetFromDisk, nodeFetchBytes } from '../data/node-fs';
import { loadShippedTeacher } from '../run';
import { ConvNet } from './convnet';
import { layersModelFiles, loadLayersModel, teacherFromLayersModel, TeacherError } from './teacher';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('teacherFromLayersModel', () => {
  it('rejects a model of the wrong input shape, saying what was expected', () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [32, 32, 3] }), tf.layers.dense({ units: 4 })] });
    expect(() => teacherFromLayersModel(model)).toThrow(TeacherError);
    expect(() => teacherFromLayersModel(model)).toThrow('The teacher must take one input of shape [batch, 28, 28, 1] or [batch, 784] (28×28 grey images); this model takes [batch, 32, 32, 3].');
  });

  it('rejects a model without an embedding', () => {
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3 }), tf.layers.reshape({ targetShape: [26 * 26 * 2] })] });
    expect(() => teacherFromLayersModel(model)).toThrow(/needs an embedding/);
  });

  it('finds the embedding as the input of the last Dense layer when none is named', () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 12, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    const teacher = teacherFromLayersModel(model);
    expect(teacher.embeddingSize).toBe(12);
    expect(teacher.numClasses).toBe(3);
    const x = tf.ones([2, 28, 28, 1]) as tf.Tensor4D;
    expect(teacher.embed(x).shape).toEqual([2, 12]);
    // A softmax head gives log-probabilities as logits.
    const logits = teacher.logits(x);
    expect((tf.sum(tf.exp(logits), 1).arraySync() as number[])[0]).toBeCloseTo(1, 5);
  });

  it('round-trips a ConvNet through the layers format', async () => {
    const net = new ConvNet({ widthMultiplier: 0.25, numClasses: 5, seed: 4 });
    const model = net.toLayersModel();
    const files = await layersModelFiles(model);
    const loaded = await loadLayersModel(async (p) => (p === 'model.json' ? new TextEncoder().encode(files.modelJson) : files.weights));
    const teacher = teacherFromLayersModel(loaded);
    expect(teacher.embeddingLayer).toBe('embedding');
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    expect(tf.max(tf.abs(tf.sub(teacher.embed(x), net.embed(x, false, 'native')))).arraySync()).toBeLessThan(1e-5);
    net.dispose();
  });

  it('reports a missing teacher with the command that regenerates it', async () => {
    await expect(loadShippedTeacher('no-such-teacher', nodeFetchBytes('public/teachers'))).rejects.toThrow(/npm run teachers/);
  });
});

describe('shipped teachers', () => {
  // Full test subsets through width-1.0 networks: wasm is ~20x faster than the pure-JS cpu backend.
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  for (const id of ['fashion-0-4', 'fashion-all', 'mnist-0-4']) {
    const dir = `public/teachers/${id}`;
    it.skipIf(!existsSync(`${dir}/teacher.json`))(`${id}: the recorded test accuracy is reproduced on the shipped test subset`, async () => {
      const meta = JSON.parse(readFileSync(`${dir}/teacher.json`, 'utf8')) as { dataset: string; classes: number[]; testAccuracy: number; testImages: number };
      const { teacher } = await loadShippedTeacher(id, nodeFetchBytes('public/teachers'));
      const dataset = await loadDatasetFromDisk(meta.dataset);
      const { images, labels, count } = dataset.splits.test;
      const keep = Array.from({ length: count }, (_, i) => i).filter((i) => meta.classes.includes(labels[i]));
      const x = tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(keep.flatMap((i) => Array.from(images.subarray(i * 784, (i + 1) * 784)))), [keep.length, 28, 28, 1]), 255));
      const y = keep.map((i) => meta.classes.indexOf(labels[i]));
      let correct = 0;
      for (let start = 0; start < keep.length; start += 250) {
        const batch = tf.slice(x, [start, 0, 0, 0], [Math.min(250, keep.length - start), -1, -1, -1]) as tf.Tensor4D;
        const pred = tf.argMax(teacher.logits(batch), 1);
        const p = (await pred.data()) as Int32Array;
        p.forEach((c, j) => (correct += c === y[start + j] ? 1 : 0));
        tf.dispose([batch, pred]);
      }
      x.dispose();
      teacher.dispose();
      expect(keep.length).toBe(meta.testImages);
      expect(correct / keep.length).toBeCloseTo(meta.testAccuracy, 3);
    });
  }
});
