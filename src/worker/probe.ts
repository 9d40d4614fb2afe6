/**
 * The measured backend choice (when the link forces none): every backend that starts trains
 * the student for a few real steps on random images — one warm-up step (shader compilation,
 * first allocations) that is not counted, then timed steps, each synced by a read-back — and
 * the fastest wins (protocol/probe.ts decides and words it). Bounded in time: a backend gets
 * its warm-up and at least one timed step, more only within its share of the budget; once two
 * backends have a number, backends left when the budget is spent are not measured. The page
 * caches the outcome per app version, user agent, adapter and isolation; a valid cached
 * choice skips the probe.
 *
 * Backends are switched only with no tensor alive: each measurement frees what it made.
 */
import * as tf from '@tensorflow/tfjs';
import { autoConvGradient } from '../core/model/conv';
import { ConvNet } from '../core/model/convnet';
import { streamRng } from '../core/random';
import { trainSupervised } from '../core/trainer/supervised';
import { DEFAULT_CONFIG } from '../protocol/config';
import type { BackendInfo, BackendName } from '../protocol/messages';
import { decideBackend, fingerprintKey, PROBE_FORMAT, softwareSkipReason, validCachedProbe, type ProbeFingerprint, type ProbeInit, type ProbeMeasurement, type ProbeRecord } from '../protocol/probe';
import { isSoftwareAdapter } from '../core/model/conv';
import { adapterText, tryBackend, type Attempt, type BackendOptions } from './backend';

export interface ProbeSpec {
  /** Images per probe step. */
  batchSize: number;
  studentWidth: number;
  numClasses: number;
  /** Timed steps per backend at most (at least one is always taken). */
  maxTimedSteps: number;
  /** Soft limit on the whole probe (ms): backends not reached by then are not measured. */
  budgetMs: number;
}

/**
 * The default student (width and classes) at batch 32: half the default batch keeps the probe
 * near its budget on software adapters, where a step costs in proportion to the batch.
 */
export const DEFAULT_PROBE: ProbeSpec = { batchSize: 32, studentWidth: DEFAULT_CONFIG.studentWidth, numClasses: DEFAULT_CONFIG.studentClasses.length, maxTimedSteps: 3, budgetMs: 3000 };

/**
 * Candidates in the order they are measured: WebAssembly first (cheap, and sure to give a
 * reference number), then WebGPU on a hardware adapter, WebGL, and WebGPU on a software
 * adapter last (seconds per step there: usually past the budget). The pure-JS CPU backend is
 * measured only when WebAssembly does not start: it runs the same work without native code.
 */
export function probeOrder(softwareAdapter: boolean): BackendName[] {
  return softwareAdapter ? ['wasm', 'webgl', 'webgpu'] : ['wasm', 'webgpu', 'webgl'];
}

/** The budget never stops the probe before this many backends have a number (else there is nothing to compare). */
const MIN_MEASURED = 2;

/**
 * Times `spec.maxTimedSteps` training steps (cross-entropy, SGD with Nesterov momentum, the
 * student ConvNet: images [B,28,28,1] → logits [B,C]) on the current backend, after one
 * warm-up step. Steps stop early when `stopAtMs` (on `now`'s clock) would be passed. Frees
 * every tensor it made. Returns the median step time.
 */
export async function timeTrainingSteps(spec: ProbeSpec, stopAtMs = Infinity, now: () => number = () => performance.now()): Promise<{ stepMs: number; steps: number; warmupMs: number }> {
  const rng = streamRng(1, 'backend-probe');
  const images = Float32Array.from({ length: spec.batchSize * 784 }, () => rng());
  const labels = Int32Array.from({ length: spec.batchSize }, (_, i) => i % spec.numClasses);
  const net = new ConvNet({ widthMultiplier: spec.studentWidth, numClasses: spec.numClasses, seed: 1 });
  const { optimizer, stage1 } = DEFAULT_CONFIG;
  // One epoch of one batch = one step, ended by trainSupervised's read-back of the loss (a sync).
  const step = () => trainSupervised(net, images, labels, { epochs: 1, batchSize: spec.batchSize, learningRate: stage1.learningRate, learningRateMin: stage1.learningRateMin, optimizer, seed: 1, convGradient: autoConvGradient(tf.getBackend()) });
  try {
    let t = now();
    await step();
    const warmupMs = now() - t;
    const times: number[] = [];
    while (times.length < Math.max(1, spec.maxTimedSteps)) {
      const last = times.length > 0 ? times[times.length - 1] : 0;
      if (times.length > 0 && now() + last > stopAtMs) break;
      t = now();
      await step();
      times.push(now() - t);
    }
    times.sort((a, b) => a - b);
    return { stepMs: times[Math.floor((times.length - 1) / 2)], steps: times.length, warmupMs };
  } finally {
    net.allVariables().forEach((v) => v.dispose());
  }
}

