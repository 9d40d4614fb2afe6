/** The explorer panels' actions: update the explorer store and tell the worker what to follow or inspect. */
import type { TripletIds } from '../protocol/explorer';
import { useExplorerStore } from '../state/explorer/explorerStore';
import { bridge } from './bridge';

/** Follows a triplet over the run (or stops following it). */
export function toggleFollowedTriplet(t: TripletIds): void {
  const store = useExplorerStore.getState();
  const followed = store.toggleFollow(t);
  bridge.explorerFocus(followed, store.valIndex ?? 0);
}

/** Shows the teacher's local classifier on another validation image from the next reporting step on. */
export function inspectValidationImage(valIndex: number): void {
  const store = useExplorerStore.getState();
  store.inspect(valIndex);
  bridge.explorerFocus(store.followed, valIndex);
}
