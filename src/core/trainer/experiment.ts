import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../protocol/config';
import type { EvalPoint, ExperimentResult, MetricsPoint, ProgressInfo, StageId, TeacherBaselines, TeacherLocalClassifier } from '../../protocol/results';
import { Augmenter } from '../data/augment';
import type { ExperimentSplits } from '../data/splits';
import { DEFAULT_EPISODES, evaluateEmbedding } from '../eval';
import { accuracy, classCentres, confusionMatrix, measureTeacherLocalClassifier, ncmPredict, oneNnPredict, teacherDistances, trainLogisticRegression } from '../losses';
import { autoConvGradient, type ConvGradientMode } from '../model/conv';
import { ConvNet, IMAGE_SHAPE, momentTensors, type BatchMoments } from '../model/convnet';
import type { Teacher } from '../model/teacher';
import { CountedRng, shuffleInPlace } from '../random';
import { checkCheckpointFits, CHECKPOINT_FORMAT, checkpointKey, readTensorGroups, tensorsOf, type TrainingCheckpoint } from './checkpoint';
import { mapInChunks, ReadbackCounter } from './evaluate';
import { methodEntry, type BatchContext, type MethodEntry, type Objective } from './objectives';
import { learningRateAt, Optimizer } from './optimizer';

/** Training sets up to this size keep the teacher's pairwise distances [N, N] (16 MB at most). */
const MAX_CACHED_DISTANCES = 2048;

/** The run diverged: a loss read back as NaN or ±Infinity. */
export class DivergenceError extends Error {
  readonly code = 'run-diverged';
  constructor(readonly stage: StageId, readonly step: number) {
    super(`The loss became NaN or infinite in stage ${stage} by step ${step}. Lower the learning rate (or w₁ / λ) and run again.`);
    this.name = 'DivergenceError';
  }
}

export interface ExperimentHooks {
  onMetrics?: (point: MetricsPoint) => void;
  onEval?: (point: EvalPoint) => void;
  onProgress?: (progress: ProgressInfo) => void;
}

export interface ExperimentOptions {
  backend: string;
  classNames: string[];
  /** Also fit 1-NN, NCM and logistic regression on the teacher's embedding (slower). */
  teacherBaselines?: boolean;
  /** Steps between validation evaluations (and at the end of every stage). Default: 4 × the report interval. */
  evalIntervalSteps?: number;
  /** Rows per forward chunk when embedding whole splits. */
  evalChunk?: number;
  /** Episodic N-way K-shot tasks per K on the final test embedding (0: none). Default 500. */
  episodes?: number;
}

export interface SplitTensors {
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
  count: number;
  labelArray: Int32Array;
}

function toSplitTensors(split: ExperimentSplits['train']): SplitTensors {
  return {
    images: tf.tensor4d(split.images, [split.count, ...IMAGE_SHAPE]),
    labels: tf.tensor1d(split.labels, 'int32'),
    count: split.count,
    labelArray: split.labels,
  };
}

/**
 * One experiment: a method (REFILLED or a baseline) run on one split with one seed.
 * Driven step by step (`step()`), so a worker can pause, resume, step N and stop between
 * steps; `runToEnd()` is the headless loop. All per-step metrics accumulate on the device
 * and are read back once per reporting interval.
 */
export class Experiment {
  readonly readbacks = new ReadbackCounter();
  readonly student: ConvNet;
  readonly convGradient: ConvGradientMode;
  readonly stage1Steps: number;
  readonly stage2Steps: number;
  readonly stepsPerEpoch: number;
  readonly batchSize: number;
  readonly metrics: MetricsPoint[] = [];
  readonly evals: EvalPoint[] = [];
  /** Set by the explorer's probe: reporting steps then also sample triplets and the targets' sharpness. */
  explore = false;

