/**
 * Redraws one at a time. A recharts chart costs tens of milliseconds to update and more to
 * mount; when a worker report changes several charts at once, drawing them all in one task is
 * what made the page stutter. Each chart enqueues its update here and the queue runs one per
 * macrotask, so the browser paints and handles input between two charts. An update already
 * waiting is not queued twice (it reads the latest data when its turn comes).
 */

export interface RedrawQueue {
  enqueue(job: () => void): void;
  /** Drops a job that is still waiting (its component unmounted). */
  cancel(job: () => void): void;
  /** Jobs still waiting. */
  readonly size: number;
}

export function createRedrawQueue(
  run: (job: () => void) => void = (job) => job(),
  schedule: (next: () => void) => void = (next) => void setTimeout(next, 0),
): RedrawQueue {
  const jobs = new Set<() => void>();
  let scheduled = false;

  const drainOne = () => {
    scheduled = false;
    const job = jobs.values().next().value;
    if (job === undefined) return;
    jobs.delete(job);
    if (jobs.size > 0) {
      scheduled = true;
      schedule(drainOne);
    }
    run(job);
  };

  return {
    enqueue(job) {
      jobs.add(job);
      if (scheduled) return;
      scheduled = true;
      schedule(drainOne);
    },
    cancel(job) {
      jobs.delete(job);
    },
    get size() {
      return jobs.size;
    },
  };
}
