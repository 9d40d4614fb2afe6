import { useEffect, useRef, useState } from 'react';

/**
 * `value`, but updated at most once every `intervalMs` (the latest value wins). Charts read
 * the live run through this, so a burst of worker messages costs one redraw.
 */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const lastMs = useRef(0);
  useEffect(() => {
    const waitMs = Math.max(0, lastMs.current + intervalMs - performance.now());
    const id = setTimeout(() => {
      lastMs.current = performance.now();
      setShown(() => value);
    }, waitMs);
    return () => clearTimeout(id);
  }, [value, intervalMs]);
  return shown;
}
