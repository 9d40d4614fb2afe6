import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../protocol/config';
import type { WorkerEvent, WorkerRequest } from '../protocol/messages';
import { useRunStore } from '../state/runStore';
import { Bridge, workerOptionsFromSearch, type WorkerPort } from './bridge';

class FakeWorker implements WorkerPort {
  readonly sent: WorkerRequest[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<WorkerEvent>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  postMessage(message: WorkerRequest): void {
    this.sent.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(event: WorkerEvent): void {
    this.onmessage?.({ data: event } as MessageEvent<WorkerEvent>);
  }
  crash(message: string): void {
    this.onerror?.({ message, preventDefault: () => undefined } as ErrorEvent);
  }
}

/** A healthy result (2 classes, 80 % on 200 test images) as far as the store reads it. */
const RESULT = {
  classNames: ['a', 'b'],
  counts: { train: 20, val: 20, test: 200 },
  final: { testAccuracy: 0.8, ncmTestAccuracy: 0.8, confusion: [[80, 20], [20, 80]] },
  readbacks: 0,
} as never;

let workers: FakeWorker[];
const latest = () => workers[workers.length - 1];
const store = () => useRunStore.getState();
const run = (runId: number) => store().runs.find((r) => r.runId === runId);

function makeBridge(): Bridge {
  return new Bridge({
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    baseUrl: 'http://127.0.0.1/app/',
  });
}

beforeEach(() => {
  workers = [];
  useRunStore.setState(useRunStore.getInitialState(), true);
});

describe('bridge', () => {
  it('starts the worker with init, then configures and starts runs with fresh ids', () => {
    const bridge = makeBridge();
    bridge.init('cpu');
    bridge.init('cpu');
    expect(workers).toHaveLength(1);
    expect(latest().sent[0]).toEqual({ type: 'init', backend: 'cpu', baseUrl: 'http://127.0.0.1/app/', options: {} });
    const a = bridge.run(DEFAULT_CONFIG, 'first');
    const b = bridge.run(DEFAULT_CONFIG);
    expect(b).toBe(a + 1);
    expect(latest().sent.slice(1).map((m) => m.type)).toEqual(['configure', 'start', 'configure', 'start']);
    expect(store().runs.map((r) => r.label)).toEqual(['first', 'refilled']);
    // The first run was live when the second began: it is marked stopped, not left running.
    expect(run(a)?.status).toBe('stopped');
    bridge.step(2, 3);
    expect(latest().sent.at(-1)).toEqual({ type: 'step', runId: b, stage: 2, steps: 3 });
  });

  it('drops events of runs it has moved on from', () => {
    const bridge = makeBridge();
    const a = bridge.run(DEFAULT_CONFIG);
    const b = bridge.run(DEFAULT_CONFIG);
    latest().emit({ type: 'metrics', runId: a, points: [{ stage: 1, step: 1, epoch: 0, learningRate: 0.1, loss: 1, stepMs: 5 }], numTensors: 9, readbacks: 1 });
    expect(run(a)?.metrics).toHaveLength(0);
    latest().emit({ type: 'status', runId: b, status: 'running' });
    latest().emit({ type: 'ready', backend: { name: 'cpu', reason: 'x', forced: true }, numTensors: 3 });
    expect(run(b)?.status).toBe('running');
    expect(store().backend?.name).toBe('cpu');
  });

  it('runs a comparison one method after another, moving on after a result or an error', () => {
    const bridge = makeBridge();
    bridge.compare({ ...DEFAULT_CONFIG, seed: 7 }, 1);
    const configures = () => latest().sent.filter((m): m is Extract<WorkerRequest, { type: 'configure' }> => m.type === 'configure');
    expect(configures().map((m) => m.config.method)).toEqual(['vanilla']);
    const [first] = configures();
    latest().emit({ type: 'result', runId: first.runId, result: RESULT });
    expect(configures().map((m) => m.config.method)).toEqual(['vanilla', 'stage1-only']);
    latest().emit({ type: 'error', runId: configures()[1].runId, code: 'run-diverged', message: 'NaN', hint: '' });
    expect(configures().map((m) => m.config.method)).toEqual(['vanilla', 'stage1-only', 'refilled']);
    expect(configures().every((m) => m.config.seed === 7)).toBe(true);
    expect(store().comparison).toMatchObject({ seeds: [7], runIds: configures().map((m) => m.runId), pending: [] });
    expect(store().runs.map((r) => r.label)).toEqual(['vanilla · seed 7', 'stage1-only · seed 7', 'refilled · seed 7']);
  });

  it('runs every method on each seed, seed-major, each seed its own config seed (3 seeds by default)', () => {
    const bridge = makeBridge();
    bridge.compare({ ...DEFAULT_CONFIG, seed: 7 });
    expect(store().comparison?.seeds).toEqual([7, 8, 9]);
    const configures = () => latest().sent.filter((m): m is Extract<WorkerRequest, { type: 'configure' }> => m.type === 'configure');
    // One run at a time: the next is configured only when the previous reports its result.
    for (let i = 0; i < 9; i++) {
      expect(configures()).toHaveLength(i + 1);
      latest().emit({ type: 'result', runId: configures()[i].runId, result: { readbacks: 0 } as never });
    }
    expect(configures().map((m) => `${m.config.method}@${m.config.seed}`)).toEqual([
      'vanilla@7', 'stage1-only@7', 'refilled@7',
      'vanilla@8', 'stage1-only@8', 'refilled@8',
      'vanilla@9', 'stage1-only@9', 'refilled@9',
    ]);
    // Everything else of the configuration is the same for every run.
    for (const m of configures()) expect({ ...m.config, method: DEFAULT_CONFIG.method, seed: 7 }).toEqual({ ...DEFAULT_CONFIG, seed: 7 });
    expect(configures()).toHaveLength(9);
    expect(store().runs.every((r) => r.status === 'done' && r.comparison?.seedCount === 3)).toBe(true);
  });

  it('stop part-way through a multi-seed comparison: nothing more starts, finished seeds stay done', () => {
    const bridge = makeBridge();
    bridge.compare({ ...DEFAULT_CONFIG, seed: 1 }, 2);
    for (let i = 0; i < 4; i++) {
      const runId = store().activeRunId!;
      latest().emit({ type: 'status', runId, status: 'running' });
      if (i < 3) latest().emit({ type: 'result', runId, result: { readbacks: i } as never });
    }
    // Seed 1 is complete; seed 2's vanilla is running.
    bridge.stop();
    const running = store().activeRunId!;
    expect(latest().sent.at(-1)).toEqual({ type: 'stop', runId: running });
    latest().emit({ type: 'status', runId: running, status: 'stopped' });
    expect(latest().sent.filter((m) => m.type === 'configure')).toHaveLength(4);
    expect(store().comparison).toMatchObject({ seeds: [1, 2], pending: [] });
    expect(store().runs.map((r) => `${r.label}: ${r.status}`)).toEqual(['vanilla · seed 1: done', 'stage1-only · seed 1: done', 'refilled · seed 1: done', 'vanilla · seed 2: stopped']);
    // A new comparison may start; its runs belong to it, not to the stopped one.
    bridge.compare({ ...DEFAULT_CONFIG, seed: 1 }, 2);
    expect(store().runs.at(-1)?.comparison).toEqual({ id: 2, seedCount: 2 });
  });

  it('ends every finished run of a comparison as done, not stopped by the next one', () => {
    const bridge = makeBridge();
    bridge.compare(DEFAULT_CONFIG, 1);
    // What the worker sends for each run: running, a result, then its done status, which
    // arrives after the bridge has already started the next method (and is dropped).
    for (let i = 0; i < 3; i++) {
      const runId = store().activeRunId!;
      latest().emit({ type: 'status', runId, status: 'running' });
      latest().emit({ type: 'result', runId, result: RESULT });
      latest().emit({ type: 'status', runId, status: 'done' });
    }
    expect(store().runs.map((r) => r.config.method)).toEqual(['vanilla', 'stage1-only', 'refilled']);
    expect(store().runs.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(store().runs.some((r) => r.detail?.includes('replaced'))).toBe(false);
    expect(store().comparison?.pending).toEqual([]);
  });

  it('still marks a replaced live run stopped', () => {
    const bridge = makeBridge();
    const a = bridge.run(DEFAULT_CONFIG);
    latest().emit({ type: 'status', runId: a, status: 'paused' });
    bridge.run(DEFAULT_CONFIG);
    expect(run(a)).toMatchObject({ status: 'stopped', detail: 'replaced by a new run' });
  });

  it('stop ends a comparison: nothing more is started', () => {
    const bridge = makeBridge();
    bridge.compare(DEFAULT_CONFIG);
    bridge.stop();
    const runId = store().comparison!.runIds[0];
    latest().emit({ type: 'status', runId, status: 'stopped' });
    expect(latest().sent.filter((m) => m.type === 'configure')).toHaveLength(1);
    expect(store().comparison?.pending).toEqual([]);
  });

  it('restarts a crashed worker, marks the live run worker-crashed and keeps its metrics', () => {
    const bridge = makeBridge();
    bridge.init(null);
    const runId = bridge.run(DEFAULT_CONFIG);
    latest().emit({ type: 'metrics', runId, points: [{ stage: 1, step: 1, epoch: 0, learningRate: 0.1, loss: 1, stepMs: 5 }], numTensors: 9, readbacks: 1 });
    const crashed = latest();
    crashed.crash('boom');
    expect(crashed.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(latest().sent[0].type).toBe('init');
    expect(run(runId)).toMatchObject({ status: 'error', error: { code: 'worker-crashed' } });
    expect(run(runId)?.metrics).toHaveLength(1);
    // Late events of the crashed worker's run are not applied.
    latest().emit({ type: 'status', runId, status: 'running' });
    expect(run(runId)?.status).toBe('error');
  });

  it('gives up restarting after repeated crashes', () => {
    const bridge = makeBridge();
    bridge.init(null);
    for (let i = 0; i < 4; i++) latest().crash('boom');
    expect(workers).toHaveLength(4);
    expect(store().engineError?.message).toMatch(/not restarted/);
  });

  it('restarts the worker after a lost GPU device', () => {
    const bridge = makeBridge();
    const runId = bridge.run(DEFAULT_CONFIG);
    latest().emit({ type: 'error', runId, code: 'device-lost', message: 'GPU device was lost', hint: '' });
    expect(workers).toHaveLength(2);
    expect(run(runId)?.error?.code).toBe('device-lost');
  });

  it('reads worker switches from the page URL', () => {
    expect(workerOptionsFromSearch('?nogpu=1&im2col=0&embeddings=0')).toEqual({ disableWebGpu: true, webgpuSeparateIm2col: false, embeddings: false });
    expect(workerOptionsFromSearch('')).toEqual({});
  });
});
