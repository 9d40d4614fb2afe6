/**
 * What the run buttons do, in one place: the only UI module that calls the bridge for a run.
 * Reads the current config from the config store and the run state from the run store.
 */
import { bridge } from '../../bridge/bridge';
import { selectCanRun, useConfigStore } from '../../state/configStore';
import { selectActiveRun, useRunStore } from '../../state/runStore';
import type { BackendName, RunStatus } from '../../protocol/messages';

const LIVE: readonly RunStatus[] = ['loading', 'ready', 'running', 'paused'];

export const isLive = (status: RunStatus | undefined): boolean => status !== undefined && LIVE.includes(status);

function activeStatus(): RunStatus | undefined {
  return selectActiveRun(useRunStore.getState())?.status;
}

function runLabel(): string {
  return useConfigStore.getState().config.method;
}

export function startRun(): void {
  if (!selectCanRun(useConfigStore.getState())) return;
  bridge.run(useConfigStore.getState().config, runLabel());
}

/**
 * Steps the active run if it can take steps; otherwise configures a new run and steps it once
 * it is ready (the worker takes steps only after its data and teacher have loaded).
 */
export function stepRun(stage: 1 | 2, steps: number): void {
  const status = activeStatus();
  if (status === 'ready' || status === 'paused') {
    bridge.step(stage, steps);
    return;
  }
  if (!selectCanRun(useConfigStore.getState())) return;
  const runId = bridge.configure(useConfigStore.getState().config, runLabel());
  const unsubscribe = useRunStore.subscribe((s) => {
    const run = s.runs.find((r) => r.runId === runId);
    if (!run || s.activeRunId !== runId || !isLive(run.status)) return unsubscribe();
    if (run.status === 'ready') {
      unsubscribe();
      bridge.step(stage, steps);
    }
  });
}

export const pauseRun = (): void => bridge.pause();
export const resumeRun = (): void => bridge.resume();
export const stopRun = (): void => bridge.stop();
export const resetRun = (): void => bridge.reset();

export function compareMethods(): void {
  if (!selectCanRun(useConfigStore.getState())) return;
  const { config, compareSeeds } = useConfigStore.getState();
  bridge.compare(config, compareSeeds);
}

/** Space bar: pause a running run, resume a paused one, otherwise start one. */
export function toggleRunPause(): void {
  const status = activeStatus();
  if (status === 'running') pauseRun();
  else if (status === 'paused' || status === 'ready') resumeRun();
  else if (status !== 'loading') startRun();
}

/**
 * Restarts the training worker on `backend` and records it in the link (`backend=`), so that
 * the copied link trains there too. Only between runs: a fresh worker starts empty.
 */
export function switchBackend(backend: BackendName): void {
  if (useRunStore.getState().runs.some((r) => isLive(r.status))) return;
  useConfigStore.getState().setBackend(backend);
  bridge.init(backend);
}
