/**
 * The guided tour (lecture mode) as pure functions: which step shows, where → and ← go, which
 * steps are skipped because the panel they point at is not on the page, when → must wait for
 * the run (stage 1 pauses at its boundary before the tour moves on), and which run actions a
 * step asks for. The UI (src/ui/tour/) supplies the step texts, asks the page which anchors
 * exist, performs the actions through the bridge and draws the callout; nothing here touches
 * the DOM or the worker.
 */

/**
 * What entering a step (going forward, the first time in a tour) asks of the run:
 * - `run-stage1`: a new run that trains stage 1 and pauses at the stage boundary;
 * - `run-stage2`: the paused run continues through stage 2 to the end;
 * - `compare`: vanilla, stage 1 only and REFILLED on the same seeds (Compare).
 */
export const TOUR_ACTIONS = ['run-stage1', 'run-stage2', 'compare'] as const;
export type TourAction = (typeof TOUR_ACTIONS)[number];

/** What → waits for on a step: the run paused at the stage boundary, or the run over. */
export type TourWait = 'stage-boundary' | 'run-finished';

export interface TourChoice {
  id: string;
  label: string;
}

export interface TourStep {
  id: string;
  title: string;
  /** Paragraphs of the callout. */
  body: readonly string[];
  /**
   * `data-tour` names of the panels the step talks about, best first: the first one on the
   * page is highlighted (a panel can be hidden by the link, or absent in the projector view).
   */
  anchors: readonly string[];
  /** With none of its anchors on the page: true skips the step, false shows it centred. */
  optional?: boolean;
  action?: TourAction;
  waitFor?: TourWait;
  /** What → says while the step waits (e.g. "Stage 1 is training…"). */
  waiting?: string;
  /** What the live region says once the run got there (e.g. "paused at the stage boundary"). */
  reached?: string;
  /** A question to the audience (the prediction before Compare); the answer is kept. */
  choices?: readonly TourChoice[];
  /** The label of → on this step (default "Next"). */
  nextLabel?: string;
}

export interface TourState {
  active: boolean;
  /** Index into the steps of the step shown (meaningful while active). */
  index: number;
  /** Actions already performed in this tour: each happens once, going back and forth repeats none. */
  performed: readonly TourAction[];
  /** The audience's answer to a step with choices, by step id. */
  answers: Readonly<Record<string, string>>;
}

export const TOUR_IDLE: TourState = { active: false, index: 0, performed: [], answers: {} };

/** Where the tour's run is, as the tour needs it. */
export type TourRunPhase = 'none' | 'loading' | 'stage1' | 'boundary' | 'stage2' | 'finished' | 'failed';

/** The slice of a run record the phase is read from (state/runStore's RunRecord fits). */
export interface TourRunView {
  status: string;
  progress?: { stage: 1 | 2; stageStep: number; stageSteps: number };
  prepared?: { stage1Steps: number };
}

/** Whether a `data-tour` anchor is on the page now. */
export type AnchorPresent = (anchor: string) => boolean;

/** A move of the tour: the new state, and the run actions to perform now, in order. */
export interface TourMove {
  state: TourState;
  actions: TourAction[];
  /** Why → did nothing (the step waits for the run), for the live region; null when it moved. */
  blocked: string | null;
}

/**
 * The run's phase. The stage boundary is a paused run whose stage 1 is over: either its
 * progress already says stage 2 (at step 0 of it), or stage 1's last step is done.
 */
export function runPhaseOf(run: TourRunView | undefined): TourRunPhase {
  if (!run) return 'none';
  switch (run.status) {
    case 'idle':
    case 'loading':
    case 'ready':
      return 'loading';
    case 'done':
      return 'finished';
    case 'failed':
    case 'error':
    case 'stopped':
      return 'failed';
    default:
      break;
  }
  const progress = run.progress;
  const stage1Over = progress !== undefined && (progress.stage === 2 || (progress.stage === 1 && progress.stageSteps > 0 && progress.stageStep >= progress.stageSteps));
  if (run.status === 'paused' && stage1Over && (progress?.stage === 1 || progress?.stageStep === 0)) return 'boundary';
  return stage1Over ? 'stage2' : 'stage1';
}

