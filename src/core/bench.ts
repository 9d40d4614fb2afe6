import * as tf from '@tensorflow/tfjs';
import { resolveConfig, type ExperimentConfig } from '../protocol/config';
import type { ExperimentSplits } from './data/splits';
import type { Teacher } from './model/teacher';
import { Experiment } from './trainer/experiment';

/** One backend's figures for the default student (see `benchmarkBackend`). */
export interface BenchRow {
  backend: string;
  batchSize: number;
  studentWidth: number;
  convGradient: string;
  /** Mean wall time per step, measured over `steps` steps after warm-up, device synced at both ends. */
  ceStepMs: number;
  stage1StepMs: number;
  stage2StepMs: number;
  stage1Ratio: number;
  stage2Ratio: number;
  /** Device → JS reads per step while no report or evaluation is due (target 0). */
  readbacksPerStep: { ce: number; stage1: number; stage2: number };
  /** Kernels dispatched by one step (tf.profile). */
  kernelsPerStep: { ce: number; stage1: number; stage2: number };
  /** Tensors alive after 100 steps minus before (target 0). */
  tensorsLeakedPer100Steps: number;
  /** How many steps the leak count was measured over. */
  leakStepsMeasured: number;
  teacherCacheMs: number;
  /** The slowest kernels of one stage-1 step, by total time where the backend reports it. */
  topStage1Kernels: { name: string; ms: number; count: number }[];
}

export interface BenchOptions {
  backend: string;
  splits: ExperimentSplits;
  teacher: Teacher;
  /** Overrides of the default config (e.g. convGradient). */
  overrides?: Record<string, unknown>;
  steps: number;
  warmupSteps?: number;
  /** Steps over which leaks are counted (reported scaled to 100). */
  leakSteps?: number;
  profile?: boolean;
}

const NEVER = 1_000_000;

/** A config whose reporting and evaluation never fall inside the measured steps. */
export function benchConfig(method: 'vanilla' | 'refilled', stage1Epochs: number, overrides: Record<string, unknown> = {}): ExperimentConfig {
  return resolveConfig({
    method,
    shotsPerClass: 20,
    batchSize: 64,
    stage1: { epochs: stage1Epochs },
    stage2: { epochs: 1000 },
    runtime: { reportIntervalSteps: 1000 },
    ...overrides,
  });
}

async function timeSteps(exp: Experiment, steps: number): Promise<{ ms: number; readbacks: number }> {
  await exp.sync();
  const before = exp.readbacks.count;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await exp.step();
  const readbacks = exp.readbacks.count - before;
  await exp.sync();
  return { ms: (performance.now() - t0) / steps, readbacks };
}

async function kernelsOfStep(exp: Experiment): Promise<{ count: number; kernels: { name: string; ms: number }[] }> {
  await exp.sync();
  const info = await tf.profile(async () => {
    await exp.step();
  });
  return { count: info.kernels.length, kernels: info.kernels.map((k) => ({ name: k.name, ms: typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0 })) };
}

/**
 * Measures, on the current tfjs backend, a plain cross-entropy step, a REFILLED stage-1 step
 * and a stage-2 step of the same student, plus read-backs, dispatches and leaks per step.
 */
export async function benchmarkBackend(options: BenchOptions): Promise<BenchRow> {
  const { steps, splits, teacher, backend } = options;
  const warmup = options.warmupSteps ?? 2;
  const leakSteps = options.leakSteps ?? 100;
  const make = (method: 'vanilla' | 'refilled', stage1Epochs: number) =>
    Experiment.create(benchConfig(method, stage1Epochs, options.overrides), splits, teacher, { backend, classNames: [], evalIntervalSteps: NEVER });

  const ce = await make('vanilla', 0);
  for (let i = 0; i < warmup; i++) await ce.step();
  const ceTime = await timeSteps(ce, steps);
  const ceKernels = options.profile ? await kernelsOfStep(ce) : { count: 0, kernels: [] };
  const before = tf.memory().numTensors;
  for (let i = 0; i < leakSteps; i++) await ce.step();
  await ce.sync();
  const leaked = tf.memory().numTensors - before;
  ce.dispose();

  // Stage 1 long enough for warm-up, timing and profiling without reaching its last step
  // (which evaluates); stage 2 follows.
  const stage1Steps = warmup + steps + 2;
  const refilled = await make('refilled', stage1Steps);
  const teacherCacheMs = refilled.teacherCacheMs;
  for (let i = 0; i < warmup; i++) await refilled.step();
  const s1Time = await timeSteps(refilled, steps);
  const s1Kernels = options.profile ? await kernelsOfStep(refilled) : { count: 0, kernels: [] };
  // The stage boundary evaluates and reads back: step through it, then measure stage 2.
  while (refilled.stage === 1) await refilled.step();
  for (let i = 0; i < warmup; i++) await refilled.step();
  const s2Time = await timeSteps(refilled, steps);
  const s2Kernels = options.profile ? await kernelsOfStep(refilled) : { count: 0, kernels: [] };
  const convGradient = refilled.convGradient;
  const batchSize = refilled.batchSize;
  const studentWidth = refilled.config.studentWidth;
  refilled.dispose();

  const byName = new Map<string, { ms: number; count: number }>();
  for (const k of s1Kernels.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, count: 0 };
    e.ms += k.ms;
    e.count += 1;
    byName.set(k.name, e);
  }
  return {
    backend,
    batchSize,
    studentWidth,
    convGradient,
    ceStepMs: ceTime.ms,
    stage1StepMs: s1Time.ms,
    stage2StepMs: s2Time.ms,
    stage1Ratio: s1Time.ms / ceTime.ms,
    stage2Ratio: s2Time.ms / ceTime.ms,
    readbacksPerStep: { ce: ceTime.readbacks / steps, stage1: s1Time.readbacks / steps, stage2: s2Time.readbacks / steps },
    kernelsPerStep: { ce: ceKernels.count, stage1: s1Kernels.count, stage2: s2Kernels.count },
    tensorsLeakedPer100Steps: Math.round((leaked * 100) / leakSteps),
    leakStepsMeasured: leakSteps,
    teacherCacheMs,
    topStage1Kernels: [...byName.entries()]
      .map(([name, v]) => ({ name, ...v }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8),
  };
}
