/**
 * What a run reports: metric points streamed during training and the final result.
 * Plain data shared by the engine, the worker, the CLI and the UI.
 */
import type { ExperimentConfig, Method } from './config';
import type { TargetSharpness, TripletSampleRow } from './explorer';

export type StageId = 1 | 2;

/** Stage-1 triplet statistics of one batch (see core/losses/stage1.ts). */
export interface TripletStats {
  mined: number;
  anchorsWithTriplet: number;
  meanPT: number;
  meanPS: number;
  agreement: number;
  meanAbsDiff: number;
}

/** Means over one reporting interval of training steps (read back from the device once). */
export interface MetricsPoint {
  stage: StageId;
  /** Global step count at the end of the interval (stage 1 and stage 2 steps together). */
  step: number;
  epoch: number;
  learningRate: number;
  loss: number;
  /** Stage 1, REFILLED: triplet statistics of the interval's last step. */
  triplets?: TripletStats;
  /** Stage 1, RKD baseline: its two relational terms. */
  rkd?: { distance: number; angle: number };
  /** Stage 2: cross-entropy, the distillation term (unweighted) and its weight λ. */
  ce?: number;
  kd?: number;
  lambda?: number;
  trainAccuracy?: number;
  /** Explorer, REFILLED stage 1: a sample of the reporting step's mined triplets (the worker moves it to an explorer event). */
  tripletSample?: TripletSampleRow[];
  /** Explorer, REFILLED stage 2: how sharp the reporting step's targets q were. */
  teacherTargets?: TargetSharpness;
  stepMs: number;
}

/** A validation measurement (model selection uses these only). */
export interface EvalPoint {
  stage: StageId;
  step: number;
  epoch: number;
  /** NCM accuracy of the student's embedding on the validation split (centres from training images). */
  ncmValAccuracy: number;
  /** Head accuracy on the validation split (stage 2 only). */
  valAccuracy?: number;
}

export interface ProgressInfo {
  stage: StageId;
  stageStep: number;
  stageSteps: number;
  step: number;
  totalSteps: number;
  epoch: number;
  /** Estimated time left in the whole run, from the measured step times. */
  etaMs: number | null;
}

export interface TeacherBaselines {
  /** Classifiers of the student's test images on the teacher's frozen embedding. */
  ncmTestAccuracy: number;
  oneNnTestAccuracy: number;
  logisticRegressionTestAccuracy: number;
}

/**
 * The teacher's local classifier on the student's training images (stage 2's targets):
 * q = softmax(s/τ) over the student's classes, with centres from the training images.
 */
export interface TeacherLocalClassifier {
  /** τ* by temperature scaling (minimum NLL of the true labels on the training images). */
  calibratedTau: number;
  /** The temperature stage 2 applies to the teacher's scores, and the student's (1 when τ₂ is on the teacher only). */
  teacherTau: number;
  studentTau: number;
  /** q's mean max-probability, mean entropy (nats) and NLL at the teacher's temperature, and at τ*. */
  meanMaxProb: number;
  meanEntropy: number;
  calibratedMeanMaxProb: number;
  calibratedMeanEntropy: number;
  /** Share of training images whose highest teacher score is their class (any τ). */
  argmaxAccuracy: number;
  /** Mean L2 norm of the teacher's embedding of the training images. */
  meanEmbeddingNorm: number;
}

/**
 * Few-shot ("middle-shot") accuracy of an embedding: mean over `tasks` random N-way K-shot
 * tasks drawn from the test split, queries assigned to the nearest class centre (cosine to the
 * L2-normalised mean of the K support embeddings), with the 95 % interval of the mean.
 */
export interface EpisodicAccuracy {
  /** N: classes per task. */
  ways: number;
  /** K: support images per class. */
  shots: number;
  /** Query images per class and task. */
  queries: number;
  tasks: number;
  /** Mean query accuracy over the tasks (0…1). */
  mean: number;
  /** Half-width of the Student-t 95 % interval of the mean. */
  halfWidth: number;
}

export interface ExperimentResult {
  config: ExperimentConfig;
  method: Method;
  seed: number;
  backend: string;
  classNames: string[];
  counts: { train: number; val: number; test: number };
  /** The teacher's NCM accuracy on the student's validation images: the reference line. */
  teacherNcmValAccuracy: number;
  teacherBaselines?: TeacherBaselines;
  /** REFILLED: what the teacher's local classifier looks like at the temperatures used. */
  teacherLocal?: TeacherLocalClassifier;
  stage1?: {
    /** NCM accuracy on the test split of the checkpoint chosen on validation NCM. */
    ncmAccuracy: number;
    ncmValAccuracy: number;
    bestStep: number;
    steps: number;
    /** NMI between k-means (k = classes) of the chosen checkpoint's L2-normalised test embeddings and the labels. */
    nmi?: number;
  };
  final: {
    valAccuracy: number;
    testAccuracy: number;
    /** NCM accuracy of the final student's embedding on the test split. */
    ncmTestAccuracy: number;
    perClassAccuracy: number[];
    /** confusion[true][predicted] on the test split. */
    confusion: number[][];
    bestStep: number;
    steps: number;
    /** NMI of the final student's test embeddings, clustered as after stage 1. */
    nmi?: number;
    /** Episodic N-way K-shot accuracy on the final student's test embeddings, one entry per K. */
    episodic?: EpisodicAccuracy[];
  };
  series: { metrics: MetricsPoint[]; evals: EvalPoint[] };
  timing: {
    totalMs: number;
    teacherCacheMs: number;
    stage1Ms: number;
    stage2Ms: number;
    msPerStep: number;
  };
  /** Device → JavaScript reads over the whole run. */
  readbacks: number;
}
