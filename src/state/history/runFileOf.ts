/**
 * The run store's record ↔ the stored run file. A run made here is stored as a run file (the
 * same shape the CLI prints and imports read), and a stored run, whoever made it, comes back
 * into the run store as a finished run the charts and Compare show like any other.
 * Pure functions.
 */
import type { RunStatus } from '../../protocol/messages';
import { RUN_FILE_SCHEMA, RUN_FILE_VERSION, type RunFile, type RunOrigin } from '../../protocol/runFile';
import type { StoredRun } from '../../storage/runSummary';
import { freshRunFields, type RunRecord } from '../runStore';

const LIVE: readonly RunStatus[] = ['idle', 'loading', 'ready', 'running', 'paused'];

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The run file of a run record. A finished run's series is its result's (every point); a run
 * still streaming, or cut short, has the points the store kept.
 */
export function runRecordToRunFile(record: RunRecord, origin: RunOrigin): RunFile {
  const series = record.result ? record.result.series : { metrics: record.metrics, evals: record.evals };
  return {
    schema: RUN_FILE_SCHEMA,
    version: RUN_FILE_VERSION,
    name: record.label,
    createdAt: iso(record.startedAtMs),
    ...(record.finishedAtMs !== undefined ? { finishedAt: iso(record.finishedAtMs) } : {}),
    origin,
    config: record.config,
    status: record.status,
    health: record.health,
    series: { metrics: series.metrics, evals: series.evals },
    ...(record.result ? { result: record.result } : {}),
  };
}

/** The stored run of a run record: its run file under `id`, written at `nowMs`. */
export function runRecordToStoredRun(record: RunRecord, id: string, origin: RunOrigin, nowMs: number): StoredRun {
  return {
    ...runRecordToRunFile(record, origin),
    id,
    updatedAt: iso(nowMs),
    ...(record.comparison ? { comparison: { ...record.comparison } } : {}),
  };
}

/** What tells a run re-opened from the history apart from a run of this session. */
export interface SavedRunInfo {
  /** The stored run's id. */
  id: string;
  name: string;
  createdAt: string;
  /** The status it had when last written, when it was not finished (a tab closed mid-run). */
  cutShort?: RunStatus;
}

/**
 * A stored run as a finished run record, under the run store id `runId`. A run the tab closed
 * while it streamed ('running', 'paused'…) comes back 'stopped' with the points it had.
 * `comparisonId` regroups the runs of one stored comparison (ids are per session).
 */
export function storedRunToRunRecord(run: StoredRun, runId: number, comparisonId?: number): RunRecord & { saved: SavedRunInfo } {
  const cutShort = LIVE.includes(run.status);
  const firstLoss: RunRecord['firstLoss'] = {};
  for (const p of run.series.metrics) if (firstLoss[p.stage] === undefined && Number.isFinite(p.loss)) firstLoss[p.stage] = p.loss;
  const startedAtMs = Date.parse(run.createdAt);
  const finishedAtMs = run.finishedAt ? Date.parse(run.finishedAt) : undefined;
  return {
    ...freshRunFields(),
    runId,
    label: run.name,
    config: run.config,
    status: cutShort ? 'stopped' : run.status,
    ...(cutShort ? { detail: 'The page closed while this run streamed: these are the points saved before.' } : {}),
    metrics: run.series.metrics,
    evals: run.series.evals,
    ...(run.result ? { result: run.result } : {}),
    health: run.health,
    firstLoss,
    ...(run.comparison && comparisonId !== undefined ? { comparison: { id: comparisonId, seedCount: run.comparison.seedCount } } : {}),
    startedAtMs: Number.isFinite(startedAtMs) ? startedAtMs : 0,
    ...(finishedAtMs !== undefined && Number.isFinite(finishedAtMs) ? { finishedAtMs } : {}),
    saved: { id: run.id, name: run.name, createdAt: run.createdAt, ...(cutShort ? { cutShort: run.status } : {}) },
  };
}
