/**
 * The worker's side of the protocol, without the worker: `handle(request)` drives one
 * Experiment at a time and reports through an injected `post`, so it runs (and is tested)
 * in Node as well as in a Web Worker.
 *
 * One run at a time. A run lives in a `RunSlot`; a slot that has been stopped, reset or
 * replaced is *retired*: it posts nothing more, and its experiment is disposed as soon as
 * the step in flight (if any) has finished — never under a running step.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, validateConfig, type ExperimentConfig } from '../protocol/config';
import { ERROR_CODES, ERROR_HINTS, type BackendInfo, type EmbeddingPicture, type ErrorCode, type RunStatus, type WorkerEvent, type WorkerRequest } from '../protocol/messages';
import type { EvalPoint, MetricsPoint, ProgressInfo, StageId } from '../protocol/results';
import { createExperiment, type AssetCache } from '../core/run';
import type { Experiment } from '../core/trainer/experiment';
import { ExplorerProbe } from './explorer';
import { loadingInfo } from './loading';
import { pca2 } from './pca';
import { createStudentKeeper } from './students';
import { forgetStoredTeachers, prepareStoredTeacher } from './teacherCard';
import type { MoveHost, ResumeState, Resumer } from './resume';

export interface EmbeddingOptions {
  /** A student picture at the first evaluation of each stage, every `everyEvals`-th after it, and at the stage's last. */
  everyEvals: number;
  /** Validation images in a picture. */
  maxPoints: number;
}

export interface WorkerHandlerOptions {
  post: (event: WorkerEvent) => void;
  assets: AssetCache;
  backend: BackendInfo;
  /** Milliseconds clock (default `performance.now`). */
  now?: () => number;
  /** Lets queued messages (pause, stop, step) in between steps (default: a 0 ms timeout). */
  yieldToEventLoop?: () => Promise<void>;
  /** Yield at least this often while training (default 25 ms; 0: after every step). */
  yieldEveryMs?: number;
  /** Metric points are posted in batches at most this often (default 100 ms; 0: every point). */
  flushEveryMs?: number;
  /** Embedding pictures; `false` turns them off. */
  embeddings?: EmbeddingOptions | false;
  /** Steps between validation evaluations (default: the experiment's, 4 × the report interval). */
  evalIntervalSteps?: number;
  /** Checkpoints, and runs that move to another backend (resume.ts); without it a lost device ends the run. */
  resume?: Resumer;
}

export interface WorkerHandler {
  handle(msg: WorkerRequest): Promise<void>;
  /** Reports an error that did not come from a request and ends the run. */
  fail(error: unknown): Promise<void>;
  /** The GPU device was lost: the run moves to the next backend from its last checkpoint (or ends, when none is left). */
  deviceLost(message: string): Promise<void>;
  dispose(): Promise<void>;
}

type Mode = 'loading' | 'ready' | 'running' | 'paused' | 'finished';

interface RunSlot {
  runId: number;
  config: ExperimentConfig;
  exp: Experiment | null;
  mode: Mode;
  /** A 'start' arrived while loading. */
  startWhenReady: boolean;
  /** 'step' mode: steps of `stage` still to run before pausing. */
  target: { stage: StageId; remaining: number } | null;
  retired: boolean;
  /** The training loop, while one runs. */
  loop: Promise<void> | null;
  pendingPoints: MetricsPoint[];
  pendingProgress: ProgressInfo | null;
  pendingEvals: { point: EvalPoint; picture: { embeddings: tf.Tensor2D; labels: number[] } | null; teacher: { embeddings: tf.Tensor2D; labels: number[] } | null }[];
  /** Evaluations so far in `evalStage`, to space the pictures. */
  evalsInStage: number;
  evalStage: StageId;
  teacherPictureSent: boolean;
  lastFlushMs: number;
  /** The explorer panels' probe of this run, once the experiment exists. */
  explorer: ExplorerProbe | null;
  /** Its last checkpoint and a move under way (resume.ts); null without `resume`. */
  resume: ResumeState | null;
}

const DEFAULT_EMBEDDINGS: EmbeddingOptions = { everyEvals: 4, maxPoints: 300 };

/** Error codes by the `code` field of the engine's named errors (they use the protocol's codes). */
function codeOf(e: unknown): ErrorCode | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : null;
}

