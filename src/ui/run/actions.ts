/**
 * What the run buttons do, in one place: the only UI module that calls the bridge for a run.
 * The run buttons go through the run-controls table (bridge/controls.ts); this module adds
 * the comparison and the backend switch.
 */
import { bridge } from '../../bridge/bridge';
import { performControl, performSpace } from '../../bridge/controls';
import { selectCanRun, useConfigStore } from '../../state/configStore';
import type { ControlAction } from '../../state/controls/runControls';
import { useRunStore } from '../../state/runStore';
import type { BackendName, RunStatus } from '../../protocol/messages';
import { switchQuestion } from '../../protocol/resume';

const LIVE: readonly RunStatus[] = ['loading', 'ready', 'running', 'paused'];

export const isLive = (status: RunStatus | undefined): boolean => status !== undefined && LIVE.includes(status);

/** A run button: what the table says for the active run's state. */
export const pressControl = (action: ControlAction, steps = 0): void => void performControl(bridge, action, steps);

/** Run (autorun and the Run button). */
export const startRun = (): void => pressControl('run');

export function compareMethods(): void {
  if (!selectCanRun(useConfigStore.getState())) return;
  const { config, compareSeeds } = useConfigStore.getState();
  bridge.compare(config, compareSeeds);
}

/** Space bar: pause a running run, resume a paused one, otherwise start one (the table's Space row). */
export function toggleRunPause(): void {
  performSpace(bridge);
}

/**
 * Moves training to `backend` and records it in the link (`backend=`), so that the copied link
 * trains there too. Between runs a fresh worker starts there, silently; during a run, once the
 * user confirms, the run continues there from its last checkpoint.
 */
export function switchBackend(backend: BackendName, confirm: (question: string) => boolean = (q) => window.confirm(q)): void {
  if (useRunStore.getState().runs.some((r) => isLive(r.status)) && !confirm(switchQuestion(backend))) return;
  useConfigStore.getState().setBackend(backend);
  bridge.switchBackend(backend);
}

/** Measures every backend again in a fresh worker and uses the fastest (between runs). */
export function remeasureBackend(): void {
  if (useRunStore.getState().runs.some((r) => isLive(r.status))) return;
  bridge.remeasure();
}
