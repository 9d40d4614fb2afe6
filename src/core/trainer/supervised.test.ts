import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvNet } from '../model/convnet';
import { trainSupervised, type SupervisedOptions } from './supervised';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 20 images in two classes: a bright left half (class 0) or right half (class 1), seeded noise on top. */
function toyData(): { images: Float32Array; labels: Int32Array } {
  const n = 20;
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let s = 7;
  const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 0.2;
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) images[i * 784 + r * 28 + c] = (c < 14) === (labels[i] === 0) ? 0.8 : noise();
  }
  return { images, labels };
}

const options = (over: Partial<SupervisedOptions> = {}): SupervisedOptions => ({
  epochs: 1,
  batchSize: 4,
  learningRate: 0.05,
  learningRateMin: 0.001,
  optimizer: { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
  seed: 3,
  convGradient: 'matmul',
  ...over,
});

async function trainedWeights(over: Partial<SupervisedOptions>): Promise<{ weights: Float32Array; epochs: number[] }> {
  const { images, labels } = toyData();
  const net = new ConvNet({ widthMultiplier: 0.125, numClasses: 2, seed: 1 });
  const epochs: number[] = [];
  await trainSupervised(net, images, labels, options({ ...over, onEpoch: (e) => epochs.push(e) }));
  const weights = new Float32Array((await Promise.all(net.allVariables().map((v) => v.data()))).flatMap((d) => [...d]));
  net.dispose();
  return { weights, epochs };
}

describe('trainSupervised', () => {
  it('stops part-way through the last epoch for a fractional epoch count, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    // 20 images, batch 4: 5 steps per epoch; 1.4 epochs = 7 steps, so a second, shorter epoch.
    const partial = await trainedWeights({ epochs: 1.4 });
    expect(partial.epochs).toEqual([0, 1]);
    const whole = await trainedWeights({ epochs: 1 });
    expect(whole.epochs).toEqual([0]);
    expect(partial.weights).not.toEqual(whole.weights);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains on augmented batches when asked: no-op augmentation changes nothing, shifts change the weights', async () => {
    const before = tf.memory().numTensors;
    const plain = await trainedWeights({});
    const none = await trainedWeights({ augment: { shift: 0, flip: false } });
    const shifted = await trainedWeights({ augment: { shift: 2, flip: true } });
    expect(none.weights).toEqual(plain.weights);
    expect(shifted.weights).not.toEqual(plain.weights);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a data set smaller than one batch instead of looping', async () => {
    const net = new ConvNet({ widthMultiplier: 0.125, numClasses: 2, seed: 1 });
    await expect(trainSupervised(net, new Float32Array(3 * 784), new Int32Array(3), options())).rejects.toThrow(/do not fill one batch of 4/);
    net.dispose();
  });
});
