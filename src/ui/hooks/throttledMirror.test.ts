import { describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { createRedrawQueue } from './redrawQueue';
import { createThrottledMirror, type Timers } from './throttledMirror';

/** Timers driven by hand: `advance(ms)` runs what falls due. */
function fakeTimers() {
  let now = 0;
  let nextId = 1;
  const due = new Map<number, { at: number; callback: () => void }>();
  const timers: Timers = {
    now: () => now,
    setTimeout: (callback, ms) => {
      const id = nextId++;
      due.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout: (id) => void due.delete(id as number),
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const next = [...due.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      due.delete(next[0]);
      now = next[1].at;
      next[1].callback();
    }
    now = until;
  };
  return { timers, advance, pending: () => due.size };
}

describe('throttled mirror', () => {
  it('publishes at most once per interval, the latest value, and never loses the last change', () => {
    const store = createStore(() => ({ n: 0, other: 0 }));
    const { timers, advance } = fakeTimers();
    const mirror = createThrottledMirror(store, (s) => s.n, 300, timers);
    const seen: number[] = [];
    const unsubscribe = mirror.subscribe(() => seen.push(mirror.getSnapshot()));

    store.setState({ n: 1 });
    advance(0);
    expect(seen).toEqual([1]);
    // A burst within the interval: one publication, at its end, of the latest value.
    for (let n = 2; n <= 20; n++) store.setState({ n });
    advance(100);
    expect(seen).toEqual([1]);
    advance(200);
    expect(seen).toEqual([1, 20]);
    // A change of something it does not select publishes nothing.
    store.setState({ other: 5 });
    advance(1000);
    expect(seen).toEqual([1, 20]);
    unsubscribe();
  });

  it('follows the store directly while nobody listens, and stops its timer when the last listener leaves', () => {
    const store = createStore(() => ({ n: 0 }));
    const { timers, advance, pending } = fakeTimers();
    const mirror = createThrottledMirror(store, (s) => s.n, 300, timers);
    store.setState({ n: 4 });
    expect(mirror.getSnapshot()).toBe(4);
    const listener = vi.fn();
    const unsubscribe = mirror.subscribe(listener);
    store.setState({ n: 5 });
    expect(mirror.getSnapshot()).toBe(4);
    unsubscribe();
    expect(pending()).toBe(0);
    advance(1000);
    expect(listener).not.toHaveBeenCalled();
    expect(mirror.getSnapshot()).toBe(5);
  });
});

describe('redraw queue', () => {
  it('runs one job per scheduled task, in order, each job once however often it was queued', () => {
    const tasks: (() => void)[] = [];
    const queue = createRedrawQueue(undefined, (next) => tasks.push(next));
    const ran: string[] = [];
    const a = () => ran.push('a');
    const b = () => ran.push('b');
    const c = () => ran.push('c');
    queue.enqueue(a);
    queue.enqueue(b);
    queue.enqueue(a);
    queue.enqueue(c);
    queue.cancel(c);
    expect(tasks).toHaveLength(1);
    tasks.shift()!();
    expect(ran).toEqual(['a']);
    expect(tasks).toHaveLength(1);
    tasks.shift()!();
    expect(ran).toEqual(['a', 'b']);
    // Nothing left: the last task schedules no further one.
    expect(tasks).toHaveLength(0);
    expect(queue.size).toBe(0);
  });

  it('a job that throws does not stall the queue', () => {
    const tasks: (() => void)[] = [];
    const queue = createRedrawQueue(undefined, (next) => tasks.push(next));
    const ran: string[] = [];
    queue.enqueue(() => {
      throw new Error('boom');
    });
    queue.enqueue(() => ran.push('next'));
    expect(() => tasks.shift()!()).toThrow('boom');
    tasks.shift()!();
    expect(ran).toEqual(['next']);
  });
});
