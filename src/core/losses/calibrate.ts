/**
 * The teacher's local classifier, measured and calibrated. Stage 2 turns the teacher's
 * scores against the student's class centres, s_k(x), into q = softmax(s/τ₂). Whether q
 * carries information depends on the scale of s: published τ₂ values (1, 2) were set for
 * large CNN embeddings; a small teacher's scores can differ by less than τ₂ between classes,
 * which makes q nearly uniform. These functions read that off the teacher and choose τ₂ by
 * temperature scaling: the τ that minimises the local classifier's negative log-likelihood
 * of the true labels on the training images. Plain numbers (scores read back once per run).
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../protocol/config';
import type { TeacherLocalClassifier } from '../../protocol/results';
import { classCentres, teacherScores } from './stage2';

/** Statistics of q = softmax(s/τ) over C classes for N images. */
export interface LocalClassifierStats {
  tau: number;
  /** Mean over images of max_k q_k (1/C for a uniform q). */
  meanMaxProb: number;
  /** Mean entropy of q in nats (ln C for a uniform q). */
  meanEntropy: number;
  /** Share of images whose argmax_k s_k is their label (does not depend on τ). */
  argmaxAccuracy: number;
  /** Mean −log q_y (the calibration objective). */
  nll: number;
}

/**
 * q's statistics at temperature τ: scores [N×C] row-major, labels [N] in 0..C−1.
 * Uses a max-shifted log-sum-exp per row, so any score scale is safe.
 */
export function localClassifierStats(scores: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, tau: number): LocalClassifierStats {
  const n = labels.length;
  let maxProb = 0;
  let entropy = 0;
  let correct = 0;
  let nll = 0;
  const z = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let arg = 0;
    for (let k = 0; k < numClasses; k++) {
      const s = scores[i * numClasses + k];
      z[k] = s / tau;
      if (s > best) {
        best = s;
        arg = k;
      }
    }
    const zmax = best / tau;
    let sum = 0;
    for (let k = 0; k < numClasses; k++) sum += Math.exp(z[k] - zmax);
    const logZ = zmax + Math.log(sum);
    let h = 0;
    for (let k = 0; k < numClasses; k++) {
      const logq = z[k] - logZ;
      h -= Math.exp(logq) * logq;
    }
    maxProb += Math.exp(zmax - logZ);
    entropy += h;
    nll += logZ - z[labels[i]];
    if (arg === labels[i]) correct += 1;
  }
  const d = Math.max(1, n);
  return { tau, meanMaxProb: maxProb / d, meanEntropy: entropy / d, argmaxAccuracy: correct / d, nll: nll / d };
}

/** The range `stage2.tau2 = auto` searches (the field's own limits). */
export const TAU2_SEARCH = { min: 0.01, max: 100 } as const;

/**
 * Temperature scaling: τ* = argmin_τ mean_i −log softmax(s_i/τ)_{y_i} over [min, max].
 * The objective is convex in β = 1/τ, so a golden-section search on log β finds the
 * minimum; when the scores separate the classes perfectly the NLL keeps falling as τ → 0
 * and the search stops at `min`. Returns the statistics at τ*.
 */
export function calibrateTemperature(scores: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, range: { min: number; max: number } = TAU2_SEARCH): LocalClassifierStats {
  const f = (logBeta: number) => localClassifierStats(scores, labels, numClasses, Math.exp(-logBeta)).nll;
  let lo = Math.log(1 / range.max);
  let hi = Math.log(1 / range.min);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let it = 0; it < 60 && hi - lo > 1e-4; it++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = f(b);
    }
  }
  // The ends of the range are candidates too (a monotone objective).
  const candidates = [(lo + hi) / 2, Math.log(1 / range.max), Math.log(1 / range.min)];
  const best = candidates.reduce((x, y) => (f(y) < f(x) ? y : x));
  return localClassifierStats(scores, labels, numClasses, Math.exp(-best));
}

/**
 * Measures the teacher's local classifier on the training images and resolves stage 2's
 * temperatures from the config: teacherEmb [N, D] (raw f_T), labels [N] → scores s [N, C]
 * against the training set's class centres (one read-back), τ* by temperature scaling, and
 *   τ₂ = `auto` → τ₂ := τ* (on both networks or the teacher only, as `temperatureOn` says);
 *   teacherTau = `auto` → the teacher's temperature is τ*, the student keeps τ₂.
 * With `local` centres the batch's centres differ a little from the training set's; τ* is
 * measured with the latter.
 */
export async function measureTeacherLocalClassifier(
  teacherEmb: tf.Tensor2D,
  labels: tf.Tensor1D,
  numClasses: number,
  cfg: Pick<ExperimentConfig['stage2'], 'score' | 'tau2' | 'teacherTau' | 'temperatureOn'>,
  read: (t: tf.Tensor) => Promise<ArrayLike<number>>,
): Promise<TeacherLocalClassifier> {
  const packed = tf.tidy(() => {
    const scores = teacherScores(teacherEmb, classCentres(teacherEmb, labels, numClasses), cfg.score);
    return tf.concat([tf.reshape(scores, [-1]), tf.reshape(tf.mean(tf.norm(teacherEmb, 'euclidean', 1)), [1]), tf.cast(labels, 'float32')]);
  });
  const values = Array.from(await read(packed));
  packed.dispose();
  const n = labels.shape[0];
  const scores = values.slice(0, n * numClasses);
  const meanEmbeddingNorm = values[n * numClasses];
  const ys = values.slice(n * numClasses + 1).map((v) => Math.round(v));
  const calibrated = calibrateTemperature(scores, ys, numClasses);
  const tau2 = cfg.tau2 === 'auto' ? calibrated.tau : cfg.tau2;
  const teacherTau = cfg.teacherTau === 'auto' ? calibrated.tau : tau2;
  const studentTau = cfg.temperatureOn === 'both' ? tau2 : 1;
  const atTeacher = localClassifierStats(scores, ys, numClasses, teacherTau);
  return {
    calibratedTau: calibrated.tau,
    teacherTau,
    studentTau,
    meanMaxProb: atTeacher.meanMaxProb,
    meanEntropy: atTeacher.meanEntropy,
    calibratedMeanMaxProb: calibrated.meanMaxProb,
    calibratedMeanEntropy: calibrated.meanEntropy,
    argmaxAccuracy: atTeacher.argmaxAccuracy,
    meanEmbeddingNorm,
  };
}
