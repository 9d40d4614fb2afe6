/**
 * The teacher's local classifier as the page shows it: what stage 2 distils (q) compared with
 * a uniform distribution and with the calibrated teacher, in numbers a chart can draw.
 */
import type { TeacherLocalClassifier } from '../../protocol/results';

export interface TeacherLocalView {
  classes: number;
  /** Temperatures stage 2 used: the teacher's and the student's, and τ* (calibrated). */
  teacherTau: number;
  studentTau: number;
  calibratedTau: number;
  /** Mean max-probability of q: uniform, at the teacher's temperature, at τ*. */
  bars: { key: 'uniform' | 'used' | 'calibrated'; label: string; maxProb: number; entropy: number }[];
  argmaxAccuracy: number;
  /** "nearly flat", "informative" or "sharp": how far q is from uniform, in words. */
  verdict: 'nearly flat' | 'informative' | 'sharp';
  sentence: string;
}

const fmt = (x: number, digits = 2) => x.toFixed(digits);

/**
 * From a run's result: null when the run has no teacher local classifier (not REFILLED).
 * "Nearly flat" when q's mean max-probability is within a quarter of the way from uniform
 * (1/C) to certain (1); "sharp" past three quarters.
 */
export function teacherLocalView(local: TeacherLocalClassifier | undefined, classes: number): TeacherLocalView | null {
  if (!local || classes < 2) return null;
  const uniform = 1 / classes;
  const share = (local.meanMaxProb - uniform) / (1 - uniform);
  const verdict = share < 0.25 ? 'nearly flat' : share > 0.75 ? 'sharp' : 'informative';
  const used = local.teacherTau === local.calibratedTau ? `τ* = ${fmt(local.teacherTau, 3)}` : `τ = ${fmt(local.teacherTau, 3)}`;
  const sentence =
    verdict === 'nearly flat'
      ? `At ${used} the teacher’s targets are nearly flat (mean top probability ${fmt(local.meanMaxProb)}; uniform is ${fmt(uniform)}): stage 2 mostly smooths the labels. Calibrated (τ* = ${fmt(local.calibratedTau, 3)}) they would reach ${fmt(local.calibratedMeanMaxProb)}.`
      : `At ${used} the teacher’s targets carry its opinion (mean top probability ${fmt(local.meanMaxProb)}; uniform is ${fmt(uniform)}); its top class is right for ${fmt(local.argmaxAccuracy * 100, 0)} % of the training images.`;
  return {
    classes,
    teacherTau: local.teacherTau,
    studentTau: local.studentTau,
    calibratedTau: local.calibratedTau,
    bars: [
      { key: 'uniform', label: 'uniform', maxProb: uniform, entropy: Math.log(classes) },
      { key: 'used', label: `this run (τ = ${fmt(local.teacherTau, 3)})`, maxProb: local.meanMaxProb, entropy: local.meanEntropy },
      { key: 'calibrated', label: `calibrated (τ* = ${fmt(local.calibratedTau, 3)})`, maxProb: local.calibratedMeanMaxProb, entropy: local.calibratedMeanEntropy },
    ],
    argmaxAccuracy: local.argmaxAccuracy,
    verdict,
    sentence,
  };
}
