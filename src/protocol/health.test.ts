import { describe, expect, it } from 'vitest';
import {
  adviceFor,
  chanceIssue,
  chanceTolerance,
  collapseIssue,
  collapseThreshold,
  describeIssue,
  judgeEvals,
  judgeResult,
  lossIssue,
  mergeIssues,
  ncmIssue,
  verdictOf,
  type HealthIssue,
  type LiveHealthInput,
} from './health';

const ctx = { method: 'refilled', preset: 'cvpr2020', stage1LearningRate: 0.1, stage2LearningRate: 10, lambda: 1000, tau2: 2 };

describe('loss checks', () => {
  it('flags a non-finite loss at once', () => {
    expect(lossIssue({ stage: 2, step: 7, loss: NaN }, 1.6)?.kind).toBe('loss-not-finite');
    expect(lossIssue({ stage: 1, step: 7, loss: Infinity }, undefined)?.kind).toBe('loss-not-finite');
  });

  it('flags a loss at 100× its first value of the stage, not at 99×', () => {
    expect(lossIssue({ stage: 2, step: 50, loss: 160 }, 1.6)).toMatchObject({ kind: 'loss-exploded', ratio: 100 });
    expect(lossIssue({ stage: 2, step: 50, loss: 158 }, 1.6)).toBeNull();
    // The observed divergence: 2·10⁷ from a cross-entropy of about 1.6.
    expect(lossIssue({ stage: 2, step: 90, loss: 2e7 }, 1.6)?.kind).toBe('loss-exploded');
  });

  it('measures a tiny first loss against the floor of 0.01', () => {
    expect(lossIssue({ stage: 1, step: 10, loss: 0.5 }, 1e-5)).toBeNull();
    expect(lossIssue({ stage: 1, step: 10, loss: 1 }, 1e-5)?.kind).toBe('loss-exploded');
  });

  it('flags a stage-2 cross-entropy of 20 × ln C even in the first report', () => {
    // Observed with a learning rate of 10: the first 5-step interval already averaged 144.
    const issue = lossIssue({ stage: 2, step: 5, loss: 285, ce: 144 }, undefined, 5);
    expect(issue).toMatchObject({ kind: 'loss-exploded', term: 'cross-entropy', loss: 144 });
    expect(lossIssue({ stage: 2, step: 5, loss: 312, ce: 5.15 }, undefined, 5)).toBeNull();
    expect(lossIssue({ stage: 2, step: 5, loss: 1, ce: 20 * Math.log(5) - 0.01 }, 1, 5)).toBeNull();
  });

  it('does not judge without a first loss', () => {
    expect(lossIssue({ stage: 1, step: 1, loss: 5 }, undefined)).toBeNull();
  });
});

describe('chance accuracy', () => {
  it('uses 3 standard errors of the chance score, at least 2 points', () => {
    // p = 0.2, n = 100: se = 0.04, 3·se = 0.12.
    expect(chanceTolerance(5, 100)).toBeCloseTo(0.12, 10);
    // n = 5000: 3·se = 0.017 < 0.02.
    expect(chanceTolerance(5, 5000)).toBe(0.02);
  });

  it('flags 20 % and 21 % of 5 classes on 5,000 test images, not 23 %', () => {
    expect(chanceIssue(0.2, 5, 5000, 'test', false)).toMatchObject({ kind: 'chance-accuracy', chance: 0.2 });
    expect(chanceIssue(0.21, 5, 5000, 'test', false)).not.toBeNull();
    expect(chanceIssue(0.23, 5, 5000, 'test', false)).toBeNull();
  });

  it('is lenient on few images: 30 % of 5 classes on 100 images is still chance', () => {
    expect(chanceIssue(0.3, 5, 100, 'validation', true)).not.toBeNull();
    expect(chanceIssue(0.33, 5, 100, 'validation', true)).toBeNull();
  });

  it('flags below-chance accuracy too', () => {
    expect(chanceIssue(0.05, 5, 5000, 'test', false)).not.toBeNull();
  });
});

describe('collapsed prediction', () => {
  it('sits halfway between 1/C and 1', () => {
    expect(collapseThreshold(5)).toBeCloseTo(0.6, 10);
    expect(collapseThreshold(2)).toBeCloseTo(0.75, 10);
  });

  it('flags every image predicted as one class', () => {
    const confusion = [0, 1, 2, 3, 4].map(() => [0, 0, 100, 0, 0]);
    expect(collapseIssue(confusion, ['a', 'b', 'c', 'd', 'e'])).toMatchObject({ kind: 'collapsed-prediction', classIndex: 2, className: 'c', share: 1 });
  });

  it('passes a confused but spread prediction', () => {
    // Column 0 takes 50 % (< 60 %).
    const confusion = [
      [100, 0, 0, 0, 0],
      [50, 50, 0, 0, 0],
      [50, 0, 50, 0, 0],
      [50, 0, 0, 50, 0],
      [0, 0, 0, 0, 100],
    ];
    expect(collapseIssue(confusion, [])).toBeNull();
  });

  it('ignores an empty matrix', () => {
    expect(collapseIssue([[0, 0], [0, 0]], [])).toBeNull();
  });
});

