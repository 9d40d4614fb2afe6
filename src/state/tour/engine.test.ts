import { describe, expect, it } from 'vitest';
import { anchorOf, answer, endTour, nextStep, prevStep, runPhaseOf, startTour, stepPosition, waitMet, type TourStep } from './engine';
import { createTourStore, selectTourStep } from './tourStore';

/** A small tour: intro, a stage-1 run that waits for the boundary, two charts (one optional), stage 2, compare. */
const STEPS: TourStep[] = [
  { id: 'intro', title: 'Intro', body: ['…'], anchors: ['teacher', 'run'] },
  { id: 's1', title: 'Stage 1', body: ['…'], anchors: ['run'], action: 'run-stage1', waitFor: 'stage-boundary', waiting: 'Stage 1 is training.' },
  { id: 'ncm', title: 'NCM', body: ['…'], anchors: ['chart-ncm'] },
  { id: 'explorer', title: 'Explorer', body: ['…'], anchors: ['explorer'], optional: true },
  { id: 's2', title: 'Stage 2', body: ['…'], anchors: ['run'], action: 'run-stage2', waitFor: 'run-finished' },
  { id: 'predict', title: 'Predict', body: ['…'], anchors: ['compare'], choices: [{ id: 'vanilla', label: 'Vanilla' }, { id: 'refilled', label: 'REFILLED' }] },
  { id: 'compare', title: 'Compare', body: ['…'], anchors: ['compare'], action: 'compare' },
];

const page =
  (...anchors: string[]) =>
  (a: string) =>
    anchors.includes(a);
const ALL = page('teacher', 'run', 'chart-ncm', 'explorer', 'compare');
const NO_EXPLORER = page('teacher', 'run', 'chart-ncm', 'compare');

describe('runPhaseOf', () => {
  it('reads the stage boundary from a paused run whose stage 1 is over', () => {
    expect(runPhaseOf(undefined)).toBe('none');
    expect(runPhaseOf({ status: 'loading' })).toBe('loading');
    expect(runPhaseOf({ status: 'running', progress: { stage: 1, stageStep: 3, stageSteps: 4 } })).toBe('stage1');
    // Stage 1's last step reported, then the worker paused: the boundary.
    expect(runPhaseOf({ status: 'paused', progress: { stage: 1, stageStep: 4, stageSteps: 4 } })).toBe('boundary');
    expect(runPhaseOf({ status: 'paused', progress: { stage: 2, stageStep: 0, stageSteps: 6 } })).toBe('boundary');
    // Paused in the middle of a stage is not the boundary.
    expect(runPhaseOf({ status: 'paused', progress: { stage: 1, stageStep: 2, stageSteps: 4 } })).toBe('stage1');
    expect(runPhaseOf({ status: 'paused', progress: { stage: 2, stageStep: 3, stageSteps: 6 } })).toBe('stage2');
    expect(runPhaseOf({ status: 'running', progress: { stage: 2, stageStep: 1, stageSteps: 6 } })).toBe('stage2');
    expect(runPhaseOf({ status: 'done' })).toBe('finished');
    expect(runPhaseOf({ status: 'error' })).toBe('failed');
  });

  it('waits: the boundary is met by the boundary or anything after it; a failed run releases every wait', () => {
    expect(waitMet(undefined, 'none')).toBe(true);
    expect(waitMet('stage-boundary', 'stage1')).toBe(false);
    expect(waitMet('stage-boundary', 'loading')).toBe(false);
    expect(waitMet('stage-boundary', 'boundary')).toBe(true);
    expect(waitMet('stage-boundary', 'finished')).toBe(true);
    expect(waitMet('run-finished', 'boundary')).toBe(false);
    expect(waitMet('run-finished', 'stage2')).toBe(false);
    expect(waitMet('run-finished', 'finished')).toBe(true);
    expect(waitMet('run-finished', 'failed')).toBe(true);
  });
});

