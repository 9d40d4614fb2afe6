/**
 * Messages between the page and the training worker. One discriminant, `type`, in both
 * directions; every run-scoped message carries the `runId` it belongs to, so that late
 * messages of a stopped run are dropped.
 */
import type { ExperimentConfig } from './config';
import type { StudentModel } from './runFileIo';
import type { ExplorerEvent, ExplorerRequest } from './explorer';
import type { ProbeInit, ProbeSummary } from './probe';
import type { ResumeCause } from './resume';
import type { EvalPoint, ExperimentResult, MetricsPoint, ProgressInfo, StageId } from './results';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Page → worker. */
export type WorkerRequest =
  /**
   * First message to a fresh worker: picks the tfjs backend (`null`: the best available)
   * and where the app's static files are; answered by 'ready'. A worker that receives
   * another message first initialises itself with the defaults.
   */
  | { type: 'init'; backend: BackendName | null; baseUrl?: string; options?: WorkerInitOptions }
  /** Sets the configuration of the next run and loads what it needs (data, teacher). */
  | { type: 'configure'; runId: number; config: ExperimentConfig }
  /** Starts (or continues) the configured run until it ends. */
  | { type: 'start'; runId: number }
  | { type: 'pause'; runId: number }
  | { type: 'resume'; runId: number }
  /** Runs N more steps of the given stage, then pauses (stage 2 first finishes stage 1). */
  | { type: 'step'; runId: number; stage: StageId; steps: number }
  /** Ends the run; its partial series stay with the page. */
  | { type: 'stop'; runId: number }
  /** Stops and frees everything of the run. */
  | { type: 'reset'; runId: number }
  /** Reports the backend and live tensor count, without a run. */
  | { type: 'ping' }
  /** Asks for a finished run's trained student (the selected checkpoint), answered by 'student'. */
  | { type: 'get-student'; runId: number }
  /**
   * Moves the worker to `backend`: a live run takes a checkpoint at its next reporting step
   * and continues there from it (answered by 'resumed'); between runs, only 'ready'.
   */
  | { type: 'switch-backend'; backend: BackendName }
  /** The explorer panels: which triplets to follow and which validation image to inspect. */
  | ExplorerRequest;

/** Switches of a worker, set once by 'init'. */
export interface WorkerInitOptions {
  /** Test-only: behave as if the browser had no WebGPU (the worker has its own `navigator`). */
  disableWebGpu?: boolean;
  /**
   * tfjs's WEBGPU_CONV_SEPARATE_IM2COL_SHADER. `null`/absent: on for software adapters
   * (SwiftShader, where it was measured to halve a step), tfjs's default elsewhere.
   */
  webgpuSeparateIm2col?: boolean | null;
  /** Compute the 2-D PCA embedding pictures (default true). */
  embeddings?: boolean;
  /** WebAssembly threads on a cross-origin isolated page (default: tfjs's, half the cores, at most 4; 1: single-threaded). */
  wasmThreads?: number;
  /** The measured choice when no backend is forced: the cached record, re-measure, or off (protocol/probe.ts). */
  probe?: ProbeInit;
  /** Test-only: destroy the WebGPU device before this step of a run, as a real device loss (`?loseDeviceAtStep=N`). */
  loseDeviceAtStep?: number;
}

/**
 * A run's status. The worker reports all but 'failed': the page gives that one to a run that
 * ended but that the health checks (protocol/health.ts) flagged, instead of 'done'.
 */
export type RunStatus = 'idle' | 'loading' | 'ready' | 'running' | 'paused' | 'stopped' | 'done' | 'failed' | 'error';

/**
 * What a loading run is doing, in order: reading the data set, reading the teacher, sampling
 * the student's split, and running the frozen teacher over the split (its cached embeddings).
 */
export const LOADING_PHASES = ['data', 'teacher', 'split', 'teacher-embeddings'] as const;
export type LoadingPhase = (typeof LOADING_PHASES)[number];

/** A loading phase as reported: `index` of `of` phases (0-based), and a line for the user. */
export interface LoadingInfo {
  phase: LoadingPhase;
  index: number;
  of: number;
  detail: string;
}

