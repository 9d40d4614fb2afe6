/**
 * The page's half of the measured backend choice: it hands the cached probe record to a
 * fresh worker (which checks it against its own adapter and browser) and keeps the record
 * of a fresh measurement for the next page load.
 */
import type { BackendInfo, BackendName, WorkerInitOptions } from '../protocol/messages';
import { clearProbeRecord, loadProbeRecord, saveProbeRecord, type ProbeStore } from '../protocol/probe';

/** localStorage where there is one (not in Node, not where the browser refuses it). */
export function browserProbeStore(): ProbeStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * The init options for a fresh worker: with no backend forced, the cached record (or none,
 * to re-measure); a forced backend is not measured.
 */
export function withProbe(options: WorkerInitOptions, backend: BackendName | null, store: ProbeStore | null, remeasure: boolean): WorkerInitOptions {
  if (backend !== null || options.probe?.off) return options;
  if (remeasure) {
    clearProbeRecord(store);
    return { ...options, probe: { ...options.probe, remeasure: true } };
  }
  return { ...options, probe: { ...options.probe, cached: loadProbeRecord(store) } };
}

/** Stores what a worker has just measured (a cached choice is already stored). */
export function rememberProbe(backend: BackendInfo, store: ProbeStore | null): void {
  if (backend.probe && !backend.probe.cached) {
    const { cached: _cached, ...record } = backend.probe;
    saveProbeRecord(store, record);
  }
}