/** Whether the run got to where a step waits. A failed run releases the wait (the tour is not stuck). */
export function waitMet(wait: TourWait | undefined, phase: TourRunPhase): boolean {
  if (wait === undefined) return true;
  if (phase === 'failed') return true;
  if (wait === 'stage-boundary') return phase === 'boundary' || phase === 'stage2' || phase === 'finished';
  return phase === 'finished';
}

/** The anchor a step highlights: its first one on the page, or null (shown centred, or skipped). */
export function anchorOf(step: TourStep, present: AnchorPresent): string | null {
  return step.anchors.find((a) => present(a)) ?? null;
}

/** Whether a step shows: it has an anchor on the page, or it is not optional. */
export function stepShows(step: TourStep, present: AnchorPresent): boolean {
  return !step.optional || anchorOf(step, present) !== null;
}

function seek(steps: readonly TourStep[], from: number, direction: 1 | -1, present: AnchorPresent): number | null {
  for (let i = from; i >= 0 && i < steps.length; i += direction) if (stepShows(steps[i], present)) return i;
  return null;
}

/** Entering `index` going forward: its action, unless this tour already did it. */
function enter(steps: readonly TourStep[], state: TourState, index: number): TourMove {
  const action = steps[index].action;
  const fresh = action !== undefined && !state.performed.includes(action);
  return {
    state: { ...state, active: true, index, performed: fresh ? [...state.performed, action] : state.performed },
    actions: fresh ? [action] : [],
    blocked: null,
  };
}

/**
 * Starts the tour at its first step that shows. `alreadyDone` lists actions the page did on
 * its own (a link with `autorun=1` starts the tour's stage-1 run at once).
 */
export function startTour(steps: readonly TourStep[], present: AnchorPresent, alreadyDone: readonly TourAction[] = []): TourMove {
  const first = seek(steps, 0, 1, present);
  const base: TourState = { ...TOUR_IDLE, performed: [...alreadyDone] };
  if (first === null) return { state: base, actions: [], blocked: null };
  return enter(steps, base, first);
}

/**
 * → : the next step that shows, performing its action; past the last step the tour ends. A
 * step that waits for the run keeps the tour where it is until the run gets there.
 */
export function nextStep(steps: readonly TourStep[], state: TourState, present: AnchorPresent, phase: TourRunPhase): TourMove {
  if (!state.active) return { state, actions: [], blocked: null };
  const step = steps[state.index];
  if (!waitMet(step.waitFor, phase)) return { state, actions: [], blocked: step.waiting ?? 'Waiting for the run.' };
  const next = seek(steps, state.index + 1, 1, present);
  if (next === null) return { state: { ...state, active: false }, actions: [], blocked: null };
  return enter(steps, state, next);
}

/** ← : the previous step that shows (no action is repeated); on the first step, nothing. */
export function prevStep(steps: readonly TourStep[], state: TourState, present: AnchorPresent): TourMove {
  if (!state.active) return { state, actions: [], blocked: null };
  const prev = seek(steps, state.index - 1, -1, present);
  return { state: prev === null ? state : { ...state, index: prev }, actions: [], blocked: null };
}

/** Esc: the tour closes; its answers stay until the next start. */
export function endTour(state: TourState): TourState {
  return { ...state, active: false };
}

/** Records the audience's choice on a step with choices (unknown choices are ignored). */
export function answer(steps: readonly TourStep[], state: TourState, choiceId: string): TourState {
  const step = steps[state.index];
  if (!state.active || !step.choices?.some((c) => c.id === choiceId)) return state;
  return { ...state, answers: { ...state.answers, [step.id]: choiceId } };
}

/** "Step 3 of 8" over the steps that show now (a skipped step is not counted). */
export function stepPosition(steps: readonly TourStep[], state: TourState, present: AnchorPresent): { at: number; of: number } {
  const shown = steps.map((s, i) => (stepShows(s, present) ? i : -1)).filter((i) => i >= 0);
  return { at: Math.max(0, shown.indexOf(state.index)) + 1, of: shown.length };
}