describe('the tour engine', () => {
  it('starts at the first step and highlights its first anchor on the page', () => {
    const move = startTour(STEPS, ALL);
    expect(move.state).toMatchObject({ active: true, index: 0 });
    expect(move.actions).toEqual([]);
    expect(anchorOf(STEPS[0], ALL)).toBe('teacher');
    // The projector view has no sidebar: the next anchor in the list.
    expect(anchorOf(STEPS[0], page('run'))).toBe('run');
  });

  it('→ performs a step’s action on entering it, then waits for the stage boundary (the pause intent)', () => {
    let state = startTour(STEPS, ALL).state;
    const toStage1 = nextStep(STEPS, state, ALL, 'none');
    expect(toStage1.state.index).toBe(1);
    expect(toStage1.actions).toEqual(['run-stage1']);
    state = toStage1.state;
    for (const phase of ['loading', 'stage1'] as const) {
      const held = nextStep(STEPS, state, ALL, phase);
      expect(held.state).toBe(state);
      expect(held.actions).toEqual([]);
      expect(held.blocked).toBe('Stage 1 is training.');
    }
    const atBoundary = nextStep(STEPS, state, ALL, 'boundary');
    expect(atBoundary.state.index).toBe(2);
    expect(atBoundary.blocked).toBeNull();
  });

  it('skips a step whose optional anchor is missing, both ways, and counts only the steps shown', () => {
    let state = startTour(STEPS, NO_EXPLORER).state;
    state = nextStep(STEPS, state, NO_EXPLORER, 'none').state; // s1
    state = nextStep(STEPS, state, NO_EXPLORER, 'boundary').state; // ncm
    const past = nextStep(STEPS, state, NO_EXPLORER, 'boundary');
    expect(STEPS[past.state.index].id).toBe('s2');
    expect(past.actions).toEqual(['run-stage2']);
    expect(STEPS[prevStep(STEPS, past.state, NO_EXPLORER).state.index].id).toBe('ncm');
    expect(stepPosition(STEPS, past.state, NO_EXPLORER)).toEqual({ at: 4, of: 6 });
    // With the explorer on the page, it shows.
    expect(STEPS[nextStep(STEPS, state, ALL, 'boundary').state.index].id).toBe('explorer');
    expect(stepPosition(STEPS, state, ALL)).toEqual({ at: 3, of: 7 });
  });

  it('a required step without its anchor still shows (centred): only optional steps are skipped', () => {
    const bare = page();
    const state = startTour(STEPS, bare).state;
    expect(state.index).toBe(0);
    expect(anchorOf(STEPS[0], bare)).toBeNull();
  });

  it('← stops at the first step, repeats no action, and → again does not restart the run', () => {
    let state = startTour(STEPS, ALL).state;
    expect(prevStep(STEPS, state, ALL).state.index).toBe(0);
    state = nextStep(STEPS, state, ALL, 'none').state;
    expect(state.performed).toEqual(['run-stage1']);
    state = prevStep(STEPS, state, ALL).state;
    expect(state.index).toBe(0);
    const again = nextStep(STEPS, state, ALL, 'stage1');
    expect(again.state.index).toBe(1);
    expect(again.actions).toEqual([]);
  });

  it('an action the page already did (autorun) is not done again', () => {
    const start = startTour(STEPS, ALL, ['run-stage1']);
    const move = nextStep(STEPS, start.state, ALL, 'stage1');
    expect(move.state.index).toBe(1);
    expect(move.actions).toEqual([]);
  });

  it('records the prediction, then → starts Compare; → on the last step ends the tour', () => {
    let state = startTour(STEPS, ALL).state;
    const phases = ['none', 'boundary', 'boundary', 'boundary', 'finished'] as const;
    const actions: string[] = [];
    for (const phase of phases) {
      const move = nextStep(STEPS, state, ALL, phase);
      actions.push(...move.actions);
      state = move.state;
    }
    expect(STEPS[state.index].id).toBe('predict');
    expect(answer(STEPS, state, 'nobody').answers).toEqual({});
    state = answer(STEPS, state, 'refilled');
    expect(state.answers).toEqual({ predict: 'refilled' });
    const toCompare = nextStep(STEPS, state, ALL, 'finished');
    expect(toCompare.actions).toEqual(['compare']);
    expect(actions).toEqual(['run-stage1', 'run-stage2']);
    const done = nextStep(STEPS, toCompare.state, ALL, 'finished');
    expect(done.state.active).toBe(false);
    // A closed tour does nothing on → or ←.
    expect(nextStep(STEPS, done.state, ALL, 'finished').state).toBe(done.state);
    expect(prevStep(STEPS, done.state, ALL).state).toBe(done.state);
  });

  it('Esc closes the tour; a new start performs the run again', () => {
    let state = startTour(STEPS, ALL).state;
    state = nextStep(STEPS, state, ALL, 'none').state;
    state = endTour(state);
    expect(state.active).toBe(false);
    const restart = startTour(STEPS, ALL);
    expect(nextStep(STEPS, restart.state, ALL, 'none').actions).toEqual(['run-stage1']);
  });
});

describe('the tour store', () => {
  it('moves through the engine and returns the actions to perform', () => {
    const store = createTourStore(STEPS);
    expect(selectTourStep(store.getState())).toBeNull();
    expect(store.getState().start(ALL)).toEqual([]);
    expect(selectTourStep(store.getState())?.id).toBe('intro');
    expect(store.getState().next(ALL, 'none')).toEqual(['run-stage1']);
    expect(store.getState().next(ALL, 'stage1')).toEqual([]);
    expect(store.getState().blocked).toBe('Stage 1 is training.');
    store.getState().prev(ALL);
    expect(store.getState().blocked).toBeNull();
    expect(selectTourStep(store.getState())?.id).toBe('intro');
    store.getState().end();
    expect(selectTourStep(store.getState())).toBeNull();
  });
});
