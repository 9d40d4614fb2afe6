import { selectActiveRun, useRunStore, type RunRecord } from '../../state/runStore';
import { useThrottled } from './useThrottled';

/** Redraw interval of the live charts. */
export const REDRAW_MS = 250;

/** The active run, refreshed at most every REDRAW_MS. */
export function useLiveRun(): RunRecord | undefined {
  return useThrottled(useRunStore(selectActiveRun), REDRAW_MS);
}
