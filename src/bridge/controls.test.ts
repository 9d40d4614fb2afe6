/**
 * Every cell of the run-controls table, performed through the bridge and the store with a fake
 * worker that answers as the real handler does: the button's effect, the requests it sends,
 * and the state that follows are the table's.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../protocol/config';
import type { WorkerEvent, WorkerRequest } from '../protocol/messages';
import { useConfigStore } from '../state/configStore';
import { CONTROL_ACTIONS, CONTROL_STATES, RUN_CONTROLS, controlStateOf, decide, spaceAction, type ControlEffect, type ControlState } from '../state/controls/runControls';
import { selectActiveRun, useRunStore } from '../state/runStore';
import { Bridge, type WorkerPort } from './bridge';
import { currentControlState, performControl, performSpace } from './controls';

const RESULT = {
  classNames: ['a', 'b'],
  counts: { train: 20, val: 20, test: 200 },
  final: { testAccuracy: 0.8, ncmTestAccuracy: 0.8, confusion: [[80, 20], [20, 80]] },
  readbacks: 0,
} as never;

/** Answers requests with the statuses the worker handler posts for them. */
class AnsweringWorker implements WorkerPort {
  readonly sent: WorkerRequest[] = [];
  onmessage: ((event: MessageEvent<WorkerEvent>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  answering = true;
  postMessage(message: WorkerRequest): void {
    this.sent.push(message);
    if (!this.answering || !('runId' in message)) return;
    const status = { start: 'running', resume: 'running', step: 'running', pause: 'paused', stop: 'stopped', reset: 'idle' } as const;
    // A run still loading answers start and step only once ready (the handler queues them).
    if ((message.type === 'start' || message.type === 'step') && useRunStore.getState().runs.find((r) => r.runId === message.runId)?.status === 'loading') return;
    if (message.type in status) this.emit({ type: 'status', runId: message.runId, status: status[message.type as keyof typeof status] });
  }
  terminate(): void {}
  emit(event: WorkerEvent): void {
    this.onmessage?.({ data: event } as MessageEvent<WorkerEvent>);
  }
}

let worker: AnsweringWorker;
let bridge: Bridge;
const store = () => useRunStore.getState();

/** Brings the bridge and store into `state` as a real session would. */
function enter(state: ControlState): void {
  const quiet = (f: () => void) => {
    worker.answering = false;
    f();
    worker.answering = true;
  };
  switch (state) {
    case 'idle':
      return;
    case 'loading':
      bridge.configure(DEFAULT_CONFIG);
      return;
    case 'ready': {
      const runId = bridge.configure(DEFAULT_CONFIG);
      worker.emit({ type: 'status', runId, status: 'ready' });
      return;
    }
    case 'running':
    case 'paused':
    case 'finished': {
      const runId = bridge.run(DEFAULT_CONFIG);
      worker.emit({ type: 'status', runId, status: 'ready' });
      worker.emit({ type: 'status', runId, status: 'running' });
      worker.emit({ type: 'progress', runId, progress: { stage: 1, stageStep: 3, stageSteps: 40, step: 3, totalSteps: 140, epoch: 3, etaMs: null } });
      if (state === 'paused') quiet(() => worker.emit({ type: 'status', runId, status: 'paused' }));
      if (state === 'finished') {
        worker.emit({ type: 'result', runId, result: RESULT });
        worker.emit({ type: 'status', runId, status: 'done' });
      }
      return;
    }
  }
}

/** The requests each effect sends to the worker. */
const REQUESTS: Record<ControlEffect, WorkerRequest['type'][]> = {
  'new-run': ['configure', 'start'],
  'new-run-step': ['configure', 'step'],
  start: ['start'],
  pause: ['pause'],
  resume: ['resume'],
  step: ['step'],
  stop: ['stop'],
  reset: ['reset'],
  none: [],
};

beforeEach(() => {
  useRunStore.setState(useRunStore.getInitialState(), true);
  useConfigStore.setState(useConfigStore.getInitialState(), true);
  bridge = new Bridge({
    createWorker: () => {
      worker = new AnsweringWorker();
      return worker;
    },
  });
  bridge.init('cpu');
});

describe('run controls table', () => {
  for (const state of CONTROL_STATES) {
    for (const action of CONTROL_ACTIONS) {
      const cell = RUN_CONTROLS[state][action];
      it(`${state} × ${action} → ${cell.effect}, then ${cell.next}`, () => {
        enter(state);
        expect(currentControlState()).toBe(state);
        const runsBefore = store().runs.map((r) => ({ runId: r.runId, finished: controlStateOf(r.status) === 'finished' }));
        const sentBefore = worker.sent.length;
        const statusesBefore = store().runs.map((r) => r.status);
        const decision = performControl(bridge, action, 10);
        expect(decision.effect).toBe(cell.effect);
        let requests = worker.sent.slice(sentBefore).map((m) => m.type);
        // Reset of a finished run has nothing to free in the worker: the page alone is reset.
        if (cell.effect === 'reset' && state === 'finished') requests = [...requests, 'reset'];
        expect(requests).toEqual(REQUESTS[cell.effect]);
        expect(currentControlState()).toBe(cell.next);
        if (cell.effect === 'reset') {
          // A fresh page: no active run, bars at 0; finished runs keep their rows, a live one is gone.
          expect(store().activeRunId).toBeNull();
          expect(store().runs.map((r) => r.runId)).toEqual(runsBefore.filter((r) => r.finished).map((r) => r.runId));
        }
        if (cell.effect === 'new-run' || cell.effect === 'new-run-step') {
          expect(store().runs).toHaveLength(runsBefore.length + 1);
          // The run it replaced is not left live.
          for (const r of store().runs.slice(0, -1)) expect(controlStateOf(r.status)).toBe('finished');
        }
        if (cell.effect === 'none') expect(store().runs.map((r) => r.status)).toEqual(statusesBefore);
      });
    }
  }

  it('says where a step starts a new run (label note and tooltip)', () => {
    expect(RUN_CONTROLS.finished.step2).toMatchObject({ effect: 'new-run-step', note: 'new run' });
    expect(RUN_CONTROLS.finished.step2.hint).toMatch(/finished.*new run/);
    expect(RUN_CONTROLS.paused.step2).toMatchObject({ effect: 'step' });
    expect(RUN_CONTROLS.paused.step2.note).toBeUndefined();
  });

  it('late events of a reset run are dropped', () => {
    enter('running');
    const runId = store().activeRunId!;
    performControl(bridge, 'reset');
    worker.emit({ type: 'metrics', runId, points: [{ stage: 1, step: 5, epoch: 0, learningRate: 0.1, loss: 1, stepMs: 1 }], numTensors: 1, readbacks: 1 });
    expect(store().runs).toEqual([]);
    expect(selectActiveRun(store())).toBeUndefined();
  });
});

describe('guards', () => {
  const ok = { canRun: true, stage1Open: true, stepCountValid: true };

  it('a new run needs valid settings', () => {
    expect(decide('idle', 'run', { ...ok, canRun: false })).toMatchObject({ enabled: false, effect: 'none' });
    expect(decide('finished', 'step2', { ...ok, canRun: false }).enabled).toBe(false);
    // Continuing the current run does not read the controls' settings.
    expect(decide('paused', 'step2', { ...ok, canRun: false }).enabled).toBe(true);
  });

  it('stage-1 steps need stage 1, and any step a valid count', () => {
    expect(decide('paused', 'step1', { ...ok, stage1Open: false })).toMatchObject({ enabled: false, hint: 'This run is past stage 1.' });
    expect(decide('idle', 'step1', { ...ok, stage1Open: false }).hint).toBe('This method has no stage 1.');
    expect(decide('paused', 'step2', { ...ok, stepCountValid: false }).enabled).toBe(false);
  });

  it('step 1 of a paused run in stage 2 is disabled through the stores', () => {
    enter('paused');
    const runId = store().activeRunId!;
    worker.emit({ type: 'progress', runId, progress: { stage: 2, stageStep: 1, stageSteps: 100, step: 41, totalSteps: 140, epoch: 1, etaMs: null } });
    expect(performControl(bridge, 'step1', 10).enabled).toBe(false);
  });

  it('Space pauses, resumes, and otherwise runs', () => {
    expect(CONTROL_STATES.map(spaceAction)).toEqual(['run', null, 'resume', 'pause', 'resume', 'run']);
    enter('running');
    performSpace(bridge);
    expect(currentControlState()).toBe('paused');
    performSpace(bridge);
    expect(currentControlState()).toBe('running');
  });
});
