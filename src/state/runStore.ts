/**
 * The run store: what the training worker reported, per run. The bridge writes it from
 * outside React (`useRunStore.getState().applyEvent(e)`); components select single fields.
 * Two slices, typed with `StateCreator` as in the zustand docs: the engine (backend, live
 * tensor count, read-backs) and the runs (one record per run, plus a comparison queue).
 */
import { create, type StateCreator, type StoreApi, type UseBoundStore } from 'zustand';
import type { ExperimentConfig, Method } from '../protocol/config';
import type { BackendInfo, EmbeddingPicture, ErrorCode, RunStatus, WorkerEvent } from '../protocol/messages';
import type { EvalPoint, ExperimentResult, MetricsPoint, ProgressInfo } from '../protocol/results';
import { comparisonQueue, type ComparisonItem } from './comparison';

/** A run keeps at most this many metric points; beyond it, the older half is thinned by 2. */
export const MAX_POINTS = 3000;

export interface RunRecord {
  runId: number;
  label: string;
  config: ExperimentConfig;
  status: RunStatus;
  detail?: string;
  prepared?: {
    totalSteps: number;
    stage1Steps: number;
    stage2Steps: number;
    batchSize: number;
    teacherNcmValAccuracy: number;
    counts: { train: number; val: number; test: number };
    teacherCacheMs: number;
  };
  progress?: ProgressInfo;
  /** Bounded: when longer than MAX_POINTS the older half is downsampled by 2. */
  metrics: MetricsPoint[];
  evals: EvalPoint[];
  embeddings: { student?: EmbeddingPicture; teacher?: EmbeddingPicture };
  result?: ExperimentResult;
  error?: RunError;
  visible: boolean;
  /** Set on the runs of a comparison: which one, and over how many seeds it runs each method. */
  comparison?: { id: number; seedCount: number };
  startedAtMs: number;
  finishedAtMs?: number;
}

export interface RunError {
  code: ErrorCode;
  message: string;
  hint: string;
}

/**
 * The comparison being run (or the last one): each method on each seed, seed-major (every
 * method of the first seed, then of the second…), one run after another.
 */
export interface Comparison {
  /** Counts up within a session, so that runs of different comparisons are told apart. */
  id: number;
  methods: Method[];
  /** The seeds, in run order: the configured seed, seed + 1, … */
  seeds: number[];
  /** Runs started so far, in order. */
  runIds: number[];
  /** Runs still to start, next first. */
  pending: ComparisonItem[];
}

export interface EngineSlice {
  backend: BackendInfo | null;
  numTensors: number;
  readbacks: number;
  lastStepMs: number | null;
  /** The last error not tied to a run (worker crash, backend failure); null when none. */
  engineError: RunError | null;
  setBackend(b: BackendInfo, numTensors: number): void;
}

export interface RunsSlice {
  runs: RunRecord[];
  activeRunId: number | null;
  comparison: Comparison | null;
  addRun(r: { runId: number; label: string; config: ExperimentConfig; inComparison?: boolean }): void;
  applyEvent(e: WorkerEvent): void;
  toggleVisible(runId: number): void;
  removeRun(runId: number): void;
  clearRuns(): void;
  /** Starts a comparison queue: every method on every seed, seed-major (the bridge runs them in order). */
  beginComparison(methods: readonly Method[], seeds: readonly number[]): void;
  /** Takes the next run off the queue; null when the queue is empty or there is none. */
  takeNextComparison(): ComparisonItem | null;
  /** Drops what is still queued (stop, or an error); started runs stay. */
  cancelComparison(): void;
}

export type RunState = EngineSlice & RunsSlice;

const FINISHED: readonly RunStatus[] = ['done', 'stopped', 'error'];

/**
 * Appends `incoming` to `points`; while the result is longer than `max`, keeps every second
 * point of the older half (the later of each pair, so its `step` still ends an interval).
 * Recent points stay at full resolution. Returns a new array.
 */
export function appendBounded<T>(points: readonly T[], incoming: readonly T[], max: number = MAX_POINTS): T[] {
  let out = points.concat(incoming);
  while (out.length > max) {
    const half = Math.floor(out.length / 2);
    const older = out.slice(0, half).filter((_, i) => i % 2 === 1 || i === half - 1);
    const thinned = older.concat(out.slice(half));
    if (thinned.length >= out.length) break;
    out = thinned;
  }
  return out;
}

function updateRun(runs: RunRecord[], runId: number, change: (r: RunRecord) => Partial<RunRecord>): RunRecord[] {
  const i = runs.findIndex((r) => r.runId === runId);
  if (i < 0) return runs;
  const next = runs.slice();
  next[i] = { ...runs[i], ...change(runs[i]) };
  return next;
}

export const createEngineSlice: StateCreator<RunState, [], [], EngineSlice> = (set) => ({
  backend: null,
  numTensors: 0,
  readbacks: 0,
  lastStepMs: null,
  engineError: null,
  setBackend: (backend, numTensors) => set({ backend, numTensors }),
});

