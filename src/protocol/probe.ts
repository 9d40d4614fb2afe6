/**
 * The measured backend choice, as data: what the worker's probe measured on each backend,
 * the pure rule that picks one and says why in words, and the cached record that lets the
 * next page load skip the probe. The record is valid only for the same app version, user
 * agent, WebGPU adapter and cross-origin isolation (threads change WebAssembly's speed).
 * No tfjs here: the worker measures (worker/probe.ts), the bridge stores the record.
 */
import type { BackendName } from './messages';

/** Backends in the order preferred without a measurement (and on a tie). */
export const BACKEND_PREFERENCE: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export const BACKEND_LABELS: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (plain JavaScript)' };

/** A backend within this fraction of the fastest counts as a tie, and the preferred one wins it. */
export const PROBE_TIE_FRACTION = 0.05;

/** localStorage key of the cached ProbeRecord. */
export const PROBE_STORAGE_KEY = 'refilled.backend-probe';

/** Bumped when the probe or the record's shape changes: older records are then ignored. */
export const PROBE_FORMAT = 1;

/** One backend's part of the probe. */
export interface ProbeMeasurement {
  backend: BackendName;
  /** Median wall time of one timed training step, warm-up excluded (ms); absent when not measured. */
  stepMs?: number;
  /** Timed steps behind `stepMs`. */
  steps?: number;
  /** The warm-up step (shader compilation, first allocations), not part of the comparison (ms). */
  warmupMs?: number;
  /** Why it was not measured: it did not start, it failed, or the time budget was spent. */
  skipped?: string;
  /** It renders in software (a SwiftShader / llvmpipe GPU adapter). */
  software?: boolean;
  /** WebAssembly threads (1: single-threaded; more needs a cross-origin isolated page). */
  threads?: number;
}

/** What a cached choice is valid for. */
export interface ProbeFingerprint {
  appVersion: string;
  userAgent: string;
  /** The WebGPU adapter's vendor / architecture / description ('none' without one). */
  adapter: string;
  /** `crossOriginIsolated`: whether WebAssembly can use threads. */
  isolated: boolean;
}

/** The probe's outcome, cached by the page and shown in the runtime badge. */
export interface ProbeRecord {
  format: number;
  /** `fingerprintKey` of where it was measured. */
  fingerprint: string;
  /** When it was measured (ms since the epoch). */
  measuredAt: number;
  choice: BackendName;
  reason: string;
  measurements: ProbeMeasurement[];
  /** Wall time of the whole probe (ms). */
  probeMs: number;
}

/** The probe record as reported with the backend: `cached` when it was read, not measured, this time. */
export type ProbeSummary = ProbeRecord & { cached: boolean };

/** Probe switches of the worker's 'init'. */
export interface ProbeInit {
  /** The record the page has cached (the worker checks it against its own fingerprint). */
  cached?: ProbeRecord | null;
  /** Measure even if the cached record is valid (the badge's "Re-measure"). */
  remeasure?: boolean;
  /** No probe: the fixed preference order (tests that need a given backend without forcing it). */
  off?: boolean;
}

export function fingerprintKey(f: ProbeFingerprint): string {
  return [`v${f.appVersion}`, `probe${PROBE_FORMAT}`, f.isolated ? 'isolated' : 'not-isolated', f.adapter, f.userAgent].join(' | ');
}

const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
const fmtRatio = (r: number) => (r < 10 ? r.toFixed(1) : r.toFixed(0));

const measured = (m: ProbeMeasurement): m is ProbeMeasurement & { stepMs: number } => m.stepMs !== undefined && Number.isFinite(m.stepMs) && m.stepMs > 0;

/**
 * Why a GPU backend that renders in software is not timed, or null when it should be: once
 * WebAssembly has been timed, a software WebGL or WebGPU is not worth its warm-up (its shaders
 * compile for seconds): on every machine we measured, it trained 23–48× slower than
 * WebAssembly. Without a WebAssembly figure (it did not start) it is timed, since it may
 * still beat plain JavaScript.
 */
export function softwareSkipReason(measurements: readonly ProbeMeasurement[], software: boolean): string | null {
  if (!software) return null;
  const wasm = measurements.find((m) => m.backend === 'wasm' && m.stepMs !== undefined);
  return wasm ? 'renders in software here: not measured (23–48× slower than WebAssembly wherever we measured it)' : null;
}

