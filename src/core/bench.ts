import * as tf from '@tensorflow/tfjs';
import { fusedMode, setFusedMode, type FusedMode } from './kernels';
import { FUSED_OPS, fused } from './kernels/ops';
import { resolveConfig, type ExperimentConfig } from '../protocol/config';
import type { ExperimentSplits } from './data/splits';
import type { Teacher } from './model/teacher';
import { Experiment } from './trainer/experiment';

/** The three kinds of training step the benchmark compares. */
export type StepKind = 'ce' | 'stage1' | 'stage2';
const STEP_KINDS: readonly StepKind[] = ['ce', 'stage1', 'stage2'];

/** Kernel time of one step, summed by kernel name (where the backend reports kernel times). */
export interface KernelCost {
  name: string;
  ms: number;
  count: number;
}

/** One backend's figures for the default student (see `benchmarkBackend`). */
export interface BenchRow {
  backend: string;
  batchSize: number;
  studentWidth: number;
  convGradient: string;
  /** Which fused kernels ran: the mode asked for, and which of the fused operations it gave on this backend. */
  fused: { mode: FusedMode; ops: string[] };
  /** Median wall time of one step over `rounds` rounds (device synced around every step). */
  ceStepMs: number;
  stage1StepMs: number;
  stage2StepMs: number;
  /** Ratios to the plain step, each the median of the per-round ratios. */
  stage1Ratio: number;
  stage2Ratio: number;
  /** Timed rounds (each times one step of every kind, back to back). */
  rounds: number;
  /** Device → JS reads per step while no report or evaluation is due (target 0). */
  readbacksPerStep: Record<StepKind, number>;
  /** Kernels run by one step (tf.profile), data-only ones included. */
  kernelsPerStep: Record<StepKind, number>;
  /** Of those, the kernels that compute (DATA_ONLY_KERNELS excluded): what a GPU dispatches. */
  computeKernelsPerStep: Record<StepKind, number>;
  /** The slowest kernels of one step of each kind, by total time where the backend reports it. */
  topKernels: Record<StepKind, KernelCost[]>;
  /** Tensors alive after the leak steps minus before, the worst of the three kinds, scaled to 100 steps (target 0). */
  tensorsLeakedPer100Steps: number;
  /** How many steps of each kind the leak count was measured over. */
  leakStepsMeasured: number;
  teacherCacheMs: number;
}

export interface BenchOptions {
  backend: string;
  splits: ExperimentSplits;
  teacher: Teacher;
  /** Overrides of the default config (e.g. convGradient). */
  overrides?: Record<string, unknown>;
  /** Timed rounds; each times one step of every kind. */
  steps: number;
  warmupSteps?: number;
  /** Steps of each kind over which leaks are counted (reported scaled to 100). */
  leakSteps?: number;
  profile?: boolean;
  /**
   * Which fused kernels run (default `auto`, the app's choice; `none` measures tfjs's own
   * operations); several modes are measured in the same rounds, one row each.
   */
  fused?: FusedMode | readonly FusedMode[];
  /** Progress lines (the browser page shows them). */
  log?: (line: string) => void;
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

/** Wall time of one step, the device synced before and after; and the read-backs it made. */
async function timeStep(exp: Experiment): Promise<{ ms: number; readbacks: number }> {
  await exp.sync();
  const before = exp.readbacks.count;
  const t0 = performance.now();
  await exp.step();
  const readbacks = exp.readbacks.count - before;
  await exp.sync();
  return { ms: performance.now() - t0, readbacks };
}

async function kernelsOfStep(exp: Experiment): Promise<{ count: number; compute: number; top: KernelCost[] }> {
  await exp.sync();
  const info = await tf.profile(async () => {
    await exp.step();
    await exp.sync();
  });
  const byName = new Map<string, KernelCost>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { name: k.name, ms: 0, count: 0 };
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    e.count += 1;
    byName.set(k.name, e);
  }
  // The sync's own slice and read-back are not part of the step.
  const count = info.kernels.length - 1;
  const compute = info.kernels.filter((k) => !DATA_ONLY_KERNELS.has(k.name)).length - 1;
  return { count, compute, top: [...byName.values()].sort((a, b) => b.ms - a.ms).slice(0, 10) };
}

/**
 * Entries tf.profile lists for a custom gradient's forward function as a whole (`forward`, or
 * `unnamed scope` outside a named one,
 * and tf.losses.softmaxCrossEntropy's `softmaxCrossEntropy__op`): the kernels inside are
 * listed on their own, so the wrapper is no dispatch of its own, and its time is theirs.
 */
const WRAPPERS = ['forward', 'unnamed scope', 'softmaxCrossEntropy__op'];

/**
 * Kernels that only relabel a tensor's data (a new shape, another reference) and launch no
 * program on any backend: tf.profile lists them, but they cost no dispatch.
 */
export const DATA_ONLY_KERNELS: ReadonlySet<string> = new Set(['Reshape', 'Identity', 'ExpandDims', 'Squeeze', ...WRAPPERS]);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * Measures, on the current tfjs backend, a plain cross-entropy step, a REFILLED stage-1 step
 * and a stage-2 step of the same student, plus read-backs, dispatches and leaks per step:
 * one row per fused mode asked (`fused`, default `auto`), in that order.
 *
 * Three experiments stand side by side per mode (a vanilla one, one in stage 1, one in stage
 * 2), and every round times one step of each, back to back, for every mode in turn: on a
 * shared, noisy machine the medians of those rounds and of their ratios are steadier than
 * totals measured one kind (or one mode) after another, and the modes see the same load.
 */