export interface BackendInfo {
  name: BackendName;
  /** Why this backend (e.g. "WebGPU unavailable: navigator.gpu is missing; fell back to WebGL"). */
  reason: string;
  /** WebGPU adapter description (vendor / architecture), when known. */
  adapter?: string;
  /** True when the backend was forced by the URL (`backend=`). */
  forced: boolean;
  /**
   * True when the GPU backend runs on a software adapter (SwiftShader, a fallback adapter):
   * no hardware acceleration, and WebAssembly trains far faster there.
   */
  software?: boolean;
  /** WebAssembly's threads (more than 1 on a cross-origin isolated page). */
  threads?: number;
  /** What the probe measured when the backend was chosen by measurement (none when forced or probing is off). */
  probe?: ProbeSummary;
}

export const ERROR_CODES = [
  'config-invalid',
  'dataset-missing-file',
  'dataset-unavailable',
  'dataset-corrupt',
  'dataset-bad-manifest',
  'split-too-few-images',
  'split-bad-options',
  'teacher-missing',
  'teacher-incompatible',
  'run-diverged',
  'device-lost',
  'out-of-memory',
  'worker-crashed',
  'backend-unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Worker → page. */
export type WorkerEvent =
  | { type: 'ready'; backend: BackendInfo; numTensors: number }
  | { type: 'status'; runId: number; status: RunStatus; detail?: string }
  /** The loading run entered a phase (before 'prepared'). */
  | { type: 'loading'; runId: number; loading: LoadingInfo }
  | { type: 'prepared'; runId: number; totalSteps: number; stage1Steps: number; stage2Steps: number; batchSize: number; teacherNcmValAccuracy: number; counts: { train: number; val: number; test: number }; teacherCacheMs: number }
  | { type: 'metrics'; runId: number; points: MetricsPoint[]; numTensors: number; readbacks: number }
  | { type: 'eval'; runId: number; point: EvalPoint; embedding?: EmbeddingPicture }
  /** A picture not tied to an evaluation: the frozen teacher's, sent once per run. */
  | { type: 'embedding'; runId: number; step: number; embedding: EmbeddingPicture }
  | { type: 'progress'; runId: number; progress: ProgressInfo }
  | { type: 'result'; runId: number; result: ExperimentResult }
  | { type: 'error'; runId: number | null; code: ErrorCode; message: string; hint: string }
  /**
   * The run moved to `backend` (its device was lost, or the user switched) and continues from
   * `fromStep`, its last checkpoint (0: from the start): the points after it come again.
   */
  | { type: 'resumed'; runId: number; cause: ResumeCause; atStep: number; fromStep: number; backend: BackendName; message: string }
  /** The answer to 'get-student': the student in the layers format, or null and why not. */
  | { type: 'student'; runId: number; student: StudentModel | null; message?: string }
  /** The explorer panels' data (routed to the explorer store). */
  | ExplorerEvent;

/** A 2-D PCA projection of validation embeddings, for the embedding picture. */
export interface EmbeddingPicture {
  who: 'student' | 'teacher';
  /** x0, y0, x1, y1, … */
  points: number[];
  labels: number[];
}

/** What to tell the user to do for each error code. */
export const ERROR_HINTS: Record<ErrorCode, string> = {
  'config-invalid': 'Fix the highlighted settings and run again.',
  'dataset-missing-file': 'The shipped data is missing: run "npm run data" and reload.',
  'dataset-unavailable': 'The data could not be fetched: check that the app is still being served, then reload.',
  'dataset-corrupt': 'The shipped data failed its checksum: run "npm run data" and reload.',
  'dataset-bad-manifest': 'The data manifest is malformed: run "npm run data" and reload.',
  'split-too-few-images': 'Ask for fewer shots per class or a smaller validation fraction.',
  'split-bad-options': 'Check the student classes, shots and validation fraction.',
  'teacher-missing': 'The teacher files are missing: run "npm run teachers" and reload; for a teacher you uploaded, upload its files again.',
  'teacher-incompatible': 'Use a TensorFlow.js layers model taking 28×28×1 images, with a Dense head.',
  'run-diverged': 'Lower the learning rate, or w₁ / λ, and run again.',
  'device-lost': 'The GPU was lost (driver reset or another tab). The worker restarts; run again, or force backend=webgl.',
  'out-of-memory': 'The GPU ran out of memory: use a smaller batch or student width.',
  'worker-crashed': 'The training worker crashed and was restarted; run again.',
  'backend-unavailable': 'Pick another backend (backend=webgl or backend=cpu in the link).',
  internal: 'Something unexpected happened; reload the page. The message above says what.',
};