  private readonly numClasses: number;
  /** What the configured method minimises in each stage (objectives.ts). */
  private readonly method: MethodEntry;
  /** τ₂ of stage 2, resolved once per run. */
  /** Stage 2's temperatures of the student and of the teacher, resolved once (τ₂ = auto, teacherTau). */
  private tau2 = 1;
  private teacherTau = 1;
  private readonly train: SplitTensors;
  private readonly val: SplitTensors;
  private readonly test: SplitTensors;
  private readonly batchRng: CountedRng;
  /** Shifts and flips of the training batches (a no-op unless the config turns them on). */
  private readonly augmenter: Augmenter;
  private readonly evalIntervalSteps: number;
  private readonly evalChunk: number;
  private optimizer: Optimizer;
  private stageValue: StageId | 'done' = 1;
  private stageStep = 0;
  private order: number[] = [];
  private accumulator: tf.Tensor1D | null = null;
  private accumulatedSteps = 0;
  /** The reporting step's `probe` tensor (an objective's extra, read back with the statistics). */
  private probe: tf.Tensor | null = null;
  private intervalStartMs = 0;
  private best: { score: number; step: number; snapshot: tf.Tensor[] } | null = null;
  private stage1Summary: ExperimentResult['stage1'];
  private stageStartMs = 0;
  private stageMs: Record<StageId, number> = { 1: 0, 2: 0 };
  private measuredStepMs: number[] = [];
  private startMs: number;

  // Cached once per run: the teacher is frozen.
  private teacherTrainEmb: tf.Tensor2D;
  private globalCentres: tf.Tensor2D | null = null;
  private teacherTrainLogits: tf.Tensor2D | null = null;
  /** d_T [N, N] of the training set (the `trainDistances` cache): a stage-1 batch gathers its rows and columns. */
  private teacherTrainDist: tf.Tensor2D | null = null;
  readonly teacherCacheMs: number;
  teacherNcmValAccuracy = 0;
  private teacherBaselines?: TeacherBaselines;
  /** REFILLED stage 2: the teacher's local classifier and the temperatures resolved from the config. */
  teacherLocal?: TeacherLocalClassifier;

  private constructor(
    readonly config: ExperimentConfig,
    splits: ExperimentSplits,
    private readonly teacher: Teacher,
    private readonly options: ExperimentOptions,
    private readonly hooks: ExperimentHooks,
  ) {
    this.startMs = performance.now();
    this.numClasses = config.studentClasses.length;
    this.method = methodEntry(config.method);
    if (typeof config.stage2.tau2 === 'number') this.tau2 = this.teacherTau = config.stage2.tau2;
    this.train = toSplitTensors(splits.train);
    this.val = toSplitTensors(splits.val);
    this.test = toSplitTensors(splits.test);
    this.batchSize = Math.min(config.batchSize, this.train.count);
    this.stepsPerEpoch = Math.max(1, Math.floor(this.train.count / this.batchSize));
    this.stage1Steps = this.method.stage1 ? config.stage1.epochs * this.stepsPerEpoch : 0;
    this.stage2Steps = config.stage2.epochs * this.stepsPerEpoch;
    this.stageValue = this.stage1Steps > 0 ? 1 : 2;
    this.batchRng = new CountedRng(config.seed, 'batches');
    this.augmenter = new Augmenter(config.augment, config.seed);
    this.evalIntervalSteps = options.evalIntervalSteps ?? config.runtime.reportIntervalSteps * 4;
    this.evalChunk = options.evalChunk ?? 128;
    this.convGradient = config.runtime.convGradient === 'auto' ? autoConvGradient(options.backend) : config.runtime.convGradient;
    this.student = new ConvNet({ widthMultiplier: config.studentWidth, numClasses: this.numClasses, seed: config.seed });
    this.optimizer = new Optimizer(config.optimizer);

    const t0 = performance.now();
    this.teacherTrainEmb = tf.keep(mapInChunks(this.train.images, this.evalChunk, (x) => teacher.embed(x)));
    const caches = this.method.teacherCaches(config);
    if (caches.includes('globalCentres')) this.globalCentres = tf.keep(classCentres(this.teacherTrainEmb, this.train.labels, this.numClasses));
    if (caches.includes('trainLogits')) this.teacherTrainLogits = tf.keep(this.teacherLogitsInStudentOrder(this.train.images));
    // [N, N] floats: kept up to 2,048 training images (16 MB); larger sets compute each batch's.
    if (caches.includes('trainDistances') && this.train.count <= MAX_CACHED_DISTANCES) this.teacherTrainDist = tf.keep(tf.tidy(() => teacherDistances(this.teacherTrainEmb)));
    this.teacherCacheMs = performance.now() - t0;
  }

