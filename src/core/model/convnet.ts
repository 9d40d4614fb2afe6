import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';
import { batchNormReluTraining, fused, movingAverage } from '../kernels/ops';
import { batchNormTraining } from './batchnorm';
import { conv3x3, maxPool2x2, type ConvGradientMode } from './conv';

/** Channels of the width-1.0 network, one entry per conv–BN–ReLU block. */
export const BASE_CHANNELS = [32, 64, 128] as const;
export const IMAGE_SHAPE = [28, 28, 1] as const;
const BN_EPSILON = 1e-3;
const BN_MOMENTUM = 0.9;

export interface ConvNetSpec {
  /** Channel multiplier: 1.0 is the teacher's size; students go down to 0.25. */
  widthMultiplier: number;
  numClasses: number;
  seed: number;
}

/** Channels per block for a width multiplier (at least 4 each). */
export function blockChannels(widthMultiplier: number): number[] {
  return BASE_CHANNELS.map((c) => Math.max(4, Math.round(c * widthMultiplier)));
}

interface Block {
  kernel: tf.Variable<tf.Rank.R4>;
  gamma: tf.Variable<tf.Rank.R1>;
  beta: tf.Variable<tf.Rank.R1>;
  movingMean: tf.Variable<tf.Rank.R1>;
  movingVariance: tf.Variable<tf.Rank.R1>;
}

/** A per-channel statistic [C]: row `row` of `rows` [R, C] (read in place, never sliced out). */
export interface ChannelRow {
  rows: tf.Tensor2D;
  row: number;
}

/**
 * Batch moments of each BN layer (mean, biased variance), kept so the running averages can
 * be updated after the step. The fused batch norm gives both as rows of one [2, C] tensor,
 * the other paths as two [1, C] tensors: neither is copied to be read.
 */
export type BatchMoments = { mean: ChannelRow; variance: ChannelRow }[];

/** The tensors behind batch moments (to keep or dispose them). */
export function momentTensors(moments: BatchMoments): tf.Tensor2D[] {
  return moments.flatMap((m) => [m.mean.rows, m.variance.rows]);
}

/** Mean and variance [C] as batch moments (two [1, C] rows, no copy). */
function separateMoments(mean: tf.Tensor, variance: tf.Tensor): BatchMoments[number] {
  const row = (t: tf.Tensor) => ({ rows: tf.reshape(t, [1, -1]) as tf.Tensor2D, row: 0 });
  return { mean: row(mean), variance: row(variance) };
}

/**
 * The student (and teacher) ConvNet for 28×28 grey images:
 *   [conv3×3 – BN – ReLU – maxpool2] × 2 → conv3×3 – BN – ReLU → global average pool
 *   → embedding f(x) ∈ ℝ^D (D = last block's channels) → linear head → logits ∈ ℝ^C.
 * The embedding is what REFILLED distils in stage 1; the head is trained in stage 2.
 * Weights are tf.Variables so that tf.variableGrads can train them; BN keeps moving averages
 * for inference, with the same formula as a Keras BatchNormalization layer.
 */
export class ConvNet {
  readonly channels: number[];
  readonly embeddingSize: number;
  private readonly blocks: Block[];
  readonly headKernel: tf.Variable<tf.Rank.R2>;
  readonly headBias: tf.Variable<tf.Rank.R1>;

  constructor(readonly spec: ConvNetSpec) {
    this.channels = blockChannels(spec.widthMultiplier);
    this.embeddingSize = this.channels[this.channels.length - 1];
    const cIn: number = IMAGE_SHAPE[2];
    // Inside tidy: tf.variable keeps its own handle, and the initial-value tensors are freed.
    let init: ReturnType<ConvNet['initialise']> | undefined;
    tf.tidy(() => {
      init = this.initialise(spec, cIn);
    });
    if (!init) throw new Error('ConvNet initialisation failed');
    const { blocks, headKernel, headBias } = init;
    this.blocks = blocks;
    this.headKernel = headKernel;
    this.headBias = headBias;
  }

