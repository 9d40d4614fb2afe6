import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../protocol/config';
import type { WorkerEvent } from '../protocol/messages';
import type { EvalPoint, MetricsPoint } from '../protocol/results';
import { keepThrough, withoutReplaced } from './resume';
import { useRunStore } from './runStore';

const point = (step: number, loss = 1 / step): MetricsPoint => ({ stage: 1, step, epoch: 0, learningRate: 0.1, loss, stepMs: 10 });
const evalAt = (step: number): EvalPoint => ({ stage: 1, step, epoch: 0, ncmValAccuracy: 0.5 });
const store = () => useRunStore.getState();
const apply = (e: WorkerEvent) => store().applyEvent(e);
const run = () => store().runs.find((r) => r.runId === 1);
const metrics = (points: MetricsPoint[]): WorkerEvent => ({ type: 'metrics', runId: 1, points, numTensors: 0, readbacks: 0 });

beforeEach(() => {
  useRunStore.setState(useRunStore.getInitialState(), true);
  store().addRun({ runId: 1, label: 'refilled', config: DEFAULT_CONFIG });
});

describe('series of a resumed run', () => {
  it('keeps the points up to the checkpoint and drops those an incoming batch replaces', () => {
    expect(keepThrough([point(1), point(2), point(3)], 2).map((p) => p.step)).toEqual([1, 2]);
    expect(keepThrough([point(1)], 0)).toEqual([]);
    expect(withoutReplaced([point(1), point(2), point(3)], [point(2), point(3)]).map((p) => p.step)).toEqual([1]);
    const untouched = [point(1), point(2)];
    expect(withoutReplaced(untouched, [point(3)])).toBe(untouched);
  });

  it("trims the run's points after the checkpoint on 'resumed', records the notice, and takes the steps again without duplicates", () => {
    apply(metrics([1, 2, 3, 4].map((s) => point(s))));
    apply({ type: 'eval', runId: 1, point: evalAt(2) });
    apply({ type: 'eval', runId: 1, point: evalAt(4) });
    const message = 'The GPU device was lost at step 5; the run continues from step 3 on WebAssembly';
    apply({ type: 'resumed', runId: 1, cause: 'device-lost', atStep: 5, fromStep: 3, backend: 'wasm', message });
    expect(run()?.metrics.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(run()?.evals.map((p) => p.step)).toEqual([2]);
    expect(run()?.resumes).toEqual([{ cause: 'device-lost', atStep: 5, fromStep: 3, backend: 'wasm', message }]);
    expect(run()?.status).toBe('loading');
    expect(run()?.error).toBeUndefined();
    apply(metrics([point(4, 0.7), point(5)]));
    apply({ type: 'eval', runId: 1, point: evalAt(4) });
    expect(run()?.metrics.map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
    expect(run()?.metrics[3].loss).toBe(0.7);
    expect(run()?.evals.map((p) => p.step)).toEqual([2, 4]);
  });

  it('replaces points of steps sent again even without a notice (a late batch)', () => {
    apply(metrics([point(1), point(2), point(3)]));
    apply(metrics([point(2, 9), point(3, 9)]));
    expect(run()?.metrics.map((p) => [p.step, p.loss])).toEqual([
      [1, 1],
      [2, 9],
      [3, 9],
    ]);
  });
});
