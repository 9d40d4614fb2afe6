/**
 * `npx tsx scripts/make-fixture-teacher.ts`: writes the small teacher the upload tests use,
 * e2e/fixtures/teacher/{model.json, weights.bin}: an MLP (flatten → Dense 32 "embedding" →
 * Dense 5 softmax) trained briefly on the shipped MNIST pool images of digits 0–4, on the
 * cpu backend with seeded weights and no shuffling, so the same files come out every time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { loadDatasetFromDisk } from '../src/core/data/node-fs';
import { layersModelFiles } from '../src/core/model/teacher';

const OUT = fileURLToPath(new URL('../e2e/fixtures/teacher/', import.meta.url));
const CLASSES = [0, 1, 2, 3, 4];

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const data = await loadDatasetFromDisk('mnist');
  const pool = data.splits.pool;
  const keep: number[] = [];
  for (let i = 0; i < pool.count; i++) if (CLASSES.includes(pool.labels[i])) keep.push(i);
  const images = new Float32Array(keep.length * 784);
  const labels = new Int32Array(keep.length);
  keep.forEach((i, k) => {
    for (let p = 0; p < 784; p++) images[k * 784 + p] = pool.images[i * 784 + p] / 255;
    labels[k] = CLASSES.indexOf(pool.labels[i]);
  });
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1], name: 'flatten' }),
      tf.layers.dense({ units: 32, activation: 'relu', name: 'embedding', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: CLASSES.length, activation: 'softmax', name: 'head', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.2), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor4d(images, [keep.length, 28, 28, 1]);
  const y = tf.tensor1d(labels, 'float32');
  const history = await model.fit(x, y, { epochs: 8, batchSize: 50, shuffle: false, verbose: 0 });
  const files = await layersModelFiles(model);
  await mkdir(OUT, { recursive: true });
  await writeFile(`${OUT}model.json`, files.modelJson);
  await writeFile(`${OUT}weights.bin`, files.weights);
  const acc = history.history.acc ?? history.history.accuracy;
  console.error(`fixture teacher: ${keep.length} images of digits ${CLASSES.join(',')}, final training accuracy ${Number(acc?.[acc.length - 1]).toFixed(3)}, ${files.weights.byteLength} weight bytes → ${OUT}`);
}

void main();
