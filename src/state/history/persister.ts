/**
 * Keeps the runs of this session in the history as they stream, so that a crash or a closed
 * tab keeps what was reported. Watches the run store and writes a run at most every
 * `intervalMs` while points arrive (the worker's reporting interval already batches them),
 * and at once when its status changes. Writes of one run are queued: never two at once,
 * and changes made during a write are written after it, latest state only. A failed write
 * is reported (`onError`) and the run goes on; the next change tries again.
 */
import type { StorageError, StorageResult } from '../../storage/errors';
import type { RunSummary, StoredRun } from '../../storage/runSummary';
import type { RunOrigin } from '../../protocol/runFile';
import type { RunStatus } from '../../protocol/messages';
import type { RunRecord, RunState } from '../runStore';
import { runRecordToStoredRun } from './runFileOf';

/** Default gap between two writes of a streaming run. */
export const PERSIST_INTERVAL_MS = 1500;

/** The part of a zustand store the persister uses. */
export interface RunSource {
  getState(): Pick<RunState, 'runs'>;
  subscribe(listener: (state: Pick<RunState, 'runs'>) => void): () => void;
}

export interface PersisterDeps {
  runs: RunSource;
  save(run: StoredRun): Promise<StorageResult<RunSummary>>;
  /** The stored id of a run of this session. */
  idOf(runId: number): string;
  origin(): RunOrigin;
  onSaved(summary: RunSummary): void;
  onError(error: StorageError): void;
  /** True for a run the user deleted from the history: it is not written again. */
  skip?(id: string): boolean;
  now?(): number;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
  intervalMs?: number;
}

export interface Persister {
  /** Writes every run with unsaved changes now (the page is being hidden); resolves when all writes ended. */
  flush(): Promise<void>;
  /** Stops watching (pending timers are dropped; a write in flight completes). */
  stop(): void;
}

/** Statuses before the first step: a run is not kept until it trains (or fails). */
const NOT_STARTED: readonly RunStatus[] = ['idle', 'loading', 'ready'];

interface Seen {
  status: RunStatus;
  metrics: unknown;
  evals: unknown;
  result: unknown;
  health: unknown;
  label: string;
}

interface Entry {
  seen: Seen;
  lastWriteMs: number;
  timer: unknown;
  writing: Promise<void> | null;
  /** Changes not yet written. */
  dirty: boolean;
  /** A status change is among them: write as soon as the write in flight ends. */
  urgent: boolean;
}

const seenOf = (r: RunRecord): Seen => ({ status: r.status, metrics: r.metrics, evals: r.evals, result: r.result, health: r.health, label: r.label });

const sameSeen = (a: Seen, b: Seen): boolean =>
  a.status === b.status && a.metrics === b.metrics && a.evals === b.evals && a.result === b.result && a.health === b.health && a.label === b.label;

/** Whether the history keeps this run: one of this session's, past loading (or ended). */
const keeps = (r: RunRecord): boolean => r.saved === undefined && (!NOT_STARTED.includes(r.status) || r.metrics.length > 0);

export function createPersister(deps: PersisterDeps): Persister {
  const now = deps.now ?? (() => Date.now());
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const intervalMs = deps.intervalMs ?? PERSIST_INTERVAL_MS;
  const entries = new Map<number, Entry>();
  let stopped = false;

  const write = (runId: number, entry: Entry): void => {
    if (entry.timer !== null) clearTimer(entry.timer);
    entry.timer = null;
    const record = deps.runs.getState().runs.find((r) => r.runId === runId);
    const id = deps.idOf(runId);
    entry.dirty = false;
    entry.urgent = false;
    if (!record || deps.skip?.(id)) return;
    entry.lastWriteMs = now();
    entry.writing = deps
      .save(runRecordToStoredRun(record, id, deps.origin(), entry.lastWriteMs))
      .then(
        (r) => (r.ok ? deps.onSaved(r.value) : deps.onError(r.error)),
        (e: unknown) => deps.onError({ kind: 'unknown', message: `Saving failed. ${String(e)}` }),
      )
      .finally(() => {
        entry.writing = null;
        if (entry.dirty && !stopped) request(runId, entry, entry.urgent);
      });
  };

  const request = (runId: number, entry: Entry, urgent: boolean): void => {
    entry.dirty = true;
    entry.urgent ||= urgent;
    if (entry.writing) return;
    const wait = entry.lastWriteMs + intervalMs - now();
    if (entry.urgent || wait <= 0) {
      write(runId, entry);
      return;
    }
    entry.timer ??= setTimer(() => {
      entry.timer = null;
      if (!stopped && !entry.writing) write(runId, entry);
    }, wait);
  };

  const onRuns = (state: Pick<RunState, 'runs'>): void => {
    for (const r of state.runs) {
      if (!keeps(r)) continue;
      const seen = seenOf(r);
      const entry = entries.get(r.runId);
      if (!entry) {
        const fresh: Entry = { seen, lastWriteMs: -Infinity, timer: null, writing: null, dirty: false, urgent: false };
        entries.set(r.runId, fresh);
        request(r.runId, fresh, true);
        continue;
      }
      if (sameSeen(entry.seen, seen)) continue;
      const statusChanged = entry.seen.status !== seen.status || entry.seen.result !== seen.result || entry.seen.label !== seen.label;
      entry.seen = seen;
      request(r.runId, entry, statusChanged);
    }
  };

  const unsubscribe = deps.runs.subscribe(onRuns);
  onRuns(deps.runs.getState());

  return {
    async flush() {
      for (const [runId, entry] of entries) if (entry.dirty) request(runId, entry, true);
      // A write ending may start the next one (changes made meanwhile): wait until none is in flight.
      for (;;) {
        const writing = [...entries.values()].map((e) => e.writing).filter((w): w is Promise<void> => w !== null);
        if (writing.length === 0) return;
        await Promise.all(writing);
      }
    },
    stop() {
      stopped = true;
      unsubscribe();
      for (const entry of entries.values()) if (entry.timer !== null) clearTimer(entry.timer);
    },
  };
}