/** Where the choice would be cached (the app, the browser, the WebGPU adapter, isolation), and whether that adapter is software. */
export async function probeFingerprint(appVersion: string): Promise<{ fingerprint: ProbeFingerprint; softwareAdapter: boolean }> {
  let adapter = 'none';
  let softwareAdapter = false;
  try {
    const a = await (globalThis.navigator as Navigator | undefined)?.gpu?.requestAdapter();
    const info = (a as (GPUAdapter & { info?: GPUAdapterInfo }) | null | undefined)?.info;
    if (a) {
      adapter = adapterText(info) ?? 'unknown';
      softwareAdapter = isSoftwareAdapter(info);
    }
  } catch {
    adapter = 'none';
  }
  const fingerprint = {
    appVersion,
    userAgent: (globalThis.navigator as Navigator | undefined)?.userAgent ?? 'unknown',
    adapter,
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  };
  return { fingerprint, softwareAdapter };
}

export interface ProbeSelectOptions {
  probe: ProbeInit;
  appVersion: string;
  backend?: BackendOptions;
  spec?: ProbeSpec;
  now?: () => number;
  /** Progress lines (the worker logs them). */
  log?: (line: string) => void;
}

function infoFor(name: BackendName, attempt: Extract<Attempt, { ok: true }>, record: ProbeRecord, cached: boolean): BackendInfo {
  return {
    name,
    reason: cached ? `${record.reason} (measured ${new Date(record.measuredAt).toISOString().slice(0, 10)}, cached)` : record.reason,
    forced: false,
    ...(attempt.adapter ? { adapter: attempt.adapter } : {}),
    ...(attempt.software ? { software: true } : {}),
    ...(attempt.threads !== undefined ? { threads: attempt.threads } : {}),
    probe: { ...record, cached },
  };
}

/**
 * Starts the backend a valid cached record names, or measures every backend that starts and
 * starts the fastest. null when nothing could be measured (the caller then falls back to the
 * fixed order, which says why).
 */
export async function selectByProbe(options: ProbeSelectOptions): Promise<BackendInfo | null> {
  const now = options.now ?? (() => performance.now());
  const spec = options.spec ?? DEFAULT_PROBE;
  const where = await probeFingerprint(options.appVersion);
  const fingerprint = fingerprintKey(where.fingerprint);
  const cached = options.probe.remeasure ? null : validCachedProbe(options.probe.cached ?? null, fingerprint);
  if (cached) {
    const attempt = await tryBackend(cached.choice, options.backend);
    if (attempt.ok) return infoFor(cached.choice, attempt, cached, true);
    options.log?.(`cached choice ${cached.choice} did not start (${attempt.why}); measuring again`);
  }

  const started = now();
  const deadline = started + spec.budgetMs;
  const measurements: ProbeMeasurement[] = [];
  const candidates = probeOrder(where.softwareAdapter);
  for (let i = 0; i < candidates.length; i++) {
    const name = candidates[i];
    if (measurements.filter((m) => m.stepMs !== undefined).length >= MIN_MEASURED && now() > deadline) {
      measurements.push({ backend: name, skipped: 'not measured (the probe’s time budget was spent)' });
      continue;
    }
    const attempt = await tryBackend(name, options.backend);
    if (!attempt.ok) {
      measurements.push({ backend: name, skipped: `unavailable (${attempt.why})` });
      if (name === 'wasm') candidates.push('cpu');
      continue;
    }
    const skip = softwareSkipReason(measurements, attempt.software === true);
    if (skip) {
      measurements.push({ backend: name, skipped: skip, software: true });
      continue;
    }
    // Each backend left shares what remains of the budget for its timed steps.
    const share = Math.max(0, deadline - now()) / (candidates.length - i);
    try {
      const t = await timeTrainingSteps(spec, now() + share, now);
      measurements.push({ backend: name, stepMs: t.stepMs, steps: t.steps, warmupMs: t.warmupMs, ...(attempt.software ? { software: true } : {}), ...(attempt.threads !== undefined ? { threads: attempt.threads } : {}) });
      options.log?.(`${name}: ${t.stepMs.toFixed(1)} ms per step (${t.steps} timed, warm-up ${t.warmupMs.toFixed(0)} ms)`);
    } catch (e) {
      measurements.push({ backend: name, skipped: `failed while measured (${e instanceof Error ? e.message : String(e)})` });
    }
  }
  const decision = decideBackend(measurements);
  if (!decision) return null;
  const record: ProbeRecord = { format: PROBE_FORMAT, fingerprint, measuredAt: Date.now(), choice: decision.choice, reason: decision.reason, measurements, probeMs: now() - started };
  const attempt = await tryBackend(decision.choice, options.backend);
  if (!attempt.ok) return null;
  return infoFor(decision.choice, attempt, record, false);
}