describe('NCM collapse', () => {
  it('flags losing more than half the stage-1 gain over chance', () => {
    // Stage 1 at 80 % of 5 classes: gain 0.6, allowed drop 0.3.
    const issue = ncmIssue(0.8, 0.49, 5);
    expect(issue?.kind).toBe('ncm-collapse');
    expect(issue?.kind === 'ncm-collapse' && issue.allowedDrop).toBeCloseTo(0.3, 10);
    expect(ncmIssue(0.8, 0.51, 5)).toBeNull();
  });

  it('allows at least 10 points near chance', () => {
    expect(ncmIssue(0.3, 0.21, 5)).toBeNull();
    expect(ncmIssue(0.3, 0.19, 5)).not.toBeNull();
  });
});

describe('judgeEvals (live)', () => {
  const base: LiveHealthInput = { numClasses: 5, valImages: 100, hasStage1: true, stage2Steps: 100, stage2StartStep: 40, evals: [] };
  const e = (stage: 1 | 2, step: number, ncm: number, val?: number) => ({ stage, step, ncmValAccuracy: ncm, ...(val === undefined ? {} : { valAccuracy: val }) });

  it('warns about chance only past half of stage 2 and two evaluations in a row', () => {
    const early = { ...base, evals: [e(2, 60, 0.5, 0.2), e(2, 80, 0.5, 0.2)] };
    expect(judgeEvals(early)).toEqual([]);
    const late = { ...base, evals: [e(2, 80, 0.5, 0.2), e(2, 90, 0.5, 0.2)] };
    expect(judgeEvals(late)).toMatchObject([{ kind: 'chance-accuracy', on: 'validation', live: true }]);
    const recovered = { ...base, evals: [e(2, 80, 0.5, 0.2), e(2, 90, 0.5, 0.6)] };
    expect(judgeEvals(recovered)).toEqual([]);
  });

  it('warns when stage-2 NCM stays far below the best stage-1 NCM', () => {
    const evals = [e(1, 20, 0.6), e(1, 40, 0.8), e(2, 50, 0.4, 0.5), e(2, 60, 0.3, 0.5)];
    expect(judgeEvals({ ...base, evals })).toMatchObject([{ kind: 'ncm-collapse', stage1Ncm: 0.8, stage2Ncm: 0.3 }]);
    expect(judgeEvals({ ...base, hasStage1: false, evals })).toEqual([]);
    expect(judgeEvals({ ...base, evals: evals.slice(0, 3) })).toEqual([]);
  });
});

describe('judgeResult', () => {
  const healthy = {
    classNames: ['a', 'b'],
    counts: { test: 2000 },
    stage1: { ncmAccuracy: 0.8 },
    final: { testAccuracy: 0.85, ncmTestAccuracy: 0.82, confusion: [[900, 100], [200, 800]] },
  };

  it('passes a healthy run', () => {
    expect(judgeResult(healthy)).toEqual([]);
    expect(verdictOf([])).toEqual({ severity: 'ok', headline: '', issues: [] });
  });

  it('fails a run that predicts one class, headlined by the collapse', () => {
    const collapsed = { ...healthy, final: { testAccuracy: 0.5, ncmTestAccuracy: 0.5, confusion: [[1000, 0], [1000, 0]] } };
    const issues = judgeResult(collapsed);
    expect(issues.map((i) => i.kind).sort()).toEqual(['chance-accuracy', 'collapsed-prediction', 'ncm-collapse']);
    const verdict = verdictOf(issues);
    expect(verdict.severity).toBe('failed');
    expect(verdict.headline).toBe('predicts one class');
  });

  it('keeps NCM collapse alone a warning', () => {
    const issues = judgeResult({ ...healthy, final: { ...healthy.final, ncmTestAccuracy: 0.3 } });
    expect(issues.map((i) => i.kind)).toEqual(['ncm-collapse']);
    expect(verdictOf(issues).severity).toBe('warning');
  });
});

describe('mergeIssues', () => {
  const live: HealthIssue = { kind: 'chance-accuracy', on: 'validation', accuracy: 0.2, chance: 0.2, tolerance: 0.1, images: 100, live: true };
  const final: HealthIssue = { ...live, on: 'test', images: 5000, tolerance: 0.02, live: false };

  it('keeps one issue per kind, the final chance issue over a later live one', () => {
    expect(mergeIssues([live], [final])).toEqual([final]);
    expect(mergeIssues([final], [live])).toEqual([final]);
  });

  it('keeps the first explosion', () => {
    const first: HealthIssue = { kind: 'loss-exploded', stage: 2, step: 10, loss: 200, firstLoss: 1, ratio: 200, term: 'loss' };
    const later: HealthIssue = { ...first, step: 20, loss: 2e7, ratio: 2e7 };
    expect(mergeIssues([first], [later])).toEqual([first]);
  });
});

describe('texts', () => {
  it('say what happened and what to try with the run\'s values', () => {
    const issue: HealthIssue = { kind: 'loss-exploded', stage: 2, step: 90, loss: 2e7, firstLoss: 1.6, ratio: 1.25e7, term: 'loss' };
    expect(describeIssue(issue)).toContain('2.0e+7');
    expect(adviceFor(issue, ctx)).toBe('Lower the stage-2 learning rate (now 10) or λ (now 1000), or the tpami preset.');
    const chance: HealthIssue = { kind: 'chance-accuracy', on: 'test', accuracy: 0.2, chance: 0.2, tolerance: 0.02, images: 5000, live: false };
    expect(adviceFor(chance, ctx)).toContain('set the learning rate for λ to scaled');
    expect(adviceFor(chance, { ...ctx, method: 'vanilla' })).toBe('Lower the stage-2 learning rate (now 10).');
  });
});