export async function benchmarkBackend(options: BenchOptions): Promise<BenchRow[]> {
  const { steps, splits, teacher, backend } = options;
  const log = options.log ?? (() => undefined);
  const warmup = options.warmupSteps ?? 2;
  const leakSteps = options.leakSteps ?? 100;
  const profileSteps = options.profile ? 1 : 0;
  const modes: readonly FusedMode[] = options.fused === undefined ? ['auto'] : typeof options.fused === 'string' ? [options.fused] : options.fused;
  const make = (method: 'vanilla' | 'refilled', stage1Epochs: number) =>
    Experiment.create(benchConfig(method, stage1Epochs, options.overrides), splits, teacher, { backend, classNames: [], evalIntervalSteps: NEVER });
  const label = (mode: FusedMode) => (modes.length > 1 ? `fused ${mode}: ` : '');

  const sets: { mode: FusedMode; experiments: Record<StepKind, Experiment> }[] = [];
  try {
    for (const mode of modes) {
      // Each mode's experiments are made, and warmed up, under that mode (the teacher's cache included).
      setFusedMode(mode);
      // Listed before they exist, so that a failure on the way disposes what was made.
      const experiments = {} as Record<StepKind, Experiment>;
      sets.push({ mode, experiments });
      experiments.ce = await make('vanilla', 0);
      // Stage 1 long enough never to reach its last step (which evaluates).
      const s1 = (experiments.stage1 = await make('refilled', warmup + steps + profileSteps + leakSteps + 2));
      const s2 = (experiments.stage2 = await make('refilled', 1));
      if (s1.stepsPerEpoch !== 1) throw new Error(`benchmark: expected one step per epoch, got ${s1.stepsPerEpoch}`);
      // One stage-1 step, then the boundary (it evaluates and reads back); stage 2 follows.
      while (s2.stage === 1) await s2.step();
      for (const kind of STEP_KINDS) for (let i = 0; i < warmup; i++) await experiments[kind].step();
    }
    log(`warm-up done; ${steps} timed rounds${modes.length > 1 ? ` of ${modes.join(', ')}` : ''}`);

    const ms = sets.map(() => ({ ce: [], stage1: [], stage2: [] }) as Record<StepKind, number[]>);
    const readbacks = sets.map(() => ({ ce: 0, stage1: 0, stage2: 0 }) as Record<StepKind, number>);
    for (let round = 0; round < steps; round++)
      for (const [i, { mode, experiments }] of sets.entries()) {
        setFusedMode(mode);
        for (const kind of STEP_KINDS) {
          const t = await timeStep(experiments[kind]);
          ms[i][kind].push(t.ms);
          readbacks[i][kind] += t.readbacks;
        }
        log(`round ${round + 1}: ${label(mode)}${STEP_KINDS.map((k) => `${k} ${ms[i][k][round].toFixed(0)} ms`).join(', ')}`);
      }

    const rows: BenchRow[] = [];
    for (const [i, { mode, experiments }] of sets.entries()) {
      setFusedMode(mode);
      const none = () => ({ count: 0, compute: 0, top: [] as KernelCost[] });
      const kernels: Record<StepKind, { count: number; compute: number; top: KernelCost[] }> = { ce: none(), stage1: none(), stage2: none() };
      if (options.profile) for (const kind of STEP_KINDS) kernels[kind] = await kernelsOfStep(experiments[kind]);

      let leaked = 0;
      for (const kind of STEP_KINDS) {
        const exp = experiments[kind];
        await exp.sync();
        const before = tf.memory().numTensors;
        for (let k = 0; k < leakSteps; k++) await exp.step();
        await exp.sync();
        leaked = Math.max(leaked, tf.memory().numTensors - before);
        log(`${label(mode)}leaks over ${leakSteps} ${kind} steps: ${tf.memory().numTensors - before}`);
      }
      const s1 = experiments.stage1;
      const m = ms[i];
      rows.push({
        backend,
        batchSize: s1.batchSize,
        studentWidth: s1.config.studentWidth,
        convGradient: s1.convGradient,
        fused: { mode: fusedMode(), ops: FUSED_OPS.filter((op) => fused(op)) },
        ceStepMs: median(m.ce),
        stage1StepMs: median(m.stage1),
        stage2StepMs: median(m.stage2),
        stage1Ratio: median(m.stage1.map((t, k) => t / m.ce[k])),
        stage2Ratio: median(m.stage2.map((t, k) => t / m.ce[k])),
        rounds: steps,
        readbacksPerStep: { ce: readbacks[i].ce / steps, stage1: readbacks[i].stage1 / steps, stage2: readbacks[i].stage2 / steps },
        kernelsPerStep: { ce: kernels.ce.count, stage1: kernels.stage1.count, stage2: kernels.stage2.count },
        computeKernelsPerStep: { ce: kernels.ce.compute, stage1: kernels.stage1.compute, stage2: kernels.stage2.compute },
        topKernels: { ce: kernels.ce.top, stage1: kernels.stage1.top, stage2: kernels.stage2.top },
        tensorsLeakedPer100Steps: Math.round((leaked * 100) / Math.max(leakSteps, 1)),
        leakStepsMeasured: leakSteps,
        teacherCacheMs: s1.teacherCacheMs,
      });
    }
    return rows;
  } finally {
    for (const { experiments } of sets) for (const kind of STEP_KINDS) (experiments[kind] as Experiment | undefined)?.dispose();
    setFusedMode('auto');
  }
}