  private initialise(spec: ConvNetSpec, inputChannels: number): { blocks: Block[]; headKernel: tf.Variable<tf.Rank.R2>; headBias: tf.Variable<tf.Rank.R1> } {
    let cIn = inputChannels;
    const blocks = this.channels.map((cOut, i) => {
      const fanIn = 9 * cIn;
      const seed = deriveSeed(spec.seed, `init/conv${i}`);
      const block: Block = {
        kernel: tf.variable(tf.randomNormal([3, 3, cIn, cOut], 0, Math.sqrt(2 / fanIn), 'float32', seed), true),
        gamma: tf.variable(tf.ones([cOut]), true),
        beta: tf.variable(tf.zeros([cOut]), true),
        movingMean: tf.variable(tf.zeros([cOut]), false),
        movingVariance: tf.variable(tf.ones([cOut]), false),
      };
      cIn = cOut;
      return block;
    });
    const limit = 1 / Math.sqrt(this.embeddingSize);
    const headKernel = tf.variable(
      tf.randomUniform([this.embeddingSize, spec.numClasses], -limit, limit, 'float32', deriveSeed(spec.seed, 'init/head')),
      true,
    );
    const headBias = tf.variable(tf.zeros([spec.numClasses]), true);
    return { blocks, headKernel: headKernel as tf.Variable<tf.Rank.R2>, headBias: headBias as tf.Variable<tf.Rank.R1> };
  }

  /** Variables of the embedding (convolutions and BN scales/shifts). */
  embeddingVariables(): tf.Variable[] {
    return this.blocks.flatMap((b) => [b.kernel, b.gamma, b.beta]);
  }

  /** All trainable variables: the embedding's and the head's. */
  trainableVariables(): tf.Variable[] {
    return [...this.embeddingVariables(), this.headKernel, this.headBias];
  }

  /** Every variable, BN moving averages included (what a checkpoint holds). */
  allVariables(): tf.Variable[] {
    return [...this.blocks.flatMap((b) => [b.kernel, b.gamma, b.beta, b.movingMean, b.movingVariance]), this.headKernel, this.headBias];
  }

  /**
   * Embedding f(x): x [B,28,28,1] in [0,1] → [B,D]. In training mode BN normalises with the
   * batch's moments and pushes them to `moments` (for `updateMovingAverages`); otherwise it
   * uses the moving averages.
   */
  embed(x: tf.Tensor4D, training: boolean, convGradient: ConvGradientMode, moments?: BatchMoments): tf.Tensor2D {
    let h: tf.Tensor4D = x;
    const fusedBn = training && fused('batchNormRelu');
    this.blocks.forEach((block, i) => {
      // The first layer's input is the data: no gradient needed there.
      const z = conv3x3(h, block.kernel, convGradient, i > 0);
      if (fusedBn) {
        const bn = batchNormReluTraining(z, block.gamma, block.beta, BN_EPSILON);
        moments?.push({ mean: { rows: bn.moments, row: 0 }, variance: { rows: bn.moments, row: 1 } });
        h = bn.y;
      } else h = tf.relu(this.normalise(block, z, training, convGradient, moments));
      if (i < this.blocks.length - 1) h = maxPool2x2(h, convGradient);
    });
    return tf.mean(h, [1, 2]) as tf.Tensor2D;
  }

  /**
   * Batch normalisation of one block's convolution output: with the batch's moments in
   * training (pushed to `moments`), else with the moving averages.
   */
  private normalise(block: Block, h: tf.Tensor4D, training: boolean, convGradient: ConvGradientMode, moments?: BatchMoments): tf.Tensor4D {
    if (training && convGradient === 'swapped') {
      // wasm: moments off the tape and the closed-form BN gradient (see batchnorm.ts).
      const bn = batchNormTraining(h, block.gamma, block.beta, BN_EPSILON);
      moments?.push(separateMoments(bn.mean, bn.variance));
      return bn.y;
    }
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (training) {
      const m = tf.moments(h, [0, 1, 2]);
      mean = m.mean;
      variance = m.variance;
      moments?.push(separateMoments(mean, variance));
    } else {
      mean = block.movingMean;
      variance = block.movingVariance;
    }
    // Per-channel vectors are reshaped to rank 4: a rank-1 operand takes a slow shader path on webgpu.
    const c = block.gamma.shape[0];
    const scale = tf.mul(tf.reshape(block.gamma, [1, 1, 1, c]), tf.rsqrt(tf.add(tf.reshape(variance, [1, 1, 1, c]), BN_EPSILON)));
    return tf.add<tf.Tensor4D>(tf.mul(tf.sub(h, tf.reshape(mean, [1, 1, 1, c])), scale), tf.reshape(block.beta, [1, 1, 1, c]));
  }

