/**
 * The page's side of the worker protocol. Owns the training Worker, gives every run an id,
 * and turns the worker's events into run-store actions (`useRunStore.getState()…`), dropping
 * the events of runs it has moved on from. A worker that crashes is replaced; the run it was
 * on is marked 'worker-crashed' and keeps the metrics it had sent.
 *
 * The UI calls the bridge and reads the store; it never sees the worker.
 */
import { resolveConfig, type ExperimentConfig, type Method } from '../protocol/config';
import { ERROR_HINTS, type BackendName, type RunStatus, type WorkerEvent, type WorkerInitOptions, type WorkerRequest } from '../protocol/messages';
import type { StageId } from '../protocol/results';
import { COMPARE_SEEDS, decodeConfigHash } from '../protocol/url';
import { comparisonRunLabel, comparisonSeeds } from '../state/comparison';
import { useConfigStore } from '../state/configStore';
import { useRunStore, type RunState } from '../state/runStore';
import { StudentRequests, type StudentAnswer } from './students';
import { useExplorerStore } from '../state/explorer/explorerStore';
import type { TripletIds } from '../protocol/explorer';
import type { ProbeStore } from '../protocol/probe';
import { browserProbeStore, rememberProbe, withProbe } from './probeCache';

/** What the bridge needs of a Worker (a fake one in tests). */
export interface WorkerPort {
  postMessage(message: WorkerRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<WorkerEvent>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

export interface BridgeOptions {
  createWorker?: () => WorkerPort;
  /** Sent with 'init': the app's base URL (data/ and teachers/ live under it). */
  baseUrl?: string;
  /** Worker switches (test-only `disableWebGpu`, the im2col switch, pictures). */
  workerOptions?: WorkerInitOptions;
  /** Used when a run is asked for before `init`: the link's `backend=`. */
  defaultBackend?: () => BackendName | null;
  now?: () => number;
  /** Where the measured backend choice is cached (localStorage in the browser). */
  probeStore?: ProbeStore | null;
}

/** The methods a comparison runs on each seed, in order, on that seed's split and initial weights. */
export const COMPARISON_METHODS: readonly Method[] = ['vanilla', 'stage1-only', 'refilled'];

/** Statuses of a run that is not over: a new run replacing it marks it stopped. */
const LIVE: readonly RunStatus[] = ['loading', 'ready', 'running', 'paused'];
/** More crashes than this within CRASH_WINDOW_MS and the bridge stops restarting the worker. */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 60_000;

function defaultWorker(): WorkerPort {
  return new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerPort;
}

/** Worker switches a page URL asks for: `?nogpu=1` (tests), `?im2col=0|1`, `?embeddings=0`, `?probe=0` (no measured choice), `?threads=N` (WebAssembly threads, 1–8), `?loseDeviceAtStep=N` (tests: a simulated GPU device loss). */
export function workerOptionsFromSearch(search: string): WorkerInitOptions {
  const params = new URLSearchParams(search);
  const flag = (name: string) => {
    const v = params.get(name);
    return v === null ? undefined : v === '1' || v === 'true';
  };
  const options: WorkerInitOptions = {};
  if (flag('nogpu')) options.disableWebGpu = true;
  const im2col = flag('im2col');
  if (im2col !== undefined) options.webgpuSeparateIm2col = im2col;
  if (flag('embeddings') === false) options.embeddings = false;
  if (flag('probe') === false) options.probe = { off: true };
  const loseAt = Number(params.get('loseDeviceAtStep'));
  if (Number.isInteger(loseAt) && loseAt >= 1) options.loseDeviceAtStep = loseAt;
  const threads = Number(params.get('threads'));
  if (Number.isInteger(threads) && threads >= 1 && threads <= 8) options.wasmThreads = threads;
  return options;
}

export class Bridge {
  private worker: WorkerPort | null = null;
  private backend: BackendName | null = null;
  private nextRunId = 1;
  /** The run the worker is on; events of any other run are dropped. */
  private runId: number | null = null;
  private comparisonConfig: ExperimentConfig | null = null;
  private crashes: number[] = [];
  private readonly createWorker: () => WorkerPort;
  private readonly now: () => number;
  private readonly students = new StudentRequests();

  constructor(private readonly options: BridgeOptions = {}) {
    this.createWorker = options.createWorker ?? defaultWorker;
    this.now = options.now ?? (() => Date.now());
  }

  private get store(): RunState {
    return useRunStore.getState();
  }

  /** Starts the worker on `backend` (null: the best available). Again with another backend: a fresh worker. */
  init(backend: BackendName | null): void {
    if (this.worker && backend === this.backend) return;
    this.backend = backend;
    this.spawn();
  }

  /**
   * Moves to `backend`. During a live run the worker takes a checkpoint at the run's next
   * reporting step and continues the run there ('resumed'); between runs, a fresh worker (init).
   */
  switchBackend(backend: BackendName): void {
    const record = this.runId === null ? undefined : this.store.runs.find((r) => r.runId === this.runId);
    if (!this.worker || !record || !LIVE.includes(record.status)) return this.init(backend);
    this.backend = backend;
    this.post({ type: 'switch-backend', backend });
  }

  /** Measures the backends again in a fresh worker (no backend forced), ignoring the cached choice. */
  remeasure(): void {
    this.backend = null;
    this.spawn(true);
  }

  /** Configures and starts a run; returns its id. */
  run(config: ExperimentConfig, label?: string): number {
    const runId = this.configure(config, label);
    this.post({ type: 'start', runId });
    return runId;
  }

  /** Sets up a new run (data and teacher load in the worker) without starting it; returns its id. */
  configure(config: ExperimentConfig, label: string = config.method, inComparison = false): number {
    this.ensureWorker();
    this.retireActive(`replaced by a new run`);
    // Runs re-opened from the history hold ids too: a new run takes the next id no run holds.
    const runId = Math.max(this.nextRunId, ...this.store.runs.map((r) => r.runId + 1));
    this.nextRunId = runId + 1;
    this.runId = runId;
    this.store.addRun({ runId, label, config, inComparison });
    this.post({ type: 'configure', runId, config });
    return runId;
  }

  start(): void {
    this.postRun('start');
  }

  pause(): void {
    this.postRun('pause');
  }

  resume(): void {
    this.postRun('resume');
  }

  /**
   * Sets up a new run and takes `steps` of `stage` in it, then pauses: the worker keeps the
   * step until the run's data and teacher have loaded.
   */
  configureAndStep(config: ExperimentConfig, stage: StageId, steps: number, label: string = config.method): number {
    const runId = this.configure(config, label);
    this.post({ type: 'step', runId, stage, steps });
    return runId;
  }

  /** Runs `steps` more steps of `stage`, then pauses (stage 2 first finishes stage 1). */
  step(stage: StageId, steps: number): void {
    if (this.runId !== null) this.post({ type: 'step', runId: this.runId, stage, steps });
  }

  /** The explorer's choice for the active run: triplets to follow and the validation image to inspect. */
  explorerFocus(follow: TripletIds[], valIndex: number): void {
    if (this.runId !== null) this.post({ type: 'explorer-focus', runId: this.runId, follow, valIndex });
  }

  /** Ends the active run (and what is left of a comparison); its series stay. */
  stop(): void {
    this.endComparison();
    this.postRun('stop');
  }

  /**
   * Reset: the page as freshly opened. A live run is ended in the worker (which frees it) and
   * dropped from the store; a finished run keeps its row. Late events of the run are dropped.
   */
  reset(): void {
    this.endComparison();
    const runId = this.runId;
    const record = runId === null ? undefined : this.store.runs.find((r) => r.runId === runId);
    // Forgotten before the request goes: whatever the worker still says of it is dropped.
    this.runId = null;
    if (runId !== null && record && LIVE.includes(record.status)) this.post({ type: 'reset', runId });
    this.store.resetActive();
  }

  /**
   * Runs vanilla, stage1-only and REFILLED on `seedCount` seeds (`config.seed`, seed + 1, …),
   * one run after another, seed-major: all methods of the first seed, then of the second…
   * Each seed is its own split and initial weights, shared by the methods on it. Each run is
   * its own record, labelled `method · seed s`; the next starts when the previous reports its
   * result or an error. Stop ends the comparison; the finished runs stay.
   */
  compare(config: ExperimentConfig, seedCount: number = COMPARE_SEEDS.default): void {
    this.comparisonConfig = config;
    this.store.beginComparison(COMPARISON_METHODS, comparisonSeeds(config.seed, seedCount));
    this.nextComparison();
  }

  /** Terminates the worker (for tests and page unload); a later call starts a fresh one. */
  dispose(): void {
    this.endComparison();
    this.retireActive('the worker was shut down');
    this.worker?.terminate();
    this.worker = null;
  }

  private nextComparison(): void {
    const config = this.comparisonConfig;
    const item = config ? this.store.takeNextComparison() : null;
    if (!config || !item) {
      this.comparisonConfig = null;
      return;
    }
    const runId = this.configure({ ...config, method: item.method, seed: item.seed }, comparisonRunLabel(item), true);
    this.post({ type: 'start', runId });
  }

  private endComparison(): void {
    this.comparisonConfig = null;
    this.store.cancelComparison();
  }

  private postRun(type: 'start' | 'pause' | 'resume' | 'stop' | 'reset'): void {
    if (this.runId !== null) this.post({ type, runId: this.runId });
  }

  private post(message: WorkerRequest): void {
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): WorkerPort {
    if (!this.worker) {
      this.backend = this.backend ?? this.options.defaultBackend?.() ?? null;
      this.spawn();
    }
    return this.worker as WorkerPort;
  }

  /**
   * The previous run, if still live, is over from the page's point of view: the worker drops it
   * silently. A run that has reported its result is done (the store says so), never retired.
   */
  private retireActive(detail: string): void {
    const previous = this.runId;
    if (previous === null) return;
    const record = this.store.runs.find((r) => r.runId === previous);
    if (record && LIVE.includes(record.status)) this.store.applyEvent({ type: 'status', runId: previous, status: 'stopped', detail });
    this.runId = null;
  }

  private spawn(remeasure = false): void {
    if (this.worker) {
      this.worker.onmessage = this.worker.onerror = this.worker.onmessageerror = null;
      this.worker.terminate();
    }
    const worker = this.createWorker();
    this.worker = worker;
    worker.onmessage = (event) => this.onEvent(event.data);
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.onCrash(`The training worker stopped with an uncaught error: ${event.message || 'unknown error'}`);
    };
    worker.onmessageerror = () => this.onCrash('The training worker sent a message that could not be read.');
    worker.postMessage({ type: 'init', backend: this.backend, ...(this.options.baseUrl ? { baseUrl: this.options.baseUrl } : {}), options: withProbe(this.options.workerOptions ?? {}, this.backend, this.options.probeStore ?? null, remeasure) });
  }

  /** A finished run's trained student (kept by the worker for its last few runs). */
  requestStudent(runId: number): Promise<StudentAnswer> {
    return this.students.request(runId, this.worker ? (m) => this.post(m) : null);
  }

  private onEvent(event: WorkerEvent): void {
    if (event.type === 'student') return this.students.receive(event);
    if (event.type !== 'ready' && event.runId !== null && event.runId !== this.runId) return;
    if (event.type === 'explorer' || event.type === 'explorer-setup') {
      useExplorerStore.getState().applyEvent(event);
      return;
    }
    this.store.applyEvent(event);
    if (event.type === 'ready') rememberProbe(event.backend, this.options.probeStore ?? null);
    if (event.type === 'error' && event.code === 'device-lost') {
      // The worker's GPU is gone: a fresh worker gets a fresh device (or falls back).
      this.endComparison();
      this.runId = null;
      this.spawn();
      return;
    }
    if ((event.type === 'result' || event.type === 'error') && event.runId !== null && event.runId === this.runId && this.comparisonConfig) {
      this.nextComparison();
    }
  }

  private onCrash(message: string): void {
    this.students.failAll('The training worker crashed; the trained students it kept are gone.');
    const at = this.now();
    this.crashes = [...this.crashes.filter((t) => at - t < CRASH_WINDOW_MS), at];
    this.endComparison();
    // runId null: the store puts it on the active run if that one was still live, and keeps its metrics.
    this.store.applyEvent({ type: 'error', runId: null, code: 'worker-crashed', message, hint: ERROR_HINTS['worker-crashed'] });
    this.runId = null;
    if (this.crashes.length > MAX_CRASHES) {
      this.worker?.terminate();
      this.worker = null;
      this.store.applyEvent({
        type: 'error',
        runId: null,
        code: 'worker-crashed',
        message: `The training worker crashed ${this.crashes.length} times in a minute; it was not restarted. Reload the page.`,
        hint: ERROR_HINTS['worker-crashed'],
      });
      return;
    }
    this.spawn();
  }
}

const inBrowser = typeof window !== 'undefined' && typeof location !== 'undefined';

export const bridge = new Bridge(
  inBrowser
    ? {
        baseUrl: new URL(import.meta.env.BASE_URL, location.href).href,
        workerOptions: workerOptionsFromSearch(location.search),
        defaultBackend: () => decodeConfigHash(location.hash).extras.backend,
        probeStore: browserProbeStore(),
      }
    : {},
);

/** Plain data for tests: the run store without its actions. */
function snapshot(): unknown {
  const { backend, numTensors, readbacks, lastStepMs, engineError, runs, activeRunId, comparison } = useRunStore.getState();
  return JSON.parse(JSON.stringify({ backend, numTensors, readbacks, lastStepMs, engineError, runs, activeRunId, comparison }));
}

/** The explorer store without its images and actions, as plain data. */
function explorerSnapshot(): unknown {
  const { runId, step, triplets, sampleStep, followed, history, local, localStep, valIndex, candidates, sharpness, affinity } = useExplorerStore.getState();
  return JSON.parse(JSON.stringify({ runId, step, triplets, sampleStep, followed, history, local, localStep, valIndex, candidates, sharpness, affinity }));
}

/** The configuration being edited (the config store's), as plain data. */
function editedConfig(): unknown {
  return JSON.parse(JSON.stringify(useConfigStore.getState().config));
}

/** A config from dotted keys over the defaults (e.g. `{ dataset: 'mnist', 'stage1.epochs': 2 }`). */
function configFrom(partial: Record<string, unknown> = {}): ExperimentConfig {
  return resolveConfig(partial);
}

/** The test hook end-to-end tests drive the app through (always installed; it holds nothing). */
export interface RefilledTestHook {
  /** The run store as plain data. */
  getState(): unknown;
  /** The configuration the controls show (and the URL hash encodes). */
  getConfig(): unknown;
  /** The explorer store's data (images left out), as plain data. */
  getExplorer(): unknown;
  init(backend: BackendName | null): void;
  /** Measure the backends again (the badge's Re-measure). */
  remeasure(): void;
  /** Switch the backend (during a run: the run continues there from its last checkpoint). */
  switchBackend(backend: BackendName): void;
  run(partial?: Record<string, unknown>, label?: string): number;
  configure(partial?: Record<string, unknown>, label?: string): number;
  /** Compare over `seeds` seeds (default COMPARE_SEEDS.default). */
  compare(partial?: Record<string, unknown>, seeds?: number): void;
  start(): void;
  pause(): void;
  resume(): void;
  step(stage: StageId, steps: number): void;
  stop(): void;
  reset(): void;
}

declare global {
  interface Window {
    __refilledTest?: RefilledTestHook;
  }
}

if (inBrowser) {
  window.__refilledTest = {
    getState: snapshot,
    getConfig: editedConfig,
    getExplorer: explorerSnapshot,
    init: (backend) => bridge.init(backend),
    remeasure: () => bridge.remeasure(),
    switchBackend: (backend) => bridge.switchBackend(backend),
    run: (partial, label) => bridge.run(configFrom(partial), label),
    configure: (partial, label) => bridge.configure(configFrom(partial), label),
    compare: (partial, seeds) => bridge.compare(configFrom(partial), seeds),
    start: () => bridge.start(),
    pause: () => bridge.pause(),
    resume: () => bridge.resume(),
    step: (stage, steps) => bridge.step(stage, steps),
    stop: () => bridge.stop(),
    reset: () => bridge.reset(),
  };
}
