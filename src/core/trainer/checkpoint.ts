/**
 * A training checkpoint as plain data: everything an Experiment needs to continue a run in a
 * freshly built Experiment, on any backend (WebGPU lost → WebGL, WebAssembly → CPU…). Typed
 * arrays and numbers only, so that it outlives the tensors (and the device) it was read from.
 *
 * Exact, not approximate: the student's variables, the optimiser's slots and update count,
 * the best-on-validation snapshot, the stage and its step (which fixes the learning-rate
 * schedule and λ's epoch), and the random streams of batch order and augmentation as draw
 * counts (a fresh stream replays to the same point), with the epoch's remaining batch order.
 * On one backend a restored run therefore gives the uninterrupted run's numbers; on another,
 * the same steps with that backend's rounding.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../protocol/config';
import type { EvalPoint, ExperimentResult, MetricsPoint, StageId } from '../../protocol/results';
import type { OptimizerState } from './optimizer';

/** Bumped when the checkpoint's shape changes. */
export const CHECKPOINT_FORMAT = 1;

export interface TrainingCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** The run's configuration as text: a checkpoint restores only into the same run. */
  configKey: string;
  /** The stage being trained and its completed steps (learning rate and λ follow from them). */
  stage: StageId;
  stageStep: number;
  /** Steps completed over both stages: the run continues with step `globalStep + 1`. */
  globalStep: number;
  /** The student's variables (kernels, γ, β, BN moving mean and variance, head), in ConvNet.allVariables() order. */
  variables: Float32Array[];
  /** The stage's optimiser (momentum or Adam's moments) [P] per group. */
  optimizer: OptimizerState;
  /** The stage's best-on-validation snapshot so far (ConvNet.allVariables() order), if any. */
  best: { score: number; step: number; variables: Float32Array[] } | null;
  /** Draws taken from the batch-order stream, and what is left of the epoch's permutation. */
  batchDraws: number;
  batchOrder: number[];
  /** Draws taken from the augmentation stream (0 when augmentation is off). */
  augmentDraws: number;
  stage1Summary?: ExperimentResult['stage1'];
  /** Wall times carried over: finished stages, the current stage so far, the run so far (ms). */
  stageMs: Record<StageId, number>;
  stageElapsedMs: number;
  elapsedMs: number;
  /** Recent measured step times (the ETA's input). */
  measuredStepMs: number[];
  /** The series up to the checkpoint. */
  metrics: MetricsPoint[];
  evals: EvalPoint[];
  /** Read-backs of the run so far, this checkpoint's own included. */
  readbacks: number;
}

/** A checkpoint that does not belong to the experiment it is restored into. */
export class CheckpointError extends Error {
  readonly code = 'internal';
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** The configuration as the checkpoint's key: the same run, the same text. */
export function checkpointKey(config: ExperimentConfig): string {
  return JSON.stringify(config);
}

/**
 * Reads groups of tensors back in one read-back: every tensor is flattened and concatenated
 * into one vector [Σ sizes] on the device, read once through `read` (the run's read-back
 * counter), and cut into one Float32Array per tensor, group by group.
 */
export async function readTensorGroups(groups: readonly (readonly tf.Tensor[])[], read: (t: tf.Tensor) => Promise<Float32Array | Int32Array | Uint8Array>): Promise<Float32Array[][]> {
  const all = groups.flat();
  if (all.length === 0) return groups.map(() => []);
  const flat = tf.tidy(() => tf.concat(all.map((t) => tf.reshape(tf.cast(t, 'float32'), [-1]))));
  let values: Float32Array;
  try {
    values = Float32Array.from(await read(flat));
  } finally {
    flat.dispose();
  }
  let offset = 0;
  return groups.map((g) =>
    g.map((t) => {
      const part = values.slice(offset, offset + t.size);
      offset += t.size;
      return part;
    }),
  );
}

/**
 * Checks that `checkpoint` fits an experiment of `config` whose student has variables of
 * `shapes`; throws CheckpointError saying what differs.
 */
export function checkCheckpointFits(checkpoint: TrainingCheckpoint, config: ExperimentConfig, shapes: readonly number[][]): void {
  if (checkpoint.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`The checkpoint has format ${String(checkpoint.format)}; this version reads ${CHECKPOINT_FORMAT}.`);
  if (checkpoint.configKey !== checkpointKey(config)) throw new CheckpointError('The checkpoint belongs to a run with another configuration.');
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const fits = (vars: Float32Array[]) => vars.length === sizes.length && vars.every((v, i) => v.length === sizes[i]);
  if (!fits(checkpoint.variables) || (checkpoint.best && !fits(checkpoint.best.variables))) {
    throw new CheckpointError("The checkpoint's student variables do not match the student's shapes.");
  }
}

/** The checkpoint's values as tensors of `shapes` (the caller owns them). */
export function tensorsOf(values: readonly Float32Array[], shapes: readonly number[][]): tf.Tensor[] {
  return values.map((v, i) => tf.tensor(v, shapes[i], 'float32'));
}