/**
 * Turns anything thrown into the protocol's error event: the engine's named errors keep
 * their `code` (ConfigError, DatasetError, SplitError, TeacherError, DivergenceError), a
 * lost GPU device is 'device-lost', running out of memory 'out-of-memory', anything else
 * 'internal'. The hint says what to do next.
 */
export function toErrorEvent(e: unknown, runId: number | null): Extract<WorkerEvent, { type: 'error' }> {
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e) ?? String(e);
  let code = codeOf(e);
  if (!code) {
    const text = message.toLowerCase();
    if (text.includes('device') && text.includes('lost')) code = 'device-lost';
    else if (/out of memory|out-of-memory|\boom\b|failed to allocate|allocation failed|array buffer allocation/.test(text)) code = 'out-of-memory';
    else code = 'internal';
  }
  return { type: 'error', runId, code, message, hint: ERROR_HINTS[code] };
}

export function createWorkerHandler(options: WorkerHandlerOptions): WorkerHandler {
  const { post, assets } = options;
  /** Changes when a run moves to another backend. */
  let backend = options.backend;
  const now = options.now ?? (() => performance.now());
  const yieldToEventLoop = options.yieldToEventLoop ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  const yieldEveryMs = options.yieldEveryMs ?? 25;
  const flushEveryMs = options.flushEveryMs ?? 100;
  const embeddings = options.embeddings === undefined ? DEFAULT_EMBEDDINGS : options.embeddings;
  let current: RunSlot | null = null;
  const students = createStudentKeeper();

  const live = (slot: RunSlot) => !slot.retired && current === slot;

  /** Posts a run's event only while the run is live: a retired run stays silent. */
  function postFor(slot: RunSlot, event: WorkerEvent): void {
    if (live(slot)) post(event);
  }

  function setStatus(slot: RunSlot, status: RunStatus, detail?: string): void {
    postFor(slot, detail === undefined ? { type: 'status', runId: slot.runId, status } : { type: 'status', runId: slot.runId, status, detail });
  }

  /** Sends the batched metric points and the latest progress. */
  function flush(slot: RunSlot): void {
    if (slot.pendingPoints.length > 0) {
      postFor(slot, {
        type: 'metrics',
        runId: slot.runId,
        points: slot.pendingPoints,
        numTensors: tf.memory().numTensors,
        readbacks: slot.exp?.readbacks.count ?? 0,
      });
      slot.pendingPoints = [];
    }
    if (slot.pendingProgress) {
      postFor(slot, { type: 'progress', runId: slot.runId, progress: slot.pendingProgress });
      slot.pendingProgress = null;
    }
    slot.lastFlushMs = now();
  }

  /** Starts the projections of a picture (no read-back yet): called inside the experiment's evaluation. */
  function queueEval(slot: RunSlot, point: EvalPoint): void {
    const exp = slot.exp;
    let picture: RunSlot['pendingEvals'][number]['picture'] = null;
    let teacher: RunSlot['pendingEvals'][number]['teacher'] = null;
    if (exp && embeddings) {
      const { stageStep, stageSteps } = exp.progress();
      if (point.stage !== slot.evalStage) {
        slot.evalStage = point.stage;
        slot.evalsInStage = 0;
      }
      const index = slot.evalsInStage++;
      if (index % embeddings.everyEvals === 0 || stageStep >= stageSteps) {
        picture = project(exp, 'student', embeddings.maxPoints);
        if (!slot.teacherPictureSent) {
          teacher = project(exp, 'teacher', embeddings.maxPoints);
          slot.teacherPictureSent = true;
        }
      }
    }
    slot.pendingEvals.push({ point, picture, teacher });
  }

  /** Reads the queued pictures (one read-back each) and posts the evaluations in order. */
  async function drainEvals(slot: RunSlot): Promise<void> {
    const queued = slot.pendingEvals;
    slot.pendingEvals = [];
    try {
      for (const { point, picture, teacher } of queued) {
        flush(slot);
        const student = picture && slot.exp ? await readPicture(slot.exp, 'student', picture) : null;
        postFor(slot, student ? { type: 'eval', runId: slot.runId, point, embedding: student } : { type: 'eval', runId: slot.runId, point });
        if (teacher && slot.exp) postFor(slot, { type: 'embedding', runId: slot.runId, step: point.step, embedding: await readPicture(slot.exp, 'teacher', teacher) });
      }
    } finally {
      for (const q of queued) {
        q.picture?.embeddings.dispose();
        q.teacher?.embeddings.dispose();
      }
    }
  }

  /** Frees a run's tensors, then tells the page the new live tensor count (a 'ready'). */
  function disposeSlot(slot: RunSlot): void {
    for (const q of slot.pendingEvals) {
      q.picture?.embeddings.dispose();
      q.teacher?.embeddings.dispose();
    }
    slot.pendingEvals = [];
    slot.explorer?.dispose();
    slot.explorer = null;
    if (!slot.exp) return;
    slot.exp.dispose();
    slot.exp = null;
    post({ type: 'ready', backend, numTensors: tf.memory().numTensors });
  }

  /** Retires a slot: silent from now on; disposed now, or by its loop once the step in flight ends. */
  async function retire(slot: RunSlot): Promise<void> {
    slot.retired = true;
    if (current === slot) current = null;
    if (slot.loop) await slot.loop;
    else disposeSlot(slot);
  }

  async function configure(runId: number, config: ExperimentConfig): Promise<void> {
    const previous = current;
    const slot: RunSlot = {
      runId,
      config,
      exp: null,
      mode: 'loading',
      startWhenReady: false,
      target: null,
      retired: false,
      loop: null,
      pendingPoints: [],
      pendingProgress: null,
      pendingEvals: [],
      evalsInStage: 0,
      evalStage: 1,
      teacherPictureSent: false,
      lastFlushMs: now(),
      explorer: null,
      resume: options.resume?.fresh() ?? null,
    };
    // The new run is current at once, so that its 'start' or 'step' queues while the old one winds down.
    current = slot;
    setStatus(slot, 'loading', `Loading ${config.dataset} and teacher ${config.teacher}`);
    try {
      // The old run's step in flight finishes and its tensors are freed before the new run allocates.
      if (previous) await retire(previous);
      if (slot.retired) return;
      const exp = await build(slot);
      if (!exp) return;
      postFor(slot, {
        type: 'prepared',
        runId,
        totalSteps: exp.totalSteps,
        stage1Steps: exp.stage1Steps,
        stage2Steps: exp.stage2Steps,
        batchSize: exp.batchSize,
        teacherNcmValAccuracy: exp.teacherNcmValAccuracy,
        counts: exp.splitCounts,
        teacherCacheMs: exp.teacherCacheMs,
      });
      slot.mode = 'ready';
      setStatus(slot, 'ready');
      if (slot.startWhenReady) await run(slot);
    } catch (e) {
      if (await movesInstead(slot)) return;
      await failSlot(slot, e);
    }
  }

  /** Loads what the run needs and builds its experiment (and the explorer's probe) on the current backend; null if the run was retired meanwhile. */
  async function build(slot: RunSlot): Promise<Experiment | null> {
    const { runId, config } = slot;
    await prepareStoredTeacher(config.teacher, assets);
    const problems = validateConfig(config);
    if (problems.length > 0) throw new ConfigError(problems);
    const exp = await createExperiment(
      config,
      assets,
      { backend: backend.name, ...(options.evalIntervalSteps ? { evalIntervalSteps: options.evalIntervalSteps } : {}) },
      {
        onMetrics: (point) => {
          slot.explorer?.onMetrics(point);
          slot.pendingPoints.push(point);
        },
        onProgress: (progress) => (slot.pendingProgress = progress),
        onEval: (point) => queueEval(slot, point),
      },
      (phase) => postFor(slot, { type: 'loading', runId, loading: loadingInfo(phase, config) }),
    );
    slot.exp = exp;
    slot.explorer = new ExplorerProbe(exp, runId, (event) => postFor(slot, event));
    if (!slot.retired) await slot.explorer.setup();
    if (slot.retired) {
      disposeSlot(slot);
      return null;
    }
    return exp;
  }

  /** An error that a device loss explains: the run moves (resume.ts) instead of failing. */
  async function movesInstead(slot: RunSlot): Promise<boolean> {
    if (!slot.resume || !options.resume) return false;
    return slot.resume.moving !== null || (backend.name === 'webgpu' && (await options.resume.lossFollows(slot.resume)));
  }

  /** What a move to another backend (resume.ts) does to this handler's run and backend. */
  const moveHost: MoveHost<RunSlot> = {
    liveRun: () => (current && live(current) && current.resume ? current : null),
    isLive: live,
    abandonLoop: (slot) => (slot.loop = null),
    release: (slot) => {
      flush(slot);
      disposeSlot(slot);
    },
    backend: () => backend,
    adopt: (info) => {
      backend = info;
      // The teachers' weights lived on the old backend: they load again on the new one.
      assets.forgetTeachers();
      forgetStoredTeachers(assets);
      post({ type: 'ready', backend, numTensors: tf.memory().numTensors });
    },
    fail: async (slot, error) => (slot ? failSlot(slot, error) : post(toErrorEvent(error, null))),
    reload: (slot) => {
      const startWhenReady = slot.startWhenReady;
      // Not awaited: configure goes on into the run, and the next move must not wait for its end.
      void configure(slot.runId, slot.config);
      if (current) current.startWhenReady = startWhenReady;
    },
    rebuild: build,
    postFor,
    carryOn: (slot, wasRunning, exp) => {
      if (wasRunning) void run(slot);
      else if (slot.mode === 'paused') setStatus(slot, 'paused', `at step ${exp.globalStep} of ${exp.totalSteps}`);
    },
  };

  /** Reports `e` for the run (unless it was retired meanwhile) and frees it. */
  async function failSlot(slot: RunSlot, e: unknown): Promise<void> {
    if (live(slot)) {
      post(toErrorEvent(e, slot.runId));
      setStatus(slot, 'error', e instanceof Error ? e.message : String(e));
    }
    slot.mode = 'finished';
    slot.retired = true;
    if (current === slot) current = null;
    if (!slot.loop) disposeSlot(slot);
  }

  /** Starts the training loop if it is not running; resolves when it stops (pause, stop, end, error). */
  function run(slot: RunSlot): Promise<void> {
    if (slot.mode === 'loading') {
      slot.startWhenReady = true;
      return Promise.resolve();
    }
    if (slot.mode === 'finished') return Promise.resolve();
    slot.mode = 'running';
    if (!slot.loop) {
      setStatus(slot, 'running', slot.target ? `${slot.target.remaining} step(s) of stage ${slot.target.stage}` : undefined);
      const ending: Promise<void> = loop(slot).finally(() => {
        // A loop given up on a lost device may end after its successor started.
        if (slot.loop === ending) slot.loop = null;
        if (slot.retired && !slot.loop) disposeSlot(slot);
      });
      slot.loop = ending;
    }
    return slot.loop;
  }

  async function loop(slot: RunSlot): Promise<void> {
    let lastYieldMs = now();
    let exp: Experiment | null = null;
    try {
      while (live(slot) && slot.mode === 'running' && slot.exp && slot.exp.stage !== 'done' && !(slot.resume && options.resume?.halts(slot.resume, slot.exp))) {
        exp = slot.exp;
        const target = slot.target;
        if (target) {
          if (exp.stage === 2 && target.stage === 1) target.remaining = 0;
          if (target.remaining <= 0) {
            slot.target = null;
            slot.mode = 'paused';
            break;
          }
        }
        const stageBefore = exp.stage;
        await exp.step();
        // The run moved to another backend meanwhile: this experiment is gone.
        if (slot.exp !== exp) return;
        if (target && stageBefore === target.stage) {
          target.remaining -= 1;
          // Stage 1 is over: its steps cannot continue, and stage 2 is not what was asked for.
          if (target.stage === 1 && exp.stage !== 1) target.remaining = 0;
        }
        if (slot.pendingEvals.length > 0) await drainEvals(slot);
        await slot.explorer?.drain();
        if (slot.resume && options.resume) await options.resume.afterStep(slot.resume, exp);
        if (now() - slot.lastFlushMs >= flushEveryMs) flush(slot);
        if (now() - lastYieldMs >= yieldEveryMs) {
          await yieldToEventLoop();
          lastYieldMs = now();
        }
      }
      if (!live(slot) || !slot.exp || slot.resume?.moving || (exp !== null && slot.exp !== exp)) return;
      flush(slot);
      if (slot.exp.stage === 'done') {
        slot.mode = 'finished';
        const result = await slot.exp.result();
        await students.capture(slot.runId, slot.exp);
        postFor(slot, { type: 'result', runId: slot.runId, result });
        setStatus(slot, 'done');
        slot.retired = true;
        if (current === slot) current = null;
      } else if (slot.mode === 'paused') {
        setStatus(slot, 'paused', `at step ${slot.exp.globalStep} of ${slot.exp.totalSteps}`);
      }
    } catch (e) {
      if ((exp !== null && slot.exp !== exp) || (await movesInstead(slot))) return;
      await failSlot(slot, e);
    }
  }

  function forRun(runId: number): RunSlot | null {
    return current && current.runId === runId && !current.retired ? current : null;
  }

  async function handle(msg: WorkerRequest): Promise<void> {
    switch (msg.type) {
      case 'init':
      case 'ping':
        post({ type: 'ready', backend, numTensors: tf.memory().numTensors });
        return;
      case 'configure':
        return configure(msg.runId, msg.config);
      case 'start':
      case 'resume': {
        const slot = forRun(msg.runId);
        if (!slot) return;
        slot.target = null;
        return run(slot);
      }
      case 'pause': {
        const slot = forRun(msg.runId);
        if (!slot) return;
        if (slot.mode === 'running') {
          slot.mode = 'paused';
          // The loop reports 'paused' once the step in flight has finished.
          if (slot.loop) return slot.loop;
          setStatus(slot, 'paused');
        } else if (slot.mode === 'loading') {
          slot.startWhenReady = false;
          slot.target = null;
        }
        return;
      }
      case 'step': {
        const slot = forRun(msg.runId);
        if (!slot || slot.mode === 'finished') return;
        slot.target = { stage: msg.stage, remaining: Math.max(0, Math.floor(msg.steps)) };
        return run(slot);
      }
      case 'stop': {
        const slot = forRun(msg.runId);
        if (!slot) return;
        flush(slot);
        setStatus(slot, 'stopped', slot.exp ? `at step ${slot.exp.globalStep} of ${slot.exp.totalSteps}` : undefined);
        slot.mode = 'finished';
        return retire(slot);
      }
      case 'get-student':
        post(students.reply(msg.runId));
        return;
      case 'reset': {
        const slot = forRun(msg.runId);
        if (!slot) return;
        setStatus(slot, 'idle');
        slot.mode = 'finished';
        return retire(slot);
      }
      case 'switch-backend':
        if (!options.resume) throw new Error('This worker cannot switch backends during a run.');
        return options.resume.move(moveHost, 'switched', msg.backend);
      case 'explorer-focus':
        forRun(msg.runId)?.explorer?.focus(msg.follow, msg.valIndex);
        return;
      default: {
        const unreachable: never = msg;
        post(toErrorEvent(new Error(`Unknown request ${JSON.stringify(unreachable)}`), null));
      }
    }
  }

  async function failSlotOrPost(error: unknown): Promise<void> {
    if (current) await failSlot(current, error);
    else post(toErrorEvent(error, null));
  }

  return {
    handle: async (msg) => {
      try {
        await handle(msg);
      } catch (e) {
        // Nothing escapes: whatever went wrong is reported against the run it concerns.
        const runId = 'runId' in msg ? msg.runId : null;
        post(toErrorEvent(e, runId));
      }
    },
    fail: failSlotOrPost,
    deviceLost: async (message) => {
      try {
        if (options.resume) await options.resume.move(moveHost, 'device-lost', null, message);
        else await failSlotOrPost(new Error(`The GPU device was lost: ${message}`));
      } catch (e) {
        await failSlotOrPost(e);
      }
    },
    dispose: async () => {
      if (current) await retire(current);
    },
  };
}

/** Projects ≤ `maxPoints` validation embeddings onto their first two principal components (still on the device). */
function project(exp: Experiment, who: 'student' | 'teacher', maxPoints: number): { embeddings: tf.Tensor2D; labels: number[] } {
  const { embeddings, labels } = exp.embedValidation(who, maxPoints);
  const projected = pca2(embeddings);
  embeddings.dispose();
  return { embeddings: projected, labels };
}

async function readPicture(exp: Experiment, who: 'student' | 'teacher', picture: { embeddings: tf.Tensor2D; labels: number[] }): Promise<EmbeddingPicture> {
  const values = await exp.readbacks.read(picture.embeddings);
  return { who, points: Array.from(values, (v) => Math.round(v * 1e4) / 1e4), labels: picture.labels };
}
