/**
 * What a freshly trained teacher is measured on, shared by `npm run teachers` (the shipped
 * teachers' teacher.json) and the teachers trained in the browser (their stored card):
 * the head's accuracy on its own classes' test images, and NCM accuracy of its frozen
 * embedding on other classes, measured through the exported layers model itself.
 */
import * as tf from '@tensorflow/tfjs';
import { accuracy, ncmPredict } from '../losses';
import type { ConvGradientMode } from '../model/conv';
import { IMAGE_SHAPE, type ConvNet } from '../model/convnet';
import type { Teacher } from '../model/teacher';
import { mapInChunks } from './evaluate';
import type { OptimizerSpec } from './optimizer';
import { predictClasses } from './supervised';

/**
 * How every teacher is trained (shipped and browser-trained alike): softmax cross-entropy,
 * SGD with Nesterov momentum 0.9 and weight decay 5·10⁻⁴, cosine learning rate 0.1 → 0.001.
 */
export const TEACHER_TRAINING: { learningRate: number; learningRateMin: number; optimizer: OptimizerSpec } = {
  learningRate: 0.1,
  learningRateMin: 0.001,
  optimizer: { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
};

/** Labelled uint8 images, count×784 row-major (a shipped split or a full source set). */
export interface LabelledBytes {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** Images scaled to [0,1], [N,784], with labels 0..K−1 in the order of the chosen classes. */
export interface ClassImages {
  images: Float32Array;
  labels: Int32Array;
}

/**
 * The images of `classes` (dataset indices) from `src`, in source order, at most `limit`,
 * relabelled k = classes.indexOf(y) so that head output k is class classes[k]; pixels / 255.
 */
export function selectClassImages(src: LabelledBytes, classes: readonly number[], limit = Infinity): ClassImages {
  const keep: number[] = [];
  for (let i = 0; i < src.count && keep.length < limit; i++) if (classes.includes(src.labels[i])) keep.push(i);
  const images = new Float32Array(keep.length * 784);
  const labels = new Int32Array(keep.length);
  keep.forEach((i, k) => {
    for (let p = 0; p < 784; p++) images[k * 784 + p] = src.images[i * 784 + p] / 255;
    labels[k] = classes.indexOf(src.labels[i]);
  });
  return { images, labels };
}

/** Top-1 accuracy of the net's head on `test` ([N,784] images, labels 0..K−1), inference mode. */
export async function headAccuracy(net: ConvNet, test: ClassImages, convGradient: ConvGradientMode): Promise<number> {
  if (test.labels.length === 0) return Number.NaN;
  const pred = await predictClasses(net, test.images, convGradient);
  return pred.reduce((n, p, i) => n + (p === test.labels[i] ? 1 : 0), 0) / pred.length;
}

/**
 * NCM accuracy of the teacher's frozen embedding f_T on classes it may never have seen:
 * centres c_k = mean of f_T(x) over `pool` images of class k (L2-normalised), each `query`
 * image given to the nearest centre by cosine. pool and query labels are 0..K−1.
 * One read-back; every intermediate tensor is freed.
 */
export async function teacherNcmAccuracy(teacher: Teacher, pool: ClassImages, query: ClassImages, numClasses: number): Promise<number> {
  const ncm = tf.tidy(() => {
    const embed = (images: Float32Array) => mapInChunks(tf.tensor4d(images, [images.length / 784, ...IMAGE_SHAPE]), 256, (x) => teacher.embed(x));
    return accuracy(ncmPredict(embed(pool.images), tf.tensor1d(pool.labels, 'int32'), numClasses, embed(query.images)), tf.tensor1d(query.labels, 'int32'));
  });
  const value = (await ncm.data())[0];
  ncm.dispose();
  return value;
}
