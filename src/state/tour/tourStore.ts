/**
 * The tour's store: the engine's state (state/tour/engine.ts) plus the last "waiting" line for
 * the live region. The steps are given when the store is made (the UI owns their texts). Moves
 * return the run actions to perform; the UI performs them through the bridge, so the store
 * never touches the worker.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import { answer, endTour, nextStep, prevStep, startTour, TOUR_IDLE, type AnchorPresent, type TourAction, type TourRunPhase, type TourState, type TourStep } from './engine';

export interface TourStoreState {
  steps: readonly TourStep[];
  tour: TourState;
  /** Why the last → did not move (the step waits for the run); null otherwise. */
  blocked: string | null;
  start(present: AnchorPresent, alreadyDone?: readonly TourAction[]): TourAction[];
  next(present: AnchorPresent, phase: TourRunPhase): TourAction[];
  prev(present: AnchorPresent): void;
  end(): void;
  choose(choiceId: string): void;
}

export type TourStore = UseBoundStore<StoreApi<TourStoreState>>;

export function createTourStore(steps: readonly TourStep[]): TourStore {
  return create<TourStoreState>()((set, get) => ({
    steps,
    tour: TOUR_IDLE,
    blocked: null,
    start: (present, alreadyDone = []) => {
      const move = startTour(get().steps, present, alreadyDone);
      set({ tour: move.state, blocked: null });
      return move.actions;
    },
    next: (present, phase) => {
      const move = nextStep(get().steps, get().tour, present, phase);
      set({ tour: move.state, blocked: move.blocked });
      return move.actions;
    },
    prev: (present) => set({ tour: prevStep(get().steps, get().tour, present).state, blocked: null }),
    end: () => set({ tour: endTour(get().tour), blocked: null }),
    choose: (choiceId) => set({ tour: answer(get().steps, get().tour, choiceId) }),
  }));
}

/** The step shown, or null while the tour is closed. */
export const selectTourStep = (s: Pick<TourStoreState, 'steps' | 'tour'>): TourStep | null => (s.tour.active ? (s.steps[s.tour.index] ?? null) : null);