  /** Logits z = f(x)·W + b: [B,D] → [B,C]. */
  head(embedding: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(embedding, this.headKernel), tf.reshape(this.headBias, [1, -1]));
  }

  /** Moving averages ← momentum·average + (1 − momentum)·batch moment (Keras's rule). */
  updateMovingAverages(moments: BatchMoments): void {
    const update = fused('movingAverage')
      ? (average: tf.Tensor1D, { rows, row }: ChannelRow) => movingAverage(average, rows, row, BN_MOMENTUM)
      : (average: tf.Tensor1D, { rows, row }: ChannelRow) => tf.add(tf.mul(average, BN_MOMENTUM), tf.mul(tf.reshape(tf.slice(rows, [row, 0], [1, -1]), [-1]), 1 - BN_MOMENTUM)) as tf.Tensor1D;
    tf.tidy(() => {
      moments.forEach((m, i) => {
        const b = this.blocks[i];
        b.movingMean.assign(update(b.movingMean, m.mean));
        b.movingVariance.assign(update(b.movingVariance, m.variance));
      });
    });
  }

  /** A copy of every variable (BN averages included), for best-checkpoint selection. */
  snapshot(): tf.Tensor[] {
    return this.allVariables().map((v) => tf.keep(v.clone()));
  }

  /** Loads a snapshot's values into the variables (the snapshot stays owned by the caller). */
  restore(snapshot: tf.Tensor[]): void {
    this.allVariables().forEach((v, i) => v.assign(snapshot[i]));
  }

  /** Copies the embedding part (convolutions and BN) from another network of the same width. */
  copyEmbeddingFrom(other: ConvNet): void {
    const mine = this.allVariables().slice(0, this.blocks.length * 5);
    const theirs = other.allVariables().slice(0, other.blocks.length * 5);
    mine.forEach((v, i) => v.assign(theirs[i]));
  }

  /**
   * The same network as a standard tfjs layers model (Conv2D, BatchNormalization, ReLU,
   * MaxPooling2D, GlobalAveragePooling2D named `embedding`, Dense named `head`), with these
   * weights: the format teachers are shipped in, loadable by any tfjs program.
   */
  toLayersModel(): tf.LayersModel {
    const model = tf.sequential();
    this.channels.forEach((c, i) => {
      model.add(tf.layers.conv2d({ name: `conv${i}`, filters: c, kernelSize: 3, padding: 'same', useBias: false, ...(i === 0 ? { inputShape: [...IMAGE_SHAPE] } : {}) }));
      model.add(tf.layers.batchNormalization({ name: `bn${i}`, momentum: BN_MOMENTUM, epsilon: BN_EPSILON }));
      model.add(tf.layers.reLU({ name: `relu${i}` }));
      if (i < this.channels.length - 1) model.add(tf.layers.maxPooling2d({ name: `pool${i}`, poolSize: 2, strides: 2 }));
    });
    model.add(tf.layers.globalAveragePooling2d({ name: 'embedding' }));
    model.add(tf.layers.dense({ name: 'head', units: this.spec.numClasses }));
    this.blocks.forEach((b, i) => {
      model.getLayer(`conv${i}`).setWeights([b.kernel]);
      model.getLayer(`bn${i}`).setWeights([b.gamma, b.beta, b.movingMean, b.movingVariance]);
    });
    model.getLayer('head').setWeights([this.headKernel, this.headBias]);
    return model;
  }

  dispose(): void {
    this.allVariables().forEach((v) => v.dispose());
  }
}
