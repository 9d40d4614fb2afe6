/** Run records and stored runs for the history's tests, built through the run store's own events. */
import { DEFAULT_CONFIG } from '../../protocol/config';
import type { EvalPoint, ExperimentResult, MetricsPoint } from '../../protocol/results';
import { RUN_FILE_SCHEMA, RUN_FILE_VERSION } from '../../protocol/runFile';
import type { StoredRun } from '../../storage/runSummary';
import { useRunStore } from '../runStore';

export const point = (step: number, stage: 1 | 2 = 1): MetricsPoint => ({ stage, step, epoch: 0, learningRate: 0.1, loss: 1 / step, stepMs: 10 });

/** A result of 2 classes (the fields the store and the summary read). */
export function fakeResult(testAccuracy: number, metrics: MetricsPoint[] = [], evals: EvalPoint[] = []): ExperimentResult {
  return {
    classNames: ['a', 'b'],
    counts: { train: 20, val: 20, test: 200 },
    final: { testAccuracy, valAccuracy: testAccuracy, ncmTestAccuracy: testAccuracy, confusion: [[80, 20], [20, 80]], perClassAccuracy: [0.8, 0.8], bestStep: 1, steps: metrics.length },
    series: { metrics, evals },
    timing: { totalMs: 100, teacherCacheMs: 1, stage1Ms: 50, stage2Ms: 50, msPerStep: 10 },
    readbacks: 3,
  } as unknown as ExperimentResult;
}

/** Starts run `runId` in the real run store and streams `points` metric points. */
export function startStreaming(runId: number, points: number, label = 'refilled'): void {
  const s = useRunStore.getState();
  s.addRun({ runId, label, config: { ...DEFAULT_CONFIG, dataset: 'mnist', studentClasses: [5, 6, 7], seed: 11 } });
  s.applyEvent({ type: 'status', runId, status: 'running' });
  if (points > 0) s.applyEvent({ type: 'metrics', runId, points: Array.from({ length: points }, (_, i) => point(i + 1)), numTensors: 1, readbacks: 1 });
}

export function storedRun(id: string, createdAt: string, opts: { testAccuracy?: number; status?: StoredRun['status']; comparison?: StoredRun['comparison'] } = {}): StoredRun {
  const metrics = [point(1), point(2), point(3, 2)];
  const evals: EvalPoint[] = [{ stage: 1, step: 2, epoch: 0, ncmValAccuracy: 0.5 }];
  const result = opts.testAccuracy === undefined ? undefined : fakeResult(opts.testAccuracy, metrics, evals);
  return {
    schema: RUN_FILE_SCHEMA,
    version: RUN_FILE_VERSION,
    id,
    name: `run ${id}`,
    createdAt,
    updatedAt: createdAt,
    origin: { tool: 'cli', appVersion: '0.1.0' },
    config: { ...DEFAULT_CONFIG, seed: 3 },
    status: opts.status ?? (result ? 'done' : 'running'),
    health: [],
    series: { metrics, evals },
    ...(result ? { result, finishedAt: createdAt } : {}),
    ...(opts.comparison ? { comparison: opts.comparison } : {}),
  };
}
