/**
 * The run file: one versioned JSON shape for a run, whoever made it. The CLI's `--json`
 * prints it, the app exports it, the history stores it and imports read it back, so a
 * CLI run and an app run are the same kind of file. Plain data only.
 *
 * Schema rules: `schema` names the kind of file; `version` counts up whenever a field
 * changes meaning or a required field is added. A reader accepts its own version and
 * older ones it knows how to migrate, and refuses a newer one with a clear message.
 */
import type { ExperimentConfig } from './config';
import type { HealthIssue } from './health';
import type { BackendInfo, RunStatus } from './messages';
import type { EvalPoint, ExperimentResult, MetricsPoint } from './results';

export const RUN_FILE_SCHEMA = 'refilled-playground/run';
export const RUN_FILE_VERSION = 1;

/** Where a run was made. */
export interface RunOrigin {
  /** 'app' (the playground in a browser) or 'cli' (Node). */
  tool: 'app' | 'cli';
  /** package.json version of the app or CLI that made it. */
  appVersion: string;
  /** Git commit, when the build knows it. */
  commit?: string;
  backend?: BackendInfo;
  /** Browser user agent or `node vX`. */
  platform?: string;
}

export interface RunFile {
  schema: typeof RUN_FILE_SCHEMA;
  version: typeof RUN_FILE_VERSION;
  /** The run's name as the user sees it (editable in the history). */
  name: string;
  /** ISO 8601 times. */
  createdAt: string;
  finishedAt?: string;
  origin: RunOrigin;
  config: ExperimentConfig;
  /** The final status: a finished run is 'done' (healthy) or 'failed' (health check); others were cut short. */
  status: RunStatus;
  health: HealthIssue[];
  /** What streamed, also for a run cut short (for a finished run, equal to result.series). */
  series: { metrics: MetricsPoint[]; evals: EvalPoint[] };
  /** Present once the run finished. */
  result?: ExperimentResult;
}
