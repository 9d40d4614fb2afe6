/**
 * The history: every stored run's summary (newest first), what the user selected, the
 * storage notice, and the actions of the History panel. Runs are re-opened into the run
 * store as finished runs (the charts and Compare show them like the session's own). The
 * storage functions and the run store are injected (`createHistoryStore`), so the store is
 * tested in Node; `useHistoryStore` is the page's, on IndexedDB.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { StorageError, StorageResult } from '../../storage/errors';
import type { RunSummary, StoredRun } from '../../storage/runSummary';
import type { RunState } from '../runStore';
import { storedRunToRunRecord } from './runFileOf';

export interface HistoryStorage {
  listRuns(): Promise<StorageResult<RunSummary[]>>;
  getRun(id: string): Promise<StorageResult<StoredRun | undefined>>;
  saveRun(run: StoredRun): Promise<StorageResult<RunSummary>>;
  renameRun(id: string, name: string): Promise<StorageResult<RunSummary | undefined>>;
  deleteRuns(ids: readonly string[]): Promise<StorageResult<void>>;
}

export interface HistoryDeps {
  storage: HistoryStorage;
  runs: Pick<StoreApi<RunState>, 'getState'>;
  /** The run id of this session's run stored under `id`, null for other runs. */
  sessionRunIdOf(id: string): number | null;
}

export interface HistoryState {
  summaries: RunSummary[];
  /** 'idle' before the first listing; 'ready' once listed (also after a failure: the list is then empty). */
  phase: 'idle' | 'loading' | 'ready';
  /** The storage problem to show at the panel, once per kind; null when none. */
  notice: StorageError | null;
  /** Kinds already shown: a second failure of the same kind does not show the notice again. */
  noticeKinds: StorageError['kind'][];
  selected: string[];
  /** Ids deleted in this session: a streaming run among them is not written again. */
  deletedIds: string[];
  /** What the last delete removed, for Undo; null when there is nothing to undo. */
  undo: { runs: StoredRun[] } | null;
  expanded: boolean;

  refresh(): Promise<void>;
  /** A run was written (the persister): its row appears or changes. */
  upsert(summary: RunSummary): void;
  report(error: StorageError): void;
  dismissNotice(): void;
  toggleSelected(id: string): void;
  clearSelection(): void;
  setExpanded(expanded: boolean): void;
  rename(id: string, name: string): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
  undoRemove(): Promise<void>;
  /** Shows the run in the charts (re-opened from storage unless it is in the run store already). Resolves false when it cannot. */
  reopen(id: string): Promise<boolean>;
  /** Puts the runs into Compare's table and charts (shown, not made active). */
  showInCompare(ids: readonly string[]): Promise<void>;
}

/** Newest first, as listRuns gives them. */
const byNewest = (a: RunSummary, b: RunSummary): number => b.createdAt.localeCompare(a.createdAt);

/** The finished run a reload offers to re-open: the newest done or failed one. */
export const selectLastFinished = (s: Pick<HistoryState, 'summaries'>): RunSummary | undefined =>
  s.summaries.find((r) => r.status === 'done' || r.status === 'failed');

