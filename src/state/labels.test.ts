import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../protocol/config';
import { changedSince, createRunLabelsSelector, differingKeys, runLabels } from './labels';

const cfg = (partial: Record<string, unknown> = {}) => resolveConfig(partial);

describe('runLabels', () => {
  it('names runs by method alone when nothing else differs', () => {
    const labels = runLabels([
      { runId: 1, config: cfg({ method: 'vanilla' }) },
      { runId: 2, config: cfg({ method: 'refilled' }) },
    ]);
    expect([...labels.values()]).toEqual(['vanilla', 'refilled']);
  });

  it('adds the shots when the shots differ (the method always stays)', () => {
    const labels = runLabels([
      { runId: 1, config: cfg({ method: 'vanilla', shotsPerClass: 5 }) },
      { runId: 2, config: cfg({ method: 'refilled', shotsPerClass: 10 }) },
    ]);
    expect(labels.get(1)).toBe('vanilla · 5 shots');
    expect(labels.get(2)).toBe('refilled · 10 shots');
  });

  it('lists only the differing fields, named ones in a fixed order', () => {
    const labels = runLabels([
      { runId: 1, config: cfg({ seed: 1, studentWidth: 0.5, dataset: 'fashion-mnist' }) },
      { runId: 2, config: cfg({ seed: 2, studentWidth: 0.25, dataset: 'fashion-mnist' }) },
    ]);
    expect(labels.get(1)).toBe('refilled · width 0.5 · seed 1');
    expect(labels.get(2)).toBe('refilled · width 0.25 · seed 2');
  });

  it('names a teacher, not its classes too', () => {
    const labels = runLabels([
      { runId: 1, config: cfg({ dataset: 'mnist', teacher: 'mnist-0-4', studentClasses: [5, 6, 7, 8, 9] }) },
      { runId: 2, config: cfg() },
    ]);
    expect(labels.get(1)).toBe('refilled · mnist · teacher mnist-0-4');
    expect(labels.get(2)).toBe('refilled · fashion-mnist · teacher fashion-0-4');
  });

  it('names a preset, not the hyperparameters it sets', () => {
    const labels = runLabels([
      { runId: 1, config: cfg({ preset: 'cvpr2020' }) },
      { runId: 2, config: cfg({ preset: 'tpami' }) },
    ]);
    expect(labels.get(1)).toBe('refilled · cvpr2020 preset');
  });

  it('shows other differing settings by key, at most two and a count', () => {
    const labels = runLabels([
      { runId: 1, config: cfg({ 'stage2.learningRate': 10, 'stage2.lambda': 5, 'stage1.w1': 10 }) },
      { runId: 2, config: cfg() },
    ]);
    expect(labels.get(1)).toBe('refilled · stage1.w1=10 · stage2.learningRate=10 · +1 more');
  });

  it('ignores settings that change neither numbers nor the run, and keeps a custom label', () => {
    const labels = runLabels([
      { runId: 1, label: 'mine', config: cfg({ 'runtime.reportIntervalSteps': 1 }) },
      { runId: 2, label: 'refilled', config: cfg() },
    ]);
    expect([...labels.values()]).toEqual(['mine', 'refilled']);
  });

  it('is memoised on the runs', () => {
    const select = createRunLabelsSelector();
    const runs = [{ runId: 1, config: cfg() }];
    expect(select(runs)).toBe(select([...runs]));
    expect(select([{ runId: 1, config: cfg() }])).not.toBe(select(runs));
  });
});

describe('changedSince', () => {
  it('is empty while the run matches the controls', () => {
    expect(changedSince(cfg(), cfg())).toEqual([]);
    expect(differingKeys(cfg(), cfg({ 'runtime.reportIntervalSteps': 1 }))).toEqual([]);
  });

  it('names the changed settings in words', () => {
    expect(changedSince(cfg({ shotsPerClass: 5 }), cfg({ 'stage2.learningRate': 1 }))).toEqual(['shots', 'stage-2 learning rate']);
  });

  it('ignores the method of a comparison run', () => {
    expect(changedSince(cfg({ method: 'vanilla' }), cfg(), true)).toEqual([]);
    expect(changedSince(cfg({ method: 'vanilla' }), cfg())).toEqual(['method']);
  });
});