/**
 * Picks the backend with the smallest step time; a backend earlier in `preference` within
 * PROBE_TIE_FRACTION of it wins the tie (a GPU leaves the CPU to the page). The reason
 * compares the winner with the backend the fixed order would have taken (or, when that is
 * the winner, with the runner-up), e.g. "WebAssembly: 3.1× faster than WebGPU here
 * (software adapter); measured 12 ms vs 37 ms per step", then names what did not start.
 * null when nothing was measured.
 */
export function decideBackend(measurements: readonly ProbeMeasurement[], preference: readonly BackendName[] = BACKEND_PREFERENCE): { choice: BackendName; reason: string } | null {
  const rank = (b: BackendName) => {
    const i = preference.indexOf(b);
    return i < 0 ? preference.length : i;
  };
  const timed = measurements.filter(measured).sort((a, b) => rank(a.backend) - rank(b.backend));
  if (timed.length === 0) return null;
  const fastest = timed.reduce((best, m) => (m.stepMs < best.stepMs ? m : best));
  const winner = timed.find((m) => m.stepMs <= fastest.stepMs * (1 + PROBE_TIE_FRACTION)) ?? fastest;
  const others = timed.filter((m) => m !== winner);
  const notes = measurements.filter((m) => !measured(m) && m.skipped).map((m) => `${BACKEND_LABELS[m.backend]} ${m.skipped}`);
  const label = BACKEND_LABELS[winner.backend];
  let head: string;
  if (others.length === 0) {
    head = `${label}: the only backend measured here (${fmtMs(winner.stepMs)} ms per step)`;
  } else {
    // The backend the fixed order would have picked, else the runner-up.
    const baseline = rank(timed[0].backend) < rank(winner.backend) ? timed[0] : others.reduce((best, m) => (m.stepMs < best.stepMs ? m : best));
    const ratio = baseline.stepMs / winner.stepMs;
    const where = `${BACKEND_LABELS[baseline.backend]}${baseline.software ? ' (software adapter)' : ''}`;
    const numbers = `measured ${fmtMs(winner.stepMs)} ms vs ${fmtMs(baseline.stepMs)} ms per step`;
    head = ratio >= 1 + PROBE_TIE_FRACTION ? `${label}: ${fmtRatio(ratio)}× faster than ${where} here; ${numbers}` : `${label}: as fast as ${where} here (within ${Math.round(PROBE_TIE_FRACTION * 100)} %), and preferred; ${numbers}`;
  }
  return { choice: winner.backend, reason: [head, ...notes].join('; ') };
}

const BACKENDS = new Set<string>(BACKEND_PREFERENCE);

function isMeasurement(v: unknown): v is ProbeMeasurement {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return typeof m.backend === 'string' && BACKENDS.has(m.backend) && (m.stepMs === undefined || typeof m.stepMs === 'number') && (m.skipped === undefined || typeof m.skipped === 'string');
}

/**
 * The cached record if it is well formed, of this format, and measured where `fingerprint`
 * says we are now; null otherwise (then the worker measures again).
 */
export function validCachedProbe(stored: unknown, fingerprint: string): ProbeRecord | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const r = stored as Record<string, unknown>;
  const wellFormed =
    r.format === PROBE_FORMAT &&
    typeof r.fingerprint === 'string' &&
    typeof r.measuredAt === 'number' &&
    typeof r.choice === 'string' &&
    BACKENDS.has(r.choice) &&
    typeof r.reason === 'string' &&
    typeof r.probeMs === 'number' &&
    Array.isArray(r.measurements) &&
    r.measurements.every(isMeasurement);
  if (!wellFormed || r.fingerprint !== fingerprint) return null;
  return stored as ProbeRecord;
}

/** Where the page keeps the record (localStorage in the browser, a Map in tests). */
export interface ProbeStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The stored record, parsed but not validated (the worker validates it); null if absent or unreadable. */
export function loadProbeRecord(store: ProbeStore | null): ProbeRecord | null {
  try {
    const text = store?.getItem(PROBE_STORAGE_KEY) ?? null;
    return text ? (JSON.parse(text) as ProbeRecord) : null;
  } catch {
    return null;
  }
}

/** Keeps a freshly measured record; storage that refuses (private mode, quota) only costs a probe next time. */
export function saveProbeRecord(store: ProbeStore | null, record: ProbeRecord): void {
  try {
    store?.setItem(PROBE_STORAGE_KEY, JSON.stringify(record));
  } catch {
    // Nothing to do: the next page load measures again.
  }
}

export function clearProbeRecord(store: ProbeStore | null): void {
  try {
    store?.removeItem(PROBE_STORAGE_KEY);
  } catch {
    // As above.
  }
}