export function createHistoryStore(deps: HistoryDeps): UseBoundStore<StoreApi<HistoryState>> {
  return create<HistoryState>()((set, get) => {
    const runs = () => deps.runs.getState();
    /** Runs of one stored comparison share an id here, negative so as never to meet the session's own. */
    const loadedComparisons = new Map<string, number>();
    const comparisonIdOf = (run: StoredRun): number | undefined => {
      if (!run.comparison) return undefined;
      const key = `${run.id.replace(/-\d+$/, '')}/${run.comparison.id}`;
      if (!loadedComparisons.has(key)) loadedComparisons.set(key, -1 - loadedComparisons.size);
      return loadedComparisons.get(key);
    };

    /** The run store id of stored run `id`, re-opened unless it is there; null after a storage error, undefined when it is gone. */
    const intoRunStore = async (id: string): Promise<number | null | undefined> => {
      const own = deps.sessionRunIdOf(id);
      const there = runs().runs.find((r) => (own !== null ? r.runId === own && r.saved === undefined : r.saved?.id === id));
      if (there) {
        if (!there.visible) runs().toggleVisible(there.runId);
        return there.runId;
      }
      const got = await deps.storage.getRun(id);
      if (!got.ok) {
        get().report(got.error);
        return null;
      }
      if (!got.value) return undefined;
      return runs().loadSavedRuns([storedRunToRunRecord(got.value, 0, comparisonIdOf(got.value))], false)[0];
    };

    return {
      summaries: [],
      phase: 'idle',
      notice: null,
      noticeKinds: [],
      selected: [],
      deletedIds: [],
      undo: null,
      expanded: true,

      refresh: async () => {
        set({ phase: 'loading' });
        const r = await deps.storage.listRuns();
        if (!r.ok) {
          get().report(r.error);
          set({ phase: 'ready' });
          return;
        }
        // Rows written while the list was read (a streaming run) win over the listing.
        set((s) => {
          const fresh = new Map(s.summaries.map((x) => [x.id, x]));
          const merged = r.value.filter((x) => !fresh.has(x.id)).concat([...fresh.values()]);
          return { summaries: merged.sort(byNewest), phase: 'ready' };
        });
      },

      upsert: (summary) =>
        set((s) => {
          if (s.deletedIds.includes(summary.id)) return {};
          const rest = s.summaries.filter((x) => x.id !== summary.id);
          return { summaries: [...rest, summary].sort(byNewest) };
        }),

      report: (error) =>
        set((s) => (s.noticeKinds.includes(error.kind) ? {} : { notice: error, noticeKinds: [...s.noticeKinds, error.kind] })),

      dismissNotice: () => set({ notice: null }),

      toggleSelected: (id) => set((s) => ({ selected: s.selected.includes(id) ? s.selected.filter((x) => x !== id) : [...s.selected, id] })),

      clearSelection: () => set({ selected: [] }),

      setExpanded: (expanded) => set({ expanded }),

      rename: async (id, name) => {
        const before = get().summaries.find((x) => x.id === id);
        if (!before || name.trim() === '' || name.trim() === before.name) return;
        set((s) => ({ summaries: s.summaries.map((x) => (x.id === id ? { ...x, name: name.trim() } : x)) }));
        const r = await deps.storage.renameRun(id, name);
        if (!r.ok) {
          set((s) => ({ summaries: s.summaries.map((x) => (x.id === id ? before : x)) }));
          get().report(r.error);
          return;
        }
        if (r.value) get().upsert(r.value);
      },

      remove: async (ids) => {
        const kept: StoredRun[] = [];
        for (const id of ids) {
          const got = await deps.storage.getRun(id);
          if (got.ok && got.value) kept.push(got.value);
        }
        const r = await deps.storage.deleteRuns(ids);
        if (!r.ok) {
          get().report(r.error);
          return;
        }
        set((s) => ({
          summaries: s.summaries.filter((x) => !ids.includes(x.id)),
          selected: s.selected.filter((x) => !ids.includes(x)),
          deletedIds: [...s.deletedIds, ...ids],
          undo: kept.length > 0 ? { runs: kept } : null,
        }));
      },

      undoRemove: async () => {
        const undo = get().undo;
        if (!undo) return;
        set({ undo: null });
        const back = new Set(undo.runs.map((r) => r.id));
        set((s) => ({ deletedIds: s.deletedIds.filter((x) => !back.has(x)) }));
        for (const run of undo.runs) {
          const r = await deps.storage.saveRun(run);
          if (!r.ok) {
            get().report(r.error);
            return;
          }
          get().upsert(r.value);
        }
      },

      reopen: async (id) => {
        const runId = await intoRunStore(id);
        if (runId === null || runId === undefined) return false;
        runs().activateRun(runId);
        return true;
      },

      showInCompare: async (ids) => {
        for (const id of ids) if ((await intoRunStore(id)) === null) return;
      },
    };
  });
}
