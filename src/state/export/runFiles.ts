/**
 * Run records ↔ run files: what the app exports for a run (tool 'app'), and the record an
 * imported run file becomes, shown in the charts the way a finished run is.
 */
import { version as appVersion } from '../../../package.json';
import type { BackendInfo } from '../../protocol/messages';
import { RUN_FILE_SCHEMA, RUN_FILE_VERSION, type RunFile } from '../../protocol/runFile';
import { freshRunFields, type RunRecord } from '../runStore';

export { appVersion };

/** Imported runs get ids from here up, apart from the worker's runs (which count from 1). */
export const IMPORTED_RUN_ID_BASE = 100_000;

/**
 * The run file of a run record, as the app writes it (for a run cut short: its series so far,
 * no result). `origin` overrides where it was made (an imported run keeps its file's).
 */
export function runFileOfRecord(r: RunRecord, backend: BackendInfo | null, platform?: string, origin?: RunFile['origin']): RunFile {
  const started = new Date(r.startedAtMs).toISOString();
  return {
    schema: RUN_FILE_SCHEMA,
    version: RUN_FILE_VERSION,
    name: r.label,
    createdAt: started,
    ...(r.finishedAtMs !== undefined ? { finishedAt: new Date(r.finishedAtMs).toISOString() } : {}),
    origin: origin ?? { tool: 'app', appVersion, ...(backend ? { backend } : {}), ...(platform ? { platform } : {}) },
    config: r.config,
    status: r.status,
    health: r.health,
    series: r.result ? r.result.series : { metrics: r.metrics, evals: r.evals },
    ...(r.result ? { result: r.result } : {}),
  };
}

/** An imported run file as a run record under `runId`: finished, with its series, result and health. */
export function recordOfRunFile(file: RunFile, runId: number): RunRecord {
  const result = file.result;
  const startedAtMs = Date.parse(file.createdAt);
  return {
    ...freshRunFields(),
    runId,
    label: file.name,
    config: file.config,
    status: file.status,
    detail: `imported (${file.origin.tool === 'cli' ? 'made by the CLI' : 'made by the playground'} ${file.origin.appVersion})`,
    metrics: file.series.metrics,
    evals: file.series.evals,
    health: file.health,
    ...(result
      ? {
          result,
          prepared: {
            totalSteps: (result.stage1?.steps ?? 0) + result.final.steps,
            stage1Steps: result.stage1?.steps ?? 0,
            stage2Steps: result.final.steps,
            batchSize: file.config.batchSize,
            teacherNcmValAccuracy: result.teacherNcmValAccuracy,
            counts: result.counts,
            teacherCacheMs: result.timing.teacherCacheMs,
          },
        }
      : {}),
    startedAtMs,
    finishedAtMs: file.finishedAt ? Date.parse(file.finishedAt) : startedAtMs,
  };
}
