import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';
import { shallow } from 'zustand/shallow';
import { selectActiveRun, useRunStore, type RunRecord } from '../../state/runStore';
import { createRedrawQueue } from './redrawQueue';
import { createThrottledMirror, type ThrottledMirror } from './throttledMirror';

/** Redraw interval of the live charts and the comparison chart. */
export const REDRAW_MS = 300;

/** The active run as the charts see it: one store subscription, published at most every REDRAW_MS. */
export const liveRunMirror = createThrottledMirror(useRunStore, selectActiveRun, REDRAW_MS);

/** All runs of the session, throttled the same way (the comparison chart). */
export const runsMirror = createThrottledMirror(useRunStore, (s) => s.runs, REDRAW_MS);

/** Each component's redraw is rendered and committed in a task of its own (see redrawQueue). */
const redraws = createRedrawQueue((job) => flushSync(job));

/**
 * `select(mirror's value)`, kept in component state: when the mirror publishes, the component
 * re-selects in its turn of the redraw queue and re-renders only if the selection changed
 * (shallowly: a selector may return a fresh object of stable parts). `select` must be a stable
 * function (module level) that returns the same references for the same data.
 */
function useMirrored<S, T>(mirror: ThrottledMirror<S>, select: (value: S) => T): T {
  const [value, setValue] = useState(() => select(mirror.getSnapshot()));
  useEffect(() => {
    const update = () => setValue((previous) => keepIfShallowEqual(previous, select(mirror.getSnapshot())));
    // The mirror may have published between this component's render and this effect.
    update();
    const unsubscribe = mirror.subscribe(() => redraws.enqueue(update));
    return () => {
      unsubscribe();
      redraws.cancel(update);
    };
  }, [mirror, select]);
  return value;
}

function keepIfShallowEqual<T>(previous: T, next: T): T {
  return shallow(previous, next) ? previous : next;
}

/** What a chart or panel shows of the active run, refreshed at most every REDRAW_MS, one component per task. */
export function useLiveRun<T>(select: (run: RunRecord | undefined) => T): T {
  return useMirrored(liveRunMirror, select);
}

/** What the comparison shows of all runs, refreshed like `useLiveRun`. */
export function useLiveRuns<T>(select: (runs: readonly RunRecord[]) => T): T {
  return useMirrored(runsMirror, select);
}

/**
 * False until this component's turn in the redraw queue, then true: charts mount their
 * (costly) recharts tree one per task when the page opens, instead of all at once, and are
 * already mounted when the first data arrive, so that a run only ever updates them.
 */
export function useMountedInTurn(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    const mount = () => setMounted(true);
    redraws.enqueue(mount);
    return () => redraws.cancel(mount);
  }, []);
  return mounted;
}
