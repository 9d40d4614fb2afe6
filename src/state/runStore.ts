/**
 * The run store: what the training worker reported, per run. The bridge writes it from
 * outside React (`useRunStore.getState().applyEvent(e)`); components select single fields.
 * Two slices, typed with `StateCreator` as in the zustand docs: the engine (backend, live
 * tensor count, read-backs) and the runs (one record per run, plus a comparison queue).
 */
import { create, type StateCreator, type StoreApi, type UseBoundStore } from 'zustand';
import type { ExperimentConfig, Method } from '../protocol/config';
import { usesStage1 } from '../protocol/config';
import { judgeEvals, judgeResult, lossIssue, mergeIssues, verdictOf, type HealthIssue } from '../protocol/health';
import type { BackendInfo, EmbeddingPicture, ErrorCode, LoadingInfo, RunStatus, WorkerEvent } from '../protocol/messages';
import type { EvalPoint, ExperimentResult, MetricsPoint, ProgressInfo } from '../protocol/results';
import { comparisonQueue, type ComparisonItem } from './comparison';
import { ETA_START, etaObserve, etaPause, etaResume, type EtaState } from './eta';
import type { SavedRunInfo } from './history/runFileOf';
import { keepThrough, withoutReplaced, type RunResume } from './resume';

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
  /** What the health checks found so far (protocol/health.ts); [] while healthy. */
  health: HealthIssue[];
  /** The first reported loss of each stage (the explosion check's reference; thinning may drop the point). */
  firstLoss: { 1?: number; 2?: number };
  /** Wall-clock time-left estimate (state/eta.ts). */
  eta: EtaState;
  /** The loading phase in progress, until 'prepared'. */
  loading?: LoadingInfo;
  /** Started by Compare (its method is the comparison's, not the controls'). */
  fromComparison: boolean;
  visible: boolean;
  /** Set on the runs of a comparison: which one, and over how many seeds it runs each method. */
  comparison?: { id: number; seedCount: number };
  startedAtMs: number;
  finishedAtMs?: number;
  /** Set on a run re-opened from the history (state/history): a finished run, not of this session. */
  saved?: SavedRunInfo;
  /** Moves of the run to another backend (a lost GPU device, a switch), oldest first (state/resume.ts). */
  resumes?: RunResume[];
}

/** The fields of a run record that start empty (also for tests that build records by hand). */
export function freshRunFields(): Pick<RunRecord, 'metrics' | 'evals' | 'embeddings' | 'health' | 'firstLoss' | 'eta' | 'fromComparison' | 'visible'> {
  return { metrics: [], evals: [], embeddings: {}, health: [], firstLoss: {}, eta: ETA_START, fromComparison: false, visible: true };
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
  /**
   * Adds finished runs re-opened from the history, each under the next free id (a run whose
   * `saved.id` is already here is shown again instead of added twice); the first becomes the
   * active run when `activate`. Returns their ids, in order.
   */
  loadSavedRuns(records: readonly RunRecord[], activate: boolean): number[];
  /** Makes a run the one the charts show. */
  activateRun(runId: number): void;
  removeRun(runId: number): void;
  clearRuns(): void;
  /**
   * Reset: no active run any more (charts empty, bars at 0, as on a fresh page). The active run
   * is dropped if it had not finished; finished runs keep their rows. Queued comparisons go.
   */
  resetActive(): void;
  /** Starts a comparison queue: every method on every seed, seed-major (the bridge runs them in order). */
  beginComparison(methods: readonly Method[], seeds: readonly number[]): void;
  /** Takes the next run off the queue; null when the queue is empty or there is none. */
  takeNextComparison(): ComparisonItem | null;
  /** Drops what is still queued (stop, or an error); started runs stay. */
  cancelComparison(): void;
}

export type RunState = EngineSlice & RunsSlice;

const FINISHED: readonly RunStatus[] = ['done', 'failed', 'stopped', 'error'];

