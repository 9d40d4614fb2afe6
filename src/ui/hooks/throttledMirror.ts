/**
 * A throttled view of one part of a zustand store, for React's `useSyncExternalStore`.
 *
 * The worker streams events (metrics, progress, evals) several times a second and each one
 * replaces the active run record. Charts should not redraw at that rate: the mirror keeps one
 * subscription to the store for the whole page and publishes the selected value at most once
 * every `intervalMs` (the latest value wins; the last change is never lost). Components then
 * select from the mirror, and re-render only when what they select has changed.
 */

export interface MirrorSource<S> {
  getState(): S;
  subscribe(listener: (state: S) => void): () => void;
}

export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ThrottledMirror<T> {
  /** For `useSyncExternalStore`: subscribes a listener, starting the store subscription with the first. */
  subscribe(listener: () => void): () => void;
  /** The last published value; the store's current one while nobody listens (e.g. server rendering). */
  getSnapshot(): T;
}

const defaultTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createThrottledMirror<S, T>(source: MirrorSource<S>, select: (state: S) => T, intervalMs: number, timers: Timers = defaultTimers): ThrottledMirror<T> {
  const listeners = new Set<() => void>();
  let published: T = select(source.getState());
  let lastPublishMs = -Infinity;
  let pending: unknown = null;
  let unsubscribeSource: (() => void) | null = null;

  const publish = () => {
    pending = null;
    const next = select(source.getState());
    lastPublishMs = timers.now();
    if (Object.is(next, published)) return;
    published = next;
    for (const listener of [...listeners]) listener();
  };

  const onSourceChange = (state: S) => {
    if (pending !== null || Object.is(select(state), published)) return;
    pending = timers.setTimeout(publish, Math.max(0, lastPublishMs + intervalMs - timers.now()));
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!unsubscribeSource) {
        published = select(source.getState());
        unsubscribeSource = source.subscribe(onSourceChange);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || !unsubscribeSource) return;
        unsubscribeSource();
        unsubscribeSource = null;
        if (pending !== null) timers.clearTimeout(pending);
        pending = null;
      };
    },
    getSnapshot: () => (unsubscribeSource ? published : select(source.getState())),
  };
}
