/**
 * The tour, performed: the one store instance over the step texts, the page's anchors (the
 * `data-tour` attributes), the active run's phase, and the run actions a step asks for, done
 * through the bridge like the run buttons do.
 */
import { bridge } from '../../bridge/bridge';
import { MAX_STEP_COUNT } from '../../bridge/controls';
import { selectCanRun, useConfigStore } from '../../state/configStore';
import { selectActiveRun, useRunStore } from '../../state/runStore';
import { runPhaseOf, type TourAction, type TourRunPhase } from '../../state/tour/engine';
import { createTourStore } from '../../state/tour/tourStore';
import { compareMethods } from '../run/actions';
import { TOUR_STEPS } from './steps';

export const useTourStore = createTourStore(TOUR_STEPS);

/** The element a `data-tour` name points at, or null when the page has none. */
export function anchorElement(name: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-tour="${CSS.escape(name)}"]`);
}

export const anchorPresent = (name: string): boolean => anchorElement(name) !== null;

/** The active run's phase, for the steps that wait on it. */
export const currentRunPhase = (): TourRunPhase => runPhaseOf(selectActiveRun(useRunStore.getState()));

function perform(action: TourAction): void {
  switch (action) {
    case 'run-stage1': {
      // The tour is about REFILLED: its run uses the page's settings with that method, and the
      // worker pauses it when stage 1 is over (all of stage 1's steps, then pause).
      if (!selectCanRun(useConfigStore.getState())) return;
      const config = { ...useConfigStore.getState().config, method: 'refilled' as const };
      bridge.configureAndStep(config, 1, MAX_STEP_COUNT, 'refilled');
      return;
    }
    case 'run-stage2':
      bridge.resume();
      return;
    case 'compare':
      compareMethods();
      return;
    default: {
      const unreachable: never = action;
      throw new Error(`Unknown tour action ${String(unreachable)}`);
    }
  }
}

/** Opens the tour at its first step. With `runStarted`, the page already started the stage-1 run (autorun). */
export function openTour(runStarted = false): void {
  useTourStore.getState().start(anchorPresent, runStarted ? ['run-stage1'] : []).forEach(perform);
}

/** The link's `tour=1` (with `autorun=1`: the stage-1 run starts at once and pauses at the boundary). */
export function openTourFromLink(): void {
  const { tour, autorun } = useConfigStore.getState();
  if (!tour) return;
  if (autorun) perform('run-stage1');
  openTour(autorun);
}

export const tourNext = (): void => useTourStore.getState().next(anchorPresent, currentRunPhase()).forEach(perform);
export const tourPrev = (): void => useTourStore.getState().prev(anchorPresent);
export const closeTour = (): void => useTourStore.getState().end();