/** The live checks' input from a run record (its evaluations, split sizes and stage lengths). */
function judgeRunEvals(r: RunRecord, evals: EvalPoint[]): HealthIssue[] {
  return judgeEvals({
    numClasses: r.config.studentClasses.length,
    valImages: r.prepared?.counts.val ?? 0,
    hasStage1: usesStage1(r.config.method),
    stage2Steps: r.prepared?.stage2Steps ?? 0,
    stage2StartStep: r.prepared?.stage1Steps ?? 0,
    evals,
  });
}

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
      const record: RunRecord = { ...freshRunFields(), runId, label, config, status: 'loading', fromComparison: inComparison === true, startedAtMs: Date.now() };
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
          runs: updateRun(s.runs, e.runId, (r) => {
            // The worker's 'done' follows the result: a run the health checks failed stays failed.
            if (r.status === 'failed' && e.status === 'done') return {};
            const eta = e.status === 'running' ? etaResume(r.eta, r.progress?.step ?? 0, Date.now()) : etaPause(r.eta);
            return {
              status: e.status,
              detail: e.detail,
              eta,
              ...(FINISHED.includes(e.status) && r.finishedAtMs === undefined ? { finishedAtMs: Date.now() } : {}),
            };
          }),
        }));
        return;
      case 'loading':
        set((s) => ({ runs: updateRun(s.runs, e.runId, () => ({ loading: e.loading, detail: e.loading.detail })) }));
        return;
      case 'prepared': {
        const { type: _type, runId, ...prepared } = e;
        set((s) => ({ runs: updateRun(s.runs, runId, () => ({ prepared, loading: undefined })) }));
        return;
      }
      case 'metrics': {
        const last = e.points[e.points.length - 1];
        set((s) => ({
          runs: updateRun(s.runs, e.runId, (r) => {
            const firstLoss = { ...r.firstLoss };
            const issues: HealthIssue[] = [];
            for (const p of e.points) {
              const issue = lossIssue(p, firstLoss[p.stage], r.config.studentClasses.length);
              if (issue) issues.push(issue);
              if (firstLoss[p.stage] === undefined && Number.isFinite(p.loss)) firstLoss[p.stage] = p.loss;
            }
            return {
              metrics: appendBounded(withoutReplaced(r.metrics, e.points), e.points),
              firstLoss,
              ...(issues.length > 0 ? { health: mergeIssues(r.health, issues) } : {}),
            };
          }),
          numTensors: e.numTensors,
          readbacks: e.readbacks,
          lastStepMs: last ? last.stepMs : s.lastStepMs,
        }));
        return;
      }
      case 'eval':
        set((s) => ({
          runs: updateRun(s.runs, e.runId, (r) => {
            const evals = [...withoutReplaced(r.evals, [e.point]), e.point];
            const issues = judgeRunEvals(r, evals);
            return {
              evals,
              embeddings: e.embedding ? { ...r.embeddings, [e.embedding.who]: e.embedding } : r.embeddings,
              ...(issues.length > 0 ? { health: mergeIssues(r.health, issues) } : {}),
            };
          }),
        }));
        return;
      case 'embedding':
        set((s) => ({ runs: updateRun(s.runs, e.runId, (r) => ({ embeddings: { ...r.embeddings, [e.embedding.who]: e.embedding } })) }));
        return;
      case 'progress':
        set((s) => ({ runs: updateRun(s.runs, e.runId, (r) => ({ progress: e.progress, eta: etaObserve(r.eta, e.progress.step, Date.now()) })) }));
        return;
      case 'result':
        // The result is the run's last word: it is done now, not when the worker's 'done' status
        // follows (a comparison starts its next run on the result, and that status is then dropped).
        // A run the health checks flag ends 'failed', not 'done'.
        set((s) => ({
          runs: updateRun(s.runs, e.runId, (r) => {
            const health = mergeIssues(r.health, judgeResult(e.result));
            const status = verdictOf(health).severity === 'failed' ? ('failed' as const) : ('done' as const);
            return {
              result: e.result,
              health,
              eta: etaPause(r.eta),
              ...(r.status === 'error' ? {} : { status, detail: undefined }),
              finishedAtMs: r.finishedAtMs ?? Date.now(),
            };
          }),
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
      case 'resumed': {
        const { type: _type, runId, ...resume } = e;
        // The steps after the checkpoint come again: their points go now, so charts never show two.
        set((s) => ({ runs: updateRun(s.runs, runId, (r) => ({ metrics: keepThrough(r.metrics, e.fromStep), evals: keepThrough(r.evals, e.fromStep), resumes: [...(r.resumes ?? []), resume] })) }));
        return;
      }
      case 'student':
        // Answered to the bridge's request (bridge/students.ts), not run state.
        return;
      case 'explorer':
      case 'explorer-setup':
        return; // the explorer store's (state/explorer)
      default: {
        const unreachable: never = e;
        throw new Error(`Unknown worker event ${JSON.stringify(unreachable)}`);
      }
    }
  },

  toggleVisible: (runId) => set((s) => ({ runs: updateRun(s.runs, runId, (r) => ({ visible: !r.visible })) })),

  loadSavedRuns: (records, activate) => {
    const ids: number[] = [];
    set((s) => {
      let runs = s.runs;
      let next = Math.max(0, ...runs.map((r) => r.runId)) + 1;
      for (const record of records) {
        const there = record.saved ? runs.find((r) => r.saved?.id === record.saved?.id) : undefined;
        if (there) {
          ids.push(there.runId);
          runs = updateRun(runs, there.runId, () => ({ visible: true }));
        } else {
          ids.push(next);
          runs = [...runs, { ...record, runId: next, visible: true }];
          next += 1;
        }
      }
      return { runs, activeRunId: activate && ids.length > 0 ? ids[0] : s.activeRunId };
    });
    return ids;
  },

  activateRun: (runId) => set((s) => (s.runs.some((r) => r.runId === runId) ? { activeRunId: runId } : {})),

  removeRun: (runId) =>
    set((s) => ({
      runs: s.runs.filter((r) => r.runId !== runId),
      activeRunId: s.activeRunId === runId ? null : s.activeRunId,
    })),

  clearRuns: () => set({ runs: [], activeRunId: null, comparison: null }),

  resetActive: () =>
    set((s) => {
      const active = s.runs.find((r) => r.runId === s.activeRunId);
      const drop = active !== undefined && !FINISHED.includes(active.status);
      return { runs: drop ? s.runs.filter((r) => r !== active) : s.runs, activeRunId: null, comparison: null };
    }),

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
