/**
 * Class affinity: what each student class looks like to a teacher that only knows its own classes.
 */
import * as tf from '@tensorflow/tfjs';
import { classCentres } from '../losses/stage2';

/**
 * A [C, T] with A[c, t] = mean over the training images x of student class c of
 * softmax(l_T(x))[t]: the teacher's own class distribution averaged per student class.
 * teacherLogits l_T [N, T] (logits or log-probabilities: softmax gives the same), labels [N]
 * int32 in 0..C−1. Rows sum to 1; a class without images gets a zero row.
 */
export function classAffinity(teacherLogits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => classCentres(tf.softmax(teacherLogits) as tf.Tensor2D, labels, numClasses));
}
