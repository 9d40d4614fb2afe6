/**
 * A run that continued on another backend from a checkpoint (protocol/resume.ts) streams the
 * steps after the checkpoint again, with the same step numbers: the series keep one point per
 * step, the new one. Pure functions over a run's series; the run store calls them.
 */
import type { MetricsPoint, EvalPoint } from '../protocol/results';
import type { ResumeCause } from '../protocol/resume';
import type { BackendName } from '../protocol/messages';

/** What the run record keeps of each move (shown as a notice on the run). */
export interface RunResume {
  cause: ResumeCause;
  atStep: number;
  fromStep: number;
  backend: BackendName;
  message: string;
}

/** The points up to and including `fromStep` (the checkpoint's step): what a resumed run keeps. */
export function keepThrough<T extends { step: number }>(points: readonly T[], fromStep: number): T[] {
  return points.filter((p) => p.step <= fromStep);
}

/**
 * `points` without those that `incoming` replaces: every point at or after the first incoming
 * step (a resumed run sends them again). Points arrive in step order, so that is a suffix.
 */
export function withoutReplaced<T extends { step: number }>(points: readonly T[], incoming: readonly (MetricsPoint | EvalPoint)[]): readonly T[] {
  if (incoming.length === 0 || points.length === 0) return points;
  const first = Math.min(...incoming.map((p) => p.step));
  return points[points.length - 1].step < first ? points : points.filter((p) => p.step < first);
}