  /** Builds the experiment: uploads the splits, caches the teacher's embeddings, measures the teacher's reference. */
  static async create(config: ExperimentConfig, splits: ExperimentSplits, teacher: Teacher, options: ExperimentOptions, hooks: ExperimentHooks = {}): Promise<Experiment> {
    const exp = new Experiment(config, splits, teacher, options, hooks);
    await exp.measureTeacher();
    return exp;
  }

  get stage(): StageId | 'done' {
    return this.stageValue;
  }

  get totalSteps(): number {
    return this.stage1Steps + this.stage2Steps;
  }

  get globalStep(): number {
    return (this.stageValue === 2 ? this.stage1Steps : 0) + (this.stageValue === 'done' ? this.totalSteps : this.stageStep);
  }

  private get stageSteps(): number {
    return this.stageValue === 1 ? this.stage1Steps : this.stage2Steps;
  }

  private get epoch(): number {
    return Math.floor(this.stageStep / this.stepsPerEpoch);
  }

  /** The teacher's logits of `images` [N,…] as columns in the student's class order: [N, C]. */
  private teacherLogitsInStudentOrder(images: tf.Tensor4D, chunked = true): tf.Tensor2D {
    const teacherClasses = this.config.teacherClasses;
    const columns = this.config.studentClasses.map((c) => teacherClasses.indexOf(c));
    return tf.tidy(() => tf.gather(chunked ? mapInChunks(images, this.evalChunk, (x) => this.teacher.logits(x)) : this.teacher.logits(images), columns, 1));
  }

  private async measureTeacher(): Promise<void> {
    const acc = tf.tidy(() => {
      const valEmb = mapInChunks(this.val.images, this.evalChunk, (x) => this.teacher.embed(x));
      return accuracy(ncmPredict(this.teacherTrainEmb, this.train.labels, this.numClasses, valEmb), this.val.labels);
    });
    this.teacherNcmValAccuracy = (await this.readbacks.read(acc))[0];
    acc.dispose();
    if (this.config.method === 'refilled') {
      this.teacherLocal = await measureTeacherLocalClassifier(this.teacherTrainEmb, this.train.labels, this.numClasses, this.config.stage2, (t) => this.readbacks.read(t));
      this.tau2 = this.teacherLocal.studentTau;
      this.teacherTau = this.teacherLocal.teacherTau;
    }
    if (!this.options.teacherBaselines) return;
    const lr = trainLogisticRegression(this.teacherTrainEmb, this.train.labels, this.numClasses, { epochs: 300, learningRate: 0.1, l2: 1e-4, seed: this.config.seed });
    const accs = tf.tidy(() => {
      const testEmb = mapInChunks(this.test.images, this.evalChunk, (x) => this.teacher.embed(x));
      return tf.stack([
        accuracy(ncmPredict(this.teacherTrainEmb, this.train.labels, this.numClasses, testEmb), this.test.labels),
        accuracy(oneNnPredict(this.teacherTrainEmb, this.train.labels, testEmb), this.test.labels),
        accuracy(lr.predict(testEmb), this.test.labels),
      ]);
    });
    lr.weights.dispose();
    lr.bias.dispose();
    const [ncm, oneNn, logistic] = await this.readbacks.read(accs);
    accs.dispose();
    this.teacherBaselines = { ncmTestAccuracy: ncm, oneNnTestAccuracy: oneNn, logisticRegressionTestAccuracy: logistic };
  }

  /** Indices of the next batch (a fresh seeded permutation every epoch; the remainder is dropped). */
  private nextBatch(): number[] {
    if (this.order.length < this.batchSize) {
      this.order = shuffleInPlace(
        Array.from({ length: this.train.count }, (_, i) => i),
        this.batchRng.next,
      );
    }
    return this.order.splice(0, this.batchSize);
  }

