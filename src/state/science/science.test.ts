import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../protocol/config';
import type { TeacherLocalClassifier } from '../../protocol/results';
import { presetNote } from './presetNotes';
import { teacherLocalView } from './teacherLocal';

const local = (over: Partial<TeacherLocalClassifier>): TeacherLocalClassifier => ({
  calibratedTau: 0.05,
  teacherTau: 1,
  studentTau: 1,
  meanMaxProb: 0.25,
  meanEntropy: 1.59,
  calibratedMeanMaxProb: 0.74,
  calibratedMeanEntropy: 0.61,
  argmaxAccuracy: 0.8,
  meanEmbeddingNorm: 5.5,
  ...over,
});

describe('science notes', () => {
  it('a note per preset, for REFILLED only', () => {
    expect(presetNote(DEFAULT_CONFIG)?.tone).toBe('good');
    expect(presetNote({ method: 'refilled', preset: 'current' })?.tone).toBe('caution');
    expect(presetNote({ method: 'refilled', preset: 'cvpr2020' })?.text).toMatch(/λ = 1000/);
    expect(presetNote({ method: 'vanilla', preset: 'tpami' })).toBeNull();
    expect(presetNote({ method: 'refilled', preset: 'custom' })).toBeNull();
  });

  it('judges q against uniform: flat below a quarter of the way to certain, sharp past three quarters', () => {
    // 5 classes: uniform 0.2; a quarter of the way to 1 is 0.4, three quarters 0.8.
    expect(teacherLocalView(local({ meanMaxProb: 0.25 }), 5)?.verdict).toBe('nearly flat');
    expect(teacherLocalView(local({ meanMaxProb: 0.41 }), 5)?.verdict).toBe('informative');
    expect(teacherLocalView(local({ meanMaxProb: 0.81 }), 5)?.verdict).toBe('sharp');
    const v = teacherLocalView(local({}), 5);
    expect(v?.bars.map((b) => b.maxProb)).toEqual([0.2, 0.25, 0.74]);
    expect(v?.bars[0].entropy).toBeCloseTo(Math.log(5), 12);
    expect(v?.sentence).toMatch(/nearly flat .*0\.25.*uniform is 0\.20.*0\.74/);
    expect(teacherLocalView(undefined, 5)).toBeNull();
  });

  it('names τ* when the run used the calibrated temperature', () => {
    const v = teacherLocalView(local({ teacherTau: 0.05, meanMaxProb: 0.74 }), 5);
    expect(v?.verdict).toBe('informative');
    expect(v?.sentence).toMatch(/At τ\* = 0\.050/);
  });
});
