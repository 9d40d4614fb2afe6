import * as tf from '@tensorflow/tfjs';
import { augmentActive, augmentImages, drawAugmentation, type AugmentSpec } from '../data/augment';
import type { ConvGradientMode } from '../model/conv';
import { ConvNet, IMAGE_SHAPE, momentTensors, type BatchMoments } from '../model/convnet';
import { shuffleInPlace, streamRng } from '../random';
import { learningRateAt, Optimizer, type OptimizerSpec } from './optimizer';

export interface SupervisedOptions {
  /** Passes over the data; a fraction stops part-way through the last one (the cosine schedule spans exactly these steps). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  learningRateMin: number;
  optimizer: OptimizerSpec;
  seed: number;
  convGradient: ConvGradientMode;
  /** Random shifts (and flips) of each batch, drawn from the seed's `teacher-augment` stream; none when absent. */
  augment?: AugmentSpec;
  /** Called after every epoch with its mean loss (one read-back per epoch). */
  onEpoch?: (epoch: number, meanLoss: number, elapsedMs: number) => void;
  /**
   * Awaited after every step with the steps done and in all (no read-back): a caller that
   * reports progress or must stay cancellable (a worker) yields here. 'stop' ends training.
   */
  onStep?: (stepsDone: number, totalSteps: number) => void | 'stop' | Promise<void | 'stop'>;
}

/** How training ended: all its steps, or stopped by `onStep` after `steps`. */
export interface SupervisedOutcome {
  steps: number;
  totalSteps: number;
  stopped: boolean;
}

/**
 * Trains `net` with softmax cross-entropy on images [N,784] in [0,1] and labels 0..C−1,
 * mini-batches of a fixed size (the remainder of each seeded permutation is dropped),
 * cosine learning rate over round(epochs × ⌊N / batch⌋) steps, optionally augmented batches.
 * Used to train the shipped teachers, their variants and the teachers trained in the browser.
 */
export async function trainSupervised(net: ConvNet, images: Float32Array, labels: Int32Array, options: SupervisedOptions): Promise<SupervisedOutcome> {
  const n = labels.length;
  // The data stay in JavaScript and one batch is uploaded per step: a whole training set as
  // one tensor (60,000 images = 188 MB) exhausted the wasm backend's heap.
  const batchImages = new Float32Array(options.batchSize * 784);
  const batchLabels = new Int32Array(options.batchSize);
  const optimizer = new Optimizer(options.optimizer);
  const rng = streamRng(options.seed, 'teacher-batches');
  const stepsPerEpoch = Math.floor(n / options.batchSize);
  if (stepsPerEpoch === 0) throw new Error(`${n} training images do not fill one batch of ${options.batchSize}`);
  const totalSteps = Math.max(1, Math.round(stepsPerEpoch * options.epochs));
  const augment = options.augment && augmentActive(options.augment) ? options.augment : undefined;
  const augmentRng = streamRng(options.seed, 'teacher-augment');
  const schedule = { learningRate: options.learningRate, learningRateMin: options.learningRateMin, lrSchedule: 'cosine' as const };
  const start = performance.now();
  let step = 0;
  try {
    for (let epoch = 0; step < totalSteps; epoch++) {
      const order = shuffleInPlace(Array.from({ length: n }, (_, i) => i), rng);
      let lossSum = tf.scalar(0);
      const epochSteps = Math.min(stepsPerEpoch, totalSteps - step);
      for (let s = 0; s < epochSteps; s++) {
        const lr = learningRateAt(schedule, step, totalSteps);
        const moments: BatchMoments = [];
        order.slice(s * options.batchSize, (s + 1) * options.batchSize).forEach((i, k) => {
          batchImages.set(images.subarray(i * 784, (i + 1) * 784), k * 784);
          batchLabels[k] = labels[i];
        });
        const draws = augment ? drawAugmentation(augmentRng, options.batchSize, augment) : undefined;
        const loss = tf.tidy(() => {
          const raw = tf.tensor4d(batchImages, [options.batchSize, ...IMAGE_SHAPE]);
          const xb = draws ? augmentImages(raw, tf.tensor1d(draws.dy, 'int32'), tf.tensor1d(draws.dx, 'int32'), tf.tensor1d(draws.flip, 'int32')) : raw;
          const yb = tf.tensor1d(batchLabels, 'int32');
          const variables = net.trainableVariables();
          const { value, grads } = tf.variableGrads(() => {
            const logits = net.head(net.embed(xb, true, options.convGradient, moments));
            momentTensors(moments).forEach((m) => tf.keep(m));
            return tf.losses.softmaxCrossEntropy(tf.oneHot(yb, net.spec.numClasses), logits) as tf.Scalar;
          }, variables);
          optimizer.apply([{ variables, learningRate: lr }], grads);
          net.updateMovingAverages(moments);
          return value;
        });
        tf.dispose(momentTensors(moments));
        const next = tf.add(lossSum, loss);
        lossSum.dispose();
        loss.dispose();
        lossSum = next as tf.Scalar;
        step += 1;
        if (options.onStep && (await options.onStep(step, totalSteps)) === 'stop') {
          lossSum.dispose();
          return { steps: step, totalSteps, stopped: true };
        }
      }
      const meanLoss = (await lossSum.data())[0] / epochSteps;
      lossSum.dispose();
      options.onEpoch?.(epoch, meanLoss, performance.now() - start);
    }
    return { steps: step, totalSteps, stopped: false };
  } finally {
    optimizer.dispose();
  }
}

/** Predicted classes of images [N,784] in [0,1], in inference mode, 256 at a time: [N]. */
export async function predictClasses(net: ConvNet, images: Float32Array, convGradient: ConvGradientMode): Promise<Int32Array> {
  const n = images.length / 784;
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += 256) {
    const size = Math.min(256, n - start);
    const pred = tf.tidy(() => tf.argMax(net.head(net.embed(tf.tensor4d(images.subarray(start * 784, (start + size) * 784), [size, ...IMAGE_SHAPE]), false, convGradient)), 1));
    out.set((await pred.data()) as Int32Array, start);
    pred.dispose();
  }
  return out;
}