  /** One training step of the current stage; reads back only at reporting and evaluation intervals. */
  async step(): Promise<void> {
    if (this.stageValue === 'done') return;
    if (this.stageStep === 0) this.startStage();
    const stage = this.stageValue;
    let lr = learningRateAt(stage === 1 ? this.config.stage1 : this.config.stage2, this.stageStep, this.stageSteps);
    // A large λ multiplies the distillation gradient; `scaled` divides the step by (1 + λ_e) instead.
    if (stage === 2 && this.config.stage2.lambdaLr === 'scaled') lr /= 1 + this.method.lambda(this.config, this.epoch);
    const indices = this.nextBatch();
    // Triplet statistics are sampled on the step that reports (they are read once per interval).
    const reportsNow = this.accumulatedSteps + 1 >= this.config.runtime.reportIntervalSteps || this.stageStep + 1 >= this.stageSteps;
    const stats = stage === 1 ? this.stage1Step(indices, lr, reportsNow) : this.stage2Step(indices, lr, reportsNow);
    const previous = this.accumulator;
    this.accumulator = tf.keep(previous ? tf.add<tf.Tensor1D>(previous, stats) : stats.clone());
    previous?.dispose();
    stats.dispose();
    this.accumulatedSteps += 1;
    this.stageStep += 1;

    const endOfStage = this.stageStep >= this.stageSteps;
    if (this.accumulatedSteps >= this.config.runtime.reportIntervalSteps || endOfStage) await this.report(stage, lr);
    if (this.stageStep % this.evalIntervalSteps === 0 || endOfStage) await this.evaluate(stage);
    if (endOfStage) await this.endStage(stage);
    // Step times exclude evaluation: the next interval starts after it.
    this.intervalStartMs = performance.now();
  }

  /**
   * Waits until the device has finished every queued step (one tiny read-back). The GPU runs
   * asynchronously, so a benchmark must call this before reading the clock.
   */
  async sync(): Promise<void> {
    // A variable the last step wrote (the embedding's last one is updated in both stages): a
    // tensor the step did not touch may answer from a cached copy without waiting for the GPU.
    const variables = this.student.embeddingVariables();
    const probe = tf.slice(variables[variables.length - 1], [0], [1]);
    await this.readbacks.read(probe);
    probe.dispose();
  }

  /** Runs until the experiment is done (or `shouldStop` says so between steps). */
  async runToEnd(shouldStop: () => boolean = () => false): Promise<ExperimentResult | null> {
    while (this.stageValue !== 'done') {
      if (shouldStop()) return null;
      await this.step();
    }
    return this.result();
  }

  private startStage(): void {
    this.stageStartMs = performance.now();
    this.intervalStartMs = this.stageStartMs;
    this.order = [];
  }

  /**
   * The batch's images as the student sees them (augmented when augmentation is on) and
   * labels, and what an objective may ask of the teacher about those same images, computed on
   * demand inside the caller's tidy: rows of the cached training-set quantities, or, for an
   * augmented batch, the teacher's forward pass of it (see data/augment.ts for why).
   */
  private batchContext(indices: number[], withStats: boolean): { x: tf.Tensor4D; ctx: BatchContext } {
    const idx = tf.tensor1d(indices, 'int32');
    const augmented = this.augmenter.active;
    const x = this.augmenter.apply(tf.gather(this.train.images, idx));
    const labels = tf.gather(this.train.labels, idx);
    let teacherEmb: tf.Tensor2D | null = null;
    let teacherDist: tf.Tensor2D | null = null;
    const ctx: BatchContext = {
      config: this.config,
      numClasses: this.numClasses,
      labels,
      rows: idx,
      teacherEmb: () => (teacherEmb ??= augmented ? this.teacher.embed(x) : tf.gather(this.teacherTrainEmb, idx)),
      teacherDist: () => (teacherDist ??= !augmented && this.teacherTrainDist ? tf.gather(tf.gather(this.teacherTrainDist, idx), idx, 1) : teacherDistances(ctx.teacherEmb())),
      teacherLogits: () => {
        if (!this.teacherTrainLogits) throw new Error(`method ${this.config.method} reads the teacher's logits but does not declare the trainLogits cache`);
        return augmented ? this.teacherLogitsInStudentOrder(x, false) : tf.gather(this.teacherTrainLogits, idx);
      },
      globalCentres: this.globalCentres,
      tau2: this.tau2,
      teacherTau: this.teacherTau,
      lambda: this.method.lambda(this.config, this.epoch),
      withStats,
      explore: this.explore,
    };
    return { x, ctx };
  }

  /** The statistics of an objective's result, stacked in the order the objective names them: [S]. */
  private static stack(objective: Objective, stats: Record<string, tf.Scalar>): tf.Tensor1D {
    return tf.stack(objective.stats.map((k) => stats[k])) as tf.Tensor1D;
  }

