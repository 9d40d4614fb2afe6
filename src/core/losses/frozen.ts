/**
 * Classifiers on a frozen embedding: the teacher-embedding baselines (NCM, 1-NN, logistic
 * regression) and the NCM monitor of the student in stage 1. Centres always come from the
 * training images, never from the queries.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from './baselines';
import { l2Normalize, MASKED_LOGIT } from './distances';
import { classCentres, normalizeRows } from './stage2';

/**
 * Nearest-class-mean prediction by cosine similarity: centres ĉ_k = L2-normalised mean of the
 * raw training embeddings of class k; ŷ(x) = argmax_k ⟨x̂, ĉ_k⟩.
 * trainEmb [N, D], trainLabels [N] int32, queryEmb [M, D] → [M] int32. Classes absent from the
 * training labels are never predicted.
 */
export function ncmPredict(
  trainEmb: tf.Tensor2D,
  trainLabels: tf.Tensor1D,
  numClasses: number,
  queryEmb: tf.Tensor2D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const centres = normalizeRows(classCentres(trainEmb, trainLabels, numClasses)); // [C, D]
    const present = tf.minimum(tf.sum(tf.oneHot(tf.cast(trainLabels, 'int32'), numClasses), 0), 1).toFloat();
    const similarity = tf.matMul(l2Normalize(queryEmb), centres, false, true); // [M, C]
    const scores = tf.add(similarity, tf.mul(tf.sub(1, present), MASKED_LOGIT));
    return tf.argMax(scores, 1).toInt() as tf.Tensor1D;
  });
}

/**
 * Cosine 1-nearest-neighbour: ŷ(x) = y_j with j = argmax_j ⟨x̂, f̂_j⟩ over the training set.
 * trainEmb [N, D], trainLabels [N] int32, queryEmb [M, D] → [M] int32.
 */
export function oneNnPredict(trainEmb: tf.Tensor2D, trainLabels: tf.Tensor1D, queryEmb: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const similarity = tf.matMul(l2Normalize(queryEmb), l2Normalize(trainEmb), false, true); // [M, N]
    return tf.gather(tf.cast(trainLabels, 'int32'), tf.argMax(similarity, 1)) as tf.Tensor1D;
  });
}

export interface LogisticRegressionOptions {
  /** Full-batch Adam steps. */
  epochs: number;
  learningRate: number;
  /** Weight decay: the loss adds (l2 / 2) · ‖W‖². */
  l2: number;
  /**
   * When given, W starts from N(0, 0.01²) drawn with this seed; otherwise from zeros (the
   * problem is convex, so zeros is a fine and fully deterministic start).
   */
  seed?: number;
}

export interface LogisticRegressionModel {
  /** W [D, C]. Owned by the model: release with `dispose`. */
  weights: tf.Tensor2D;
  /** b [C]. */
  bias: tf.Tensor1D;
  /** argmax_k (x̂ W + b)_k: queryEmb [M, D] → [M] int32. */
  predict(queryEmb: tf.Tensor2D): tf.Tensor1D;
  dispose(): void;
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/**
 * Multinomial logistic regression on the L2-normalised embedding x̂:
 * minimise CE(x̂ W + b, y) + (l2 / 2) · ‖W‖² with full-batch Adam (β = 0.9, 0.999).
 * trainEmb [N, D], trainLabels [N] int32. Everything stays on device; deterministic for a
 * given backend. Temporaries are disposed; the caller owns the returned model.
 */
export function trainLogisticRegression(
  trainEmb: tf.Tensor2D,
  trainLabels: tf.Tensor1D,
  numClasses: number,
  options: LogisticRegressionOptions,
): LogisticRegressionModel {
  const { epochs, learningRate, l2, seed } = options;
  const dim = trainEmb.shape[1];
  const inputs = l2Normalize(trainEmb);
  const labels = tf.cast(trainLabels, 'int32');
  let params: tf.Tensor[] = [
    seed === undefined ? tf.zeros([dim, numClasses]) : tf.randomNormal([dim, numClasses], 0, 0.01, 'float32', seed),
    tf.zeros([numClasses]),
  ];
  let firstMoments = params.map((p) => tf.zerosLike(p));
  let secondMoments = params.map((p) => tf.zerosLike(p));
  const objective = (weights: tf.Tensor, bias: tf.Tensor) =>
    tf.add(
      crossEntropy(tf.add(tf.matMul(inputs, weights), bias) as tf.Tensor2D, labels as tf.Tensor1D),
      tf.mul(0.5 * l2, tf.sum(tf.square(weights))),
    ) as tf.Scalar;

  for (let step = 1; step <= epochs; step++) {
    const stepSize = (learningRate * Math.sqrt(1 - ADAM_BETA2 ** step)) / (1 - ADAM_BETA1 ** step);
    const next = tf.tidy(() => {
      const grads = tf.grads(objective)(params);
      const m = grads.map((g, i) => tf.add(tf.mul(ADAM_BETA1, firstMoments[i]), tf.mul(1 - ADAM_BETA1, g)));
      const v = grads.map((g, i) => tf.add(tf.mul(ADAM_BETA2, secondMoments[i]), tf.mul(1 - ADAM_BETA2, tf.square(g))));
      const p = params.map((x, i) => tf.sub(x, tf.mul(stepSize, tf.div(m[i], tf.add(tf.sqrt(v[i]), ADAM_EPSILON)))));
      return { m, v, p };
    });
    tf.dispose([params, firstMoments, secondMoments]);
    params = next.p;
    firstMoments = next.m;
    secondMoments = next.v;
  }
  tf.dispose([inputs, labels, firstMoments, secondMoments]);

  const [weights, bias] = params as [tf.Tensor2D, tf.Tensor1D];
  return {
    weights,
    bias,
    predict: (queryEmb) =>
      tf.tidy(() => tf.argMax(tf.add(tf.matMul(l2Normalize(queryEmb), weights), bias), 1).toInt() as tf.Tensor1D),
    dispose: () => tf.dispose([weights, bias]),
  };
}

/** Fraction of correct predictions, mean(ŷ = y): pred [M], labels [M] → Scalar float32. */
export function accuracy(pred: tf.Tensor1D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.cast(pred, 'int32'), tf.cast(labels, 'int32')), 'float32')) as tf.Scalar);
}

/**
 * Confusion matrix [C, C] int32, rows = true class, columns = predicted class:
 * M[k, l] = #{i : y_i = k, ŷ_i = l}. pred [M], labels [M].
 */
export function confusionMatrix(pred: tf.Tensor1D, labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => {
    const truth = tf.oneHot(tf.cast(labels, 'int32'), numClasses).toFloat();
    const predicted = tf.oneHot(tf.cast(pred, 'int32'), numClasses).toFloat();
    return tf.cast(tf.matMul(truth, predicted, true, false), 'int32') as tf.Tensor2D;
  });
}
