/**
 * The run buttons, performed: looks up the run-controls table (state/controls/runControls.ts)
 * for the active run's state and does the cell's effect through the bridge. The UI calls
 * `performControl` and draws `controlDecision`; neither decides anything by itself.
 */
import { usesStage1 } from '../protocol/config';
import { selectCanRun, useConfigStore } from '../state/configStore';
import { controlStateOf, decide, spaceAction, type ControlAction, type ControlDecision, type ControlGuards, type ControlState } from '../state/controls/runControls';
import { selectActiveRun, useRunStore } from '../state/runStore';
import type { Bridge } from './bridge';

/** The step count box's bounds. */
export const MAX_STEP_COUNT = 100_000;

export function validStepCount(steps: number): boolean {
  return Number.isInteger(steps) && steps >= 1 && steps <= MAX_STEP_COUNT;
}

/** The active run's state for the controls. */
export function currentControlState(): ControlState {
  return controlStateOf(selectActiveRun(useRunStore.getState())?.status);
}

/** The guards from the stores: valid settings, stage 1 still open, a valid step count. */
export function currentGuards(steps: number): ControlGuards {
  const run = selectActiveRun(useRunStore.getState());
  const state = controlStateOf(run?.status);
  const continuing = state === 'ready' || state === 'paused';
  const stage1Open = continuing && run ? usesStage1(run.config.method) && run.progress?.stage !== 2 : usesStage1(useConfigStore.getState().config.method);
  return { canRun: selectCanRun(useConfigStore.getState()), stage1Open, stepCountValid: validStepCount(steps) };
}

/** What a button would do now (for its label, tooltip and enabled state). */
export function controlDecision(action: ControlAction, steps: number): ControlDecision {
  return decide(currentControlState(), action, currentGuards(steps));
}

/** Presses a run button: the table's effect for the active run's state, or nothing where disabled. */
export function performControl(bridge: Bridge, action: ControlAction, steps = 0): ControlDecision {
  const decision = controlDecision(action, steps);
  const config = useConfigStore.getState().config;
  const stage = action === 'step1' ? 1 : 2;
  switch (decision.effect) {
    case 'new-run':
      bridge.run(config, config.method);
      break;
    case 'new-run-step':
      bridge.configureAndStep(config, stage, steps);
      break;
    case 'start':
      bridge.start();
      break;
    case 'pause':
      bridge.pause();
      break;
    case 'resume':
      bridge.resume();
      break;
    case 'step':
      bridge.step(stage, steps);
      break;
    case 'stop':
      bridge.stop();
      break;
    case 'reset':
      bridge.reset();
      break;
    case 'none':
      break;
    default: {
      const unreachable: never = decision.effect;
      throw new Error(`Unknown control effect ${String(unreachable)}`);
    }
  }
  return decision;
}

/** The Space bar, through the same table. */
export function performSpace(bridge: Bridge): ControlDecision | null {
  const action = spaceAction(currentControlState());
  return action ? performControl(bridge, action) : null;
}