  /**
   * One optimisation step: `loss` gets the student's training-mode embedding function and
   * returns the scalar to minimise with the statistics vector to accumulate; the variable
   * groups are updated with their learning rates, then the BN moving averages. Everything
   * but the statistics is freed.
   */
  private optimise(groups: { variables: tf.Variable[]; learningRate: number }[], loss: (embed: (x: tf.Tensor4D) => tf.Tensor2D) => { loss: tf.Scalar; stats: tf.Tensor1D }): tf.Tensor1D {
    const moments: BatchMoments = [];
    let stats: tf.Tensor1D | null = null;
    tf.tidy(() => {
      const embed = (x: tf.Tensor4D) => {
        const emb = this.student.embed(x, true, this.convGradient, moments);
        // The batch moments outlive the gradient's scope: the moving averages need them.
        momentTensors(moments).forEach((m) => tf.keep(m));
        return emb;
      };
      const { grads } = tf.variableGrads(() => {
        const r = loss(embed);
        stats = tf.keep(r.stats);
        return r.loss;
      }, groups.flatMap((g) => g.variables));
      this.optimizer.apply(groups, grads);
      this.student.updateMovingAverages(moments);
    });
    tf.dispose(momentTensors(moments));
    if (!stats) throw new Error('the training step produced no statistics');
    return stats;
  }

  private stage1Step(indices: number[], lr: number, withStats: boolean): tf.Tensor1D {
    const objective = this.method.stage1;
    if (!objective) throw new Error(`method ${this.config.method} has no stage 1`);
    return this.optimise([{ variables: this.student.embeddingVariables(), learningRate: lr }], (embed) => {
      const { x, ctx } = this.batchContext(indices, withStats);
      const r = objective.compute(ctx, embed(x));
      this.keepProbe(r.probe);
      return { loss: r.loss, stats: Experiment.stack(objective, r.stats) };
    });
  }

  private keepProbe(probe: tf.Tensor | undefined): void {
    if (!probe) return;
    this.probe?.dispose();
    this.probe = tf.keep(tf.reshape(probe, [-1]));
  }

  private stage2Step(indices: number[], lr: number, withStats: boolean): tf.Tensor1D {
    const objective = this.method.stage2;
    // After stage 1 the embedding is fine-tuned at a fraction of the head's rate (reference code: 0.1).
    const embeddingScale = this.stage1Steps > 0 ? this.config.stage2.embeddingLrScale : 1;
    const groups = [
      { variables: this.student.embeddingVariables(), learningRate: lr * embeddingScale },
      { variables: [this.student.headKernel, this.student.headBias], learningRate: lr },
    ];
    return this.optimise(groups, (embed) => {
      const { x, ctx } = this.batchContext(indices, withStats);
      const r = objective.compute(ctx, this.student.head(embed(x)));
      this.keepProbe(r.probe);
      return { loss: r.loss, stats: Experiment.stack(objective, r.stats) };
    });
  }

  /** Reads the interval's accumulated metrics (one read-back) and emits a MetricsPoint. */
  private async report(stage: StageId, lr: number): Promise<void> {
    const acc = this.accumulator;
    const steps = this.accumulatedSteps;
    this.accumulator = null;
    this.accumulatedSteps = 0;
    const probe = this.probe;
    this.probe = null;
    if (!acc) return;
    // The objective's probe rides on the same read-back as the statistics.
    const both = probe ? tf.concat([acc, probe]) : acc;
    const all = Array.from(await this.readbacks.read(both));
    if (probe) both.dispose();
    probe?.dispose();
    const values = all.slice(0, acc.size).map((v) => v / steps);
    const probeValues = all.slice(acc.size);
    acc.dispose();
    const now = performance.now();
    const stepMs = (now - this.intervalStartMs) / steps;
    this.measuredStepMs.push(stepMs);
    if (!Number.isFinite(values[0])) throw new DivergenceError(stage, this.globalStep);
    const objective = stage === 1 ? this.method.stage1 : this.method.stage2;
    const point: MetricsPoint = { stage, step: this.globalStep, epoch: this.epoch, learningRate: lr, loss: values[0], stepMs };
    objective?.report(Object.fromEntries((objective?.stats ?? []).map((k, i) => [k, values[i]])), steps, point, probeValues);
    if (stage === 2) point.lambda = this.method.lambda(this.config, this.epoch);
    this.metrics.push(point);
    this.hooks.onMetrics?.(point);
    this.hooks.onProgress?.(this.progress());
  }

