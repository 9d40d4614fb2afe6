/**
 * The page's history: the history store on IndexedDB (storage/runs.ts) and the persister that
 * writes this session's runs as they stream. `startHistory` is called once at start-up.
 */
import { version as appVersion } from '../../../package.json';
import type { BackendInfo } from '../../protocol/messages';
import type { RunFile, RunOrigin } from '../../protocol/runFile';
import { deleteRuns, getRun, listRuns, renameRun, saveRun } from '../../storage/runs';
import { useRunStore, type RunState } from '../runStore';
import { createHistoryStore } from './historyStore';
import { sessionRunIdOf, sessionRunStorageId } from './ids';
import { createPersister, type Persister } from './persister';
import { liveStoredIds } from './rows';

export { selectLastFinished } from './historyStore';
export { historyRows, type HistoryRow } from './rows';

export const useHistoryStore = createHistoryStore({
  storage: { listRuns, getRun, saveRun, renameRun, deleteRuns },
  runs: useRunStore,
  sessionRunIdOf: (id) => sessionRunIdOf(id),
});

/** Where this page's runs are made: the app, its version, the backend the worker chose. */
export function appOrigin(backend: BackendInfo | null): RunOrigin {
  return {
    tool: 'app',
    appVersion,
    ...(backend ? { backend } : {}),
    ...(typeof navigator !== 'undefined' ? { platform: navigator.userAgent } : {}),
  };
}

let persister: Persister | null = null;

/** Lists the stored runs and starts keeping this session's (once per page). */
export function startHistory(): void {
  if (persister) return;
  persister = createPersister({
    runs: useRunStore,
    save: (run) => saveRun(run, { keepRenamedName: true }),
    idOf: (runId) => sessionRunStorageId(runId),
    origin: () => appOrigin(useRunStore.getState().backend),
    onSaved: (summary) => useHistoryStore.getState().upsert(summary),
    onError: (error) => useHistoryStore.getState().report(error),
    skip: (id) => useHistoryStore.getState().deletedIds.includes(id),
  });
  void useHistoryStore.getState().refresh();
  // A closing tab: write what streamed since the last write (the browser may cut it short).
  window.addEventListener('pagehide', () => void persister?.flush());
}

/** The stored ids of the runs this page is training now, one string (see liveStoredIds). */
export const selectLiveStoredIds = (s: RunState): string => liveStoredIds(s.runs, (runId) => sessionRunStorageId(runId));

/** The stored id of the run the charts show (a re-opened run's, or this session's), null when none. */
export const selectActiveStoredId = (s: RunState): string | null => {
  const run = s.runs.find((r) => r.runId === s.activeRunId);
  return run ? (run.saved?.id ?? sessionRunStorageId(run.runId)) : null;
};

/**
 * An imported run file joins the history under an id of its own, with the origin its file
 * names (the CLI, another browser). Its run record is marked as saved, so the persister does
 * not write it again as this page's run. A failed write is reported like any other.
 */
export async function keepImportedRun(file: RunFile, runId: number, now = new Date()): Promise<void> {
  const id = `import-${now.getTime().toString(36)}-${runId}`;
  useRunStore.setState((s) => ({ runs: s.runs.map((r) => (r.runId === runId ? { ...r, saved: { id, name: file.name, createdAt: file.createdAt } } : r)) }));
  const r = await saveRun({ ...file, id, updatedAt: now.toISOString() });
  if (r.ok) useHistoryStore.getState().upsert(r.value);
  else useHistoryStore.getState().report(r.error);
}
