/**
 * A run as the history keeps it: the run file (protocol/runFile.ts) plus the fields the
 * history needs, and the summary a list of runs shows. An imported file and a run made
 * here are stored alike. Pure functions, no IndexedDB.
 */
import type { Method, Preset } from '../protocol/config';
import type { DatasetId } from '../protocol/catalog';
import { verdictOf, type HealthSeverity } from '../protocol/health';
import type { RunStatus } from '../protocol/messages';
import { RUN_FILE_SCHEMA, type RunFile } from '../protocol/runFile';

export interface StoredRun extends RunFile {
  /** Key of the record: `<session>-<run>` for a run made here, any unique string for an import. */
  id: string;
  /** ISO time of the last write. */
  updatedAt: string;
  /** True once the user renamed it: later saves of a streaming run keep the user's name. */
  renamed?: boolean;
  /** Set on the runs of a comparison: which one (within its session) and over how many seeds. */
  comparison?: { id: number; seedCount: number };
}

/** One row of the history: what the list shows, without the series. */
export interface RunSummary {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  status: RunStatus;
  /** The health checks' verdict ('failed' also for a run whose status is 'failed'). */
  health: HealthSeverity;
  /** The health checks' headline, '' when healthy. */
  healthHeadline: string;
  dataset: DatasetId;
  studentClasses: number[];
  method: Method;
  preset: Preset;
  shotsPerClass: number | 'all';
  seed: number;
  /** Test accuracy (fraction) of a finished run; null before. */
  testAccuracy: number | null;
  comparison?: { id: number; seedCount: number };
  tool: 'app' | 'cli';
  backend?: string;
  /** Metric points kept (how much streamed). */
  points: number;
}

/** The summary of a stored run. */
export function summaryOfStoredRun(run: StoredRun): RunSummary {
  const verdict = verdictOf(run.health);
  const c = run.config;
  return {
    id: run.id,
    name: run.name,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    status: run.status,
    health: run.status === 'failed' ? 'failed' : verdict.severity,
    healthHeadline: verdict.headline,
    dataset: c.dataset,
    studentClasses: [...c.studentClasses],
    method: c.method,
    preset: c.preset,
    shotsPerClass: c.shotsPerClass,
    seed: c.seed,
    testAccuracy: run.result ? run.result.final.testAccuracy : null,
    ...(run.comparison ? { comparison: { ...run.comparison } } : {}),
    tool: run.origin.tool,
    ...(run.origin.backend ? { backend: run.origin.backend.name } : {}),
    points: run.series.metrics.length,
  };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/**
 * Whether `x` has the shape of a stored run, as far as the history reads it (a record from
 * disk is checked before it is used; the run file's full validation is the importer's).
 */
export function isStoredRun(x: unknown): x is StoredRun {
  if (!isObject(x)) return false;
  const { id, name, createdAt, updatedAt, schema, config, series, origin, status, health } = x;
  return (
    typeof id === 'string' &&
    id.length > 0 &&
    typeof name === 'string' &&
    typeof createdAt === 'string' &&
    typeof updatedAt === 'string' &&
    schema === RUN_FILE_SCHEMA &&
    typeof status === 'string' &&
    Array.isArray(health) &&
    isObject(origin) &&
    isObject(config) &&
    Array.isArray(config.studentClasses) &&
    isObject(series) &&
    Array.isArray(series.metrics) &&
    Array.isArray(series.evals)
  );
}