  /** Progress with an ETA from the mean measured step time. */
  progress(): ProgressInfo {
    const recent = this.measuredStepMs.slice(-10);
    const meanMs = recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : null;
    const step = this.globalStep;
    return {
      stage: this.stageValue === 'done' ? 2 : this.stageValue,
      stageStep: this.stageStep,
      stageSteps: this.stageSteps,
      step,
      totalSteps: this.totalSteps,
      epoch: this.epoch,
      etaMs: meanMs === null ? null : meanMs * (this.totalSteps - step),
    };
  }

  /** Student embeddings of a split in inference mode: [N,D]. */
  private embedSplit(split: SplitTensors): tf.Tensor2D {
    return mapInChunks(split.images, this.evalChunk, (x) => this.student.embed(x, false, this.convGradient));
  }

  /** Validation NCM (and head accuracy in stage 2); keeps the best checkpoint of the stage. */
  private async evaluate(stage: StageId): Promise<void> {
    const accs = tf.tidy(() => {
      const trainEmb = this.embedSplit(this.train);
      const valEmb = this.embedSplit(this.val);
      const ncm = accuracy(ncmPredict(trainEmb, this.train.labels, this.numClasses, valEmb), this.val.labels);
      const head = stage === 2 ? accuracy(tf.argMax(this.student.head(valEmb), 1), this.val.labels) : tf.scalar(0);
      return tf.stack([ncm, head]);
    });
    const [ncmValAccuracy, valAccuracy] = await this.readbacks.read(accs);
    accs.dispose();
    const point: EvalPoint = { stage, step: this.globalStep, epoch: this.epoch, ncmValAccuracy };
    if (stage === 2) point.valAccuracy = valAccuracy;
    this.evals.push(point);
    this.hooks.onEval?.(point);
    const score = stage === 1 ? ncmValAccuracy : valAccuracy;
    if (!this.best || score > this.best.score) {
      this.best?.snapshot.forEach((t) => t.dispose());
      this.best = { score, step: this.globalStep, snapshot: this.student.snapshot() };
    }
  }

  private async endStage(stage: StageId): Promise<void> {
    this.stageMs[stage] = performance.now() - this.stageStartMs;
    if (this.best) this.student.restore(this.best.snapshot);
    if (stage === 1) {
      const testEmb = this.embedSplit(this.test);
      const ncmTest = tf.tidy(() => accuracy(ncmPredict(this.embedSplit(this.train), this.train.labels, this.numClasses, testEmb), this.test.labels));
      const { nmi } = await evaluateEmbedding(() => testEmb, this.test.labelArray, this.readbacks, { numClasses: this.numClasses, seed: this.config.seed, stream: 'stage1' });
      this.stage1Summary = { ncmAccuracy: (await this.readbacks.read(ncmTest))[0], ncmValAccuracy: this.best?.score ?? 0, bestStep: this.best?.step ?? 0, steps: this.stage1Steps, nmi };
      ncmTest.dispose();
      this.dropBest();
      // Stage 2 starts from the stage-1 embedding with fresh optimiser state.
      this.optimizer.dispose();
      this.optimizer = new Optimizer(this.config.optimizer);
      this.stageValue = 2;
      this.stageStep = 0;
    } else {
      this.stageValue = 'done';
    }
  }

  private dropBest(): void {
    this.best?.snapshot.forEach((t) => t.dispose());
    this.best = null;
  }