export const createRunsSlice: StateCreator<RunState, [], [], RunsSlice> = (set, get) => ({
  runs: [],
  activeRunId: null,
  comparison: null,

  addRun: ({ runId, label, config, inComparison }) =>
    set((s) => {
      const c = inComparison ? s.comparison : null;
      const record: RunRecord = { runId, label, config, status: 'loading', metrics: [], evals: [], embeddings: {}, visible: true, startedAtMs: Date.now() };
      if (c) record.comparison = { id: c.id, seedCount: c.seeds.length };
      return {
        runs: [...s.runs, record],
        activeRunId: runId,
        comparison: c ? { ...c, runIds: [...c.runIds, runId] } : s.comparison,
      };
    }),

  applyEvent: (e) => {
    switch (e.type) {
      case 'ready':
        get().setBackend(e.backend, e.numTensors);
        return;
      case 'status':
        set((s) => ({
          runs: updateRun(s.runs, e.runId, (r) => ({
            status: e.status,
            detail: e.detail,
            ...(FINISHED.includes(e.status) && r.finishedAtMs === undefined ? { finishedAtMs: Date.now() } : {}),
          })),
        }));
        return;
      case 'prepared': {
        const { type: _type, runId, ...prepared } = e;
        set((s) => ({ runs: updateRun(s.runs, runId, () => ({ prepared })) }));
        return;
      }
      case 'metrics': {
        const last = e.points[e.points.length - 1];
        set((s) => ({
          runs: updateRun(s.runs, e.runId, (r) => ({ metrics: appendBounded(r.metrics, e.points) })),
          numTensors: e.numTensors,
          readbacks: e.readbacks,
          lastStepMs: last ? last.stepMs : s.lastStepMs,
        }));
        return;
      }
      case 'eval':
        set((s) => ({
          runs: updateRun(s.runs, e.runId, (r) => ({
            evals: [...r.evals, e.point],
            embeddings: e.embedding ? { ...r.embeddings, [e.embedding.who]: e.embedding } : r.embeddings,
          })),
        }));
        return;
      case 'embedding':
        set((s) => ({ runs: updateRun(s.runs, e.runId, (r) => ({ embeddings: { ...r.embeddings, [e.embedding.who]: e.embedding } })) }));
        return;
      case 'progress':
        set((s) => ({ runs: updateRun(s.runs, e.runId, () => ({ progress: e.progress })) }));
        return;
      case 'result':
        // The result is the run's last word: it is done now, not when the worker's 'done' status
        // follows (a comparison starts its next run on the result, and that status is then dropped).
        set((s) => ({
          runs: updateRun(s.runs, e.runId, (r) => ({
            result: e.result,
            ...(r.status === 'error' ? {} : { status: 'done' as const, detail: undefined }),
            finishedAtMs: r.finishedAtMs ?? Date.now(),
          })),
          readbacks: e.result.readbacks,
        }));
        return;
      case 'error': {
        const error: RunError = { code: e.code, message: e.message, hint: e.hint };
        const target = e.runId ?? (get().runs.some((r) => r.runId === get().activeRunId && !FINISHED.includes(r.status)) ? get().activeRunId : null);
        set((s) => ({
          runs: target === null ? s.runs : updateRun(s.runs, target, (r) => ({ error, status: 'error', finishedAtMs: r.finishedAtMs ?? Date.now() })),
          engineError: e.runId === null ? error : s.engineError,
        }));
        return;
      }
      default: {
        const unreachable: never = e;
        throw new Error(`Unknown worker event ${JSON.stringify(unreachable)}`);
      }
    }
  },

  toggleVisible: (runId) => set((s) => ({ runs: updateRun(s.runs, runId, (r) => ({ visible: !r.visible })) })),

  removeRun: (runId) =>
    set((s) => ({
      runs: s.runs.filter((r) => r.runId !== runId),
      activeRunId: s.activeRunId === runId ? null : s.activeRunId,
    })),

  clearRuns: () => set({ runs: [], activeRunId: null, comparison: null }),

  beginComparison: (methods, seeds) =>
    set((s) => ({ comparison: { id: (s.comparison?.id ?? 0) + 1, methods: [...methods], seeds: [...seeds], runIds: [], pending: comparisonQueue(methods, seeds) } })),

  takeNextComparison: () => {
    const c = get().comparison;
    if (!c || c.pending.length === 0) return null;
    const [next, ...rest] = c.pending;
    set({ comparison: { ...c, pending: rest } });
    return next;
  },

  cancelComparison: () => set((s) => ({ comparison: s.comparison ? { ...s.comparison, pending: [] } : null })),
});

export const useRunStore: UseBoundStore<StoreApi<RunState>> = create<RunState>()((...a) => ({
  ...createEngineSlice(...a),
  ...createRunsSlice(...a),
}));

export const selectActiveRun = (s: RunState): RunRecord | undefined => s.runs.find((r) => r.runId === s.activeRunId);
