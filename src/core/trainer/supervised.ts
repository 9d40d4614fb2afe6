import * as tf from '@tensorflow/tfjs';
import type { ConvGradientMode } from '../model/conv';
import { ConvNet, IMAGE_SHAPE, type BatchMoments } from '../model/convnet';
import { shuffleInPlace, streamRng } from '../random';
import { mapInChunks } from './evaluate';
import { learningRateAt, Optimizer, type OptimizerSpec } from './optimizer';

export interface SupervisedOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  learningRateMin: number;
  optimizer: OptimizerSpec;
  seed: number;
  convGradient: ConvGradientMode;
  /** Called after every epoch with its mean loss (one read-back per epoch). */
  onEpoch?: (epoch: number, meanLoss: number, elapsedMs: number) => void;
}

/**
 * Trains `net` with softmax cross-entropy on images [N,784] in [0,1] and labels 0..C−1,
 * mini-batches of a fixed size (the remainder of each seeded permutation is dropped),
 * cosine learning rate. Used to train the shipped teachers.
 */
export async function trainSupervised(net: ConvNet, images: Float32Array, labels: Int32Array, options: SupervisedOptions): Promise<void> {
  const n = labels.length;
  const x = tf.tensor4d(images, [n, ...IMAGE_SHAPE]);
  const y = tf.tensor1d(labels, 'int32');
  const optimizer = new Optimizer(options.optimizer);
  const rng = streamRng(options.seed, 'teacher-batches');
  const stepsPerEpoch = Math.floor(n / options.batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const schedule = { learningRate: options.learningRate, learningRateMin: options.learningRateMin, lrSchedule: 'cosine' as const };
  const start = performance.now();
  let step = 0;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = shuffleInPlace(Array.from({ length: n }, (_, i) => i), rng);
      let lossSum = tf.scalar(0);
      for (let s = 0; s < stepsPerEpoch; s++) {
        const lr = learningRateAt(schedule, step, totalSteps);
        const moments: BatchMoments = [];
        const loss = tf.tidy(() => {
          const idx = tf.tensor1d(order.slice(s * options.batchSize, (s + 1) * options.batchSize), 'int32');
          const xb = tf.gather(x, idx);
          const yb = tf.gather(y, idx);
          const variables = net.trainableVariables();
          const { value, grads } = tf.variableGrads(() => {
            const logits = net.head(net.embed(xb, true, options.convGradient, moments));
            moments.forEach((m) => {
              tf.keep(m.mean);
              tf.keep(m.variance);
            });
            return tf.losses.softmaxCrossEntropy(tf.oneHot(yb, net.spec.numClasses), logits) as tf.Scalar;
          }, variables);
          optimizer.apply([{ variables, learningRate: lr }], grads);
          net.updateMovingAverages(moments);
          return value;
        });
        moments.forEach((m) => {
          m.mean.dispose();
          m.variance.dispose();
        });
        const next = tf.add(lossSum, loss);
        lossSum.dispose();
        loss.dispose();
        lossSum = next as tf.Scalar;
        step += 1;
      }
      const meanLoss = (await lossSum.data())[0] / stepsPerEpoch;
      lossSum.dispose();
      options.onEpoch?.(epoch, meanLoss, performance.now() - start);
    }
  } finally {
    x.dispose();
    y.dispose();
    optimizer.dispose();
  }
}

/** Predicted classes of images [N,784] in [0,1], in inference mode: [N]. */
export async function predictClasses(net: ConvNet, images: Float32Array, convGradient: ConvGradientMode): Promise<Int32Array> {
  const n = images.length / 784;
  const x = tf.tensor4d(images, [n, ...IMAGE_SHAPE]);
  const pred = tf.tidy(() => tf.argMax(mapInChunks(x, 256, (b) => net.head(net.embed(b, false, convGradient))), 1));
  const out = (await pred.data()) as Int32Array;
  x.dispose();
  pred.dispose();
  return Int32Array.from(out);
}