  /** Final evaluation on the test split, with the checkpoint chosen on validation. */
  async result(): Promise<ExperimentResult> {
    if (this.stageValue !== 'done') throw new Error('The experiment has not finished.');
    const bestStep = this.best?.step ?? this.totalSteps;
    const valAccuracy = this.best?.score ?? 0;
    const testEmb = this.embedSplit(this.test);
    const out = tf.tidy(() => {
      const trainEmb = this.embedSplit(this.train);
      const pred = tf.argMax(this.student.head(testEmb), 1) as tf.Tensor1D;
      const ncm = accuracy(ncmPredict(trainEmb, this.train.labels, this.numClasses, testEmb), this.test.labels);
      const confusion = tf.cast(confusionMatrix(pred, this.test.labels, this.numClasses), 'float32');
      return tf.concat([tf.reshape(ncm, [1]), tf.reshape(confusion, [-1])]);
    });
    const values = Array.from(await this.readbacks.read(out));
    out.dispose();
    const testEval = await evaluateEmbedding(() => testEmb, this.test.labelArray, this.readbacks, { numClasses: this.numClasses, seed: this.config.seed, stream: 'final', episodes: this.options.episodes ?? DEFAULT_EPISODES });
    const c = this.numClasses;
    const confusion = Array.from({ length: c }, (_, i) => values.slice(1 + i * c, 1 + (i + 1) * c));
    const correct = confusion.reduce((n, row, i) => n + row[i], 0);
    const total = confusion.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0);
    const totalMs = performance.now() - this.startMs;
    const steps = this.totalSteps;
    return {
      config: this.config,
      method: this.config.method,
      seed: this.config.seed,
      backend: this.options.backend,
      classNames: this.options.classNames,
      counts: { train: this.train.count, val: this.val.count, test: this.test.count },
      teacherNcmValAccuracy: this.teacherNcmValAccuracy,
      ...(this.teacherBaselines ? { teacherBaselines: this.teacherBaselines } : {}),
      ...(this.teacherLocal ? { teacherLocal: this.teacherLocal } : {}),
      ...(this.stage1Summary ? { stage1: this.stage1Summary } : {}),
      final: {
        valAccuracy,
        testAccuracy: total > 0 ? correct / total : 0,
        ncmTestAccuracy: values[0],
        perClassAccuracy: confusion.map((row, i) => row[i] / Math.max(1, row.reduce((a, b) => a + b, 0))),
        confusion,
        bestStep,
        steps: this.stage2Steps,
        nmi: testEval.nmi,
        ...(testEval.episodic ? { episodic: testEval.episodic } : {}),
      },
      series: { metrics: this.metrics, evals: this.evals },
      timing: {
        totalMs,
        teacherCacheMs: this.teacherCacheMs,
        stage1Ms: this.stageMs[1],
        stage2Ms: this.stageMs[2],
        msPerStep: steps > 0 ? (this.stageMs[1] + this.stageMs[2]) / steps : 0,
      },
      readbacks: this.readbacks.count,
    };
  }

  /** True between reporting intervals (right after a step that reported): a checkpoint may be taken. */
  get atReport(): boolean {
    return this.stageValue !== 'done' && this.accumulatedSteps === 0 && this.accumulator === null;
  }

  /**
   * The training state as plain data (checkpoint.ts), in one read-back counted like any other.
   * Only between reporting intervals (`atReport`), so that nothing accumulated is lost.
   */
  async checkpoint(): Promise<TrainingCheckpoint> {
    if (this.stageValue === 'done' || !this.atReport) throw new Error('A checkpoint is taken between reporting intervals of a running experiment.');
    const stage = this.stageValue;
    const opt = this.optimizer.stateTensors();
    const [variables, best, ...slots] = await readTensorGroups([this.student.allVariables(), this.best?.snapshot ?? [], ...opt.slots.map((s) => s.variables)], (t) => this.readbacks.read(t));
    const now = performance.now();
    return {
      format: CHECKPOINT_FORMAT,
      configKey: checkpointKey(this.config),
      stage,
      stageStep: this.stageStep,
      globalStep: this.globalStep,
      variables,
      optimizer: { steps: opt.steps, slots: opt.slots.map((s, i) => ({ group: s.group, values: slots[i] })) },
      best: this.best ? { score: this.best.score, step: this.best.step, variables: best } : null,
      batchDraws: this.batchRng.draws,
      batchOrder: [...this.order],
      augmentDraws: this.augmenter.stream.draws,
      ...(this.stage1Summary ? { stage1Summary: structuredClone(this.stage1Summary) } : {}),
      stageMs: { ...this.stageMs },
      stageElapsedMs: now - this.stageStartMs,
      elapsedMs: now - this.startMs,
      measuredStepMs: this.measuredStepMs.slice(-10),
      metrics: structuredClone(this.metrics),
      evals: structuredClone(this.evals),
      readbacks: this.readbacks.count,
    };
  }

  /** Continues from `checkpoint` (taken on any backend): call on a freshly created experiment of the same config. */
  restore(checkpoint: TrainingCheckpoint): void {
    const vars = this.student.allVariables();
    const shapes = vars.map((v) => v.shape);
    checkCheckpointFits(checkpoint, this.config, shapes);
    if (this.globalStep !== 0 || this.batchRng.draws !== 0) throw new Error('A checkpoint restores only into a freshly created experiment.');
    const values = tensorsOf(checkpoint.variables, shapes);
    this.student.restore(values);
    values.forEach((t) => t.dispose());
    this.optimizer.importState(checkpoint.optimizer);
    this.best = checkpoint.best ? { score: checkpoint.best.score, step: checkpoint.best.step, snapshot: tensorsOf(checkpoint.best.variables, shapes) } : null;
    this.stageValue = checkpoint.stage;
    this.stageStep = checkpoint.stageStep;
    this.batchRng.skipTo(checkpoint.batchDraws);
    this.order = [...checkpoint.batchOrder];
    this.augmenter.stream.skipTo(checkpoint.augmentDraws);
    this.stage1Summary = checkpoint.stage1Summary ? structuredClone(checkpoint.stage1Summary) : undefined;
    this.stageMs = { ...checkpoint.stageMs };
    const now = performance.now();
    this.stageStartMs = now - checkpoint.stageElapsedMs;
    this.intervalStartMs = now;
    this.startMs = now - checkpoint.elapsedMs;
    this.measuredStepMs = [...checkpoint.measuredStepMs];
    this.metrics.splice(0, this.metrics.length, ...structuredClone(checkpoint.metrics));
    this.evals.splice(0, this.evals.length, ...structuredClone(checkpoint.evals));
    this.readbacks.count += checkpoint.readbacks;
  }

  /** Images in the run's train, validation and test splits. */
  get splitCounts(): { train: number; val: number; test: number } {
    return { train: this.train.count, val: this.val.count, test: this.test.count };
  }

  /**
   * Embeddings of at most `limit` validation images, for the embedding picture: the
   * student's (inference mode) or the frozen teacher's, [n,D], with the images' labels.
   * The images are an even stride through the split (grouped by class), so every class
   * shows; the same `limit` always gives the same shapes.
   */
  embedValidation(who: 'student' | 'teacher' = 'student', limit = 300): { embeddings: tf.Tensor2D; labels: number[] } {
    const n = Math.min(limit, this.val.count);
    const rows = Array.from({ length: n }, (_, i) => Math.floor((i * this.val.count) / n));
    const labels = rows.map((i) => this.val.labelArray[i]);
    const embeddings = tf.tidy(() => {
      const images = n === this.val.count ? this.val.images : tf.gather(this.val.images, rows);
      return mapInChunks(images, this.evalChunk, (x) => (who === 'student' ? this.student.embed(x, false, this.convGradient) : this.teacher.embed(x)));
    });
    return { embeddings, labels };
  }

  /**
   * What the explorer reads of the run: the splits' images and labels, the frozen teacher with
   * its cached f_T of the training set, and stage 2's resolved temperatures. Owned by the
   * experiment: read them, never dispose them.
   */
  explorerView(): { train: SplitTensors; val: SplitTensors; teacher: Teacher; teacherTrainEmb: tf.Tensor2D; tau2: number; teacherTau: number; convGradient: ConvGradientMode } {
    return { train: this.train, val: this.val, teacher: this.teacher, teacherTrainEmb: this.teacherTrainEmb, tau2: this.tau2, teacherTau: this.teacherTau, convGradient: this.convGradient };
  }

  /** Frees every tensor the experiment holds (the teacher stays with its owner). */
  dispose(): void {
    this.accumulator?.dispose();
    this.probe?.dispose();
    this.dropBest();
    this.optimizer.dispose();
    this.student.dispose();
    for (const t of [this.train, this.val, this.test]) {
      t.images.dispose();
      t.labels.dispose();
    }
    this.teacherTrainEmb.dispose();
    this.globalCentres?.dispose();
    this.teacherTrainLogits?.dispose();
    this.teacherTrainDist?.dispose();
  }
}
