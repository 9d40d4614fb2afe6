/**
 * The run controls as one table: for each state of the active run and each button, whether
 * the button is enabled, what it does and which state follows. The bridge performs a cell's
 * `effect` (src/bridge/controls.ts) and the run panel draws a cell's `label` and `hint`; both
 * read this table, so the table is the behaviour. docs/run-controls.md shows it.
 *
 * Guards beyond the table (checked by `decide`): an effect that starts a new run needs valid
 * settings; "Stage 1 +N" needs a method with stage 1 and a run not yet past it; a step count
 * must be valid.
 */
import type { RunStatus } from '../../protocol/messages';

/** The active run, as the controls see it. `idle`: no active run (a fresh page, or after Reset). */
export const CONTROL_STATES = ['idle', 'loading', 'ready', 'running', 'paused', 'finished'] as const;
export type ControlState = (typeof CONTROL_STATES)[number];

export const CONTROL_ACTIONS = ['run', 'pause', 'resume', 'step1', 'step2', 'stop', 'reset'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/**
 * What a button does:
 * - `new-run`: configure a run from the controls' settings and start it (a live run is ended first);
 * - `new-run-step`: configure a new run and take N steps of the stage, then pause;
 * - `start`, `pause`, `resume`, `stop`: the same request to the active run;
 * - `step`: N more steps of the stage in the active run, then pause;
 * - `reset`: end the active run, drop its record if it never finished, and show a fresh page
 *   (no active run: charts empty, bars at 0); finished runs keep their rows;
 * - `none`: the button is disabled.
 */
export type ControlEffect = 'new-run' | 'new-run-step' | 'start' | 'pause' | 'resume' | 'step' | 'stop' | 'reset' | 'none';

export interface ControlCell {
  effect: ControlEffect;
  /** The state right after the effect (before the worker answers further). */
  next: ControlState;
  /** Suffix of the button's label where the effect is not the obvious one (e.g. "new run"). */
  note?: string;
  /** The button's tooltip. */
  hint: string;
}

const off = (state: ControlState, why: string): ControlCell => ({ effect: 'none', next: state, hint: why });

const NEW_RUN: ControlCell = { effect: 'new-run', next: 'loading', hint: 'Train both stages with the current settings (Space)' };
const newRunStep = (stage: 1 | 2, after: string): ControlCell => ({
  effect: 'new-run-step',
  next: 'loading',
  note: 'new run',
  hint: `${after}Starts a new run with the current settings and takes N steps of stage ${stage}, then pauses.`,
});
const step = (stage: 1 | 2): ControlCell => ({ effect: 'step', next: 'running', hint: `Continue this run by N steps of stage ${stage}, then pause.` });
const STOP: ControlCell = { effect: 'stop', next: 'finished', hint: 'End the run; its charts and row stay.' };
const RESET_LIVE: ControlCell = { effect: 'reset', next: 'idle', hint: 'End this run and drop it; the page is as freshly opened (finished runs keep their rows).' };

export const RUN_CONTROLS: Readonly<Record<ControlState, Readonly<Record<ControlAction, ControlCell>>>> = {
  idle: {
    run: NEW_RUN,
    pause: off('idle', 'Nothing is running.'),
    resume: off('idle', 'Nothing is paused.'),
    step1: newRunStep(1, ''),
    step2: newRunStep(2, ''),
    stop: off('idle', 'Nothing is running.'),
    reset: off('idle', 'Nothing to reset.'),
  },
  loading: {
    run: off('loading', 'The run is loading its data and teacher.'),
    pause: off('loading', 'The run has not started yet.'),
    resume: off('loading', 'The run has not started yet.'),
    step1: off('loading', 'The run is loading its data and teacher.'),
    step2: off('loading', 'The run is loading its data and teacher.'),
    stop: STOP,
    reset: RESET_LIVE,
  },
  ready: {
    run: { effect: 'start', next: 'running', hint: 'Start this run (Space)' },
    pause: off('ready', 'The run has not started yet.'),
    resume: { effect: 'resume', next: 'running', hint: 'Train this run to the end (Space)' },
    step1: step(1),
    step2: step(2),
    stop: STOP,
    reset: RESET_LIVE,
  },
  running: {
    run: off('running', 'A run is training: pause or stop it first.'),
    pause: { effect: 'pause', next: 'paused', hint: 'Pause after the step in flight (Space)' },
    resume: off('running', 'The run is already training.'),
    step1: off('running', 'Pause the run to step it.'),
    step2: off('running', 'Pause the run to step it.'),
    stop: STOP,
    reset: RESET_LIVE,
  },
  paused: {
    run: { effect: 'new-run', next: 'loading', note: 'new run', hint: 'Ends this paused run and starts a new one with the current settings.' },
    pause: off('paused', 'The run is already paused.'),
    resume: { effect: 'resume', next: 'running', hint: 'Continue this run to the end (Space)' },
    step1: step(1),
    step2: step(2),
    stop: STOP,
    reset: RESET_LIVE,
  },
  finished: {
    run: NEW_RUN,
    pause: off('finished', 'The run has finished.'),
    resume: off('finished', 'The run has finished.'),
    step1: newRunStep(1, 'The last run has finished. '),
    step2: newRunStep(2, 'The last run has finished. '),
    stop: off('finished', 'The run has finished.'),
    reset: { effect: 'reset', next: 'idle', hint: 'Clear the charts and progress; the finished run keeps its row.' },
  },
};

/** The controls' state of a run status (undefined: no active run). */
export function controlStateOf(status: RunStatus | undefined): ControlState {
  switch (status) {
    case undefined:
    case 'idle':
      return 'idle';
    case 'loading':
    case 'ready':
    case 'running':
    case 'paused':
      return status;
    case 'stopped':
    case 'done':
    case 'failed':
    case 'error':
      return 'finished';
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

export interface ControlGuards {
  /** The controls' settings are valid (a new run may start). */
  canRun: boolean;
  /** Stage 1 can still take steps: the method has stage 1 and (for the active run) it is not over. */
  stage1Open: boolean;
  /** The step count box holds a valid count. */
  stepCountValid: boolean;
}

export interface ControlDecision extends ControlCell {
  enabled: boolean;
}

/** A cell of the table with the guards applied: `enabled` false turns the effect into `none`. */
export function decide(state: ControlState, action: ControlAction, guards: ControlGuards): ControlDecision {
  const cell = RUN_CONTROLS[state][action];
  let enabled = cell.effect !== 'none';
  let hint = cell.hint;
  if (enabled && (cell.effect === 'new-run' || cell.effect === 'new-run-step') && !guards.canRun) {
    enabled = false;
    hint = 'Fix the highlighted settings first.';
  }
  if (enabled && (action === 'step1' || action === 'step2') && !guards.stepCountValid) {
    enabled = false;
    hint = 'Enter a whole number of steps (1 to 100,000).';
  }
  if (enabled && action === 'step1' && !guards.stage1Open) {
    enabled = false;
    hint = state === 'ready' || state === 'paused' ? 'This run is past stage 1.' : 'This method has no stage 1.';
  }
  return enabled ? { ...cell, hint, enabled } : { effect: 'none', next: state, hint, enabled, ...(cell.note ? { note: cell.note } : {}) };
}

/** The Space bar: pause a running run, resume a paused or ready one, otherwise run. */
export function spaceAction(state: ControlState): ControlAction | null {
  if (state === 'running') return 'pause';
  if (state === 'paused' || state === 'ready') return 'resume';
  if (state === 'loading') return null;
  return 'run';
}

/** The table as Markdown (docs/run-controls.md holds this; a test keeps them equal). */
export function controlsTableMarkdown(): string {
  const head = `| state \\ button | ${CONTROL_ACTIONS.join(' | ')} |`;
  const rule = `|${'---|'.repeat(CONTROL_ACTIONS.length + 1)}`;
  const rows = CONTROL_STATES.map((state) => {
    const cells = CONTROL_ACTIONS.map((action) => {
      const c = RUN_CONTROLS[state][action];
      return c.effect === 'none' ? '—' : `${c.effect} → ${c.next}${c.note ? ` ("${c.note}")` : ''}`;
    });
    return `| **${state}** | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}
