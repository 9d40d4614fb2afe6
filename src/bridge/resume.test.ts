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
}

let workers: FakeWorker[];
const latest = () => workers[workers.length - 1];
const run = (runId: number) => useRunStore.getState().runs.find((r) => r.runId === runId);

function makeBridge(): Bridge {
  return new Bridge({
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
  });
}

beforeEach(() => {
  workers = [];
  useRunStore.setState(useRunStore.getInitialState(), true);
});

describe('bridge: runs that move to another backend', () => {
  it('keeps the worker when it recovered from a lost device, and shows the new backend and the notice', () => {
    const bridge = makeBridge();
    const runId = bridge.run(DEFAULT_CONFIG);
    latest().emit({ type: 'status', runId, status: 'running' });
    latest().emit({ type: 'ready', backend: { name: 'webgl', reason: 'WebGL: the WebGPU device was lost during a run, which continues here', forced: false }, numTensors: 0 });
    latest().emit({ type: 'resumed', runId, cause: 'device-lost', atStep: 3, fromStep: 2, backend: 'webgl', message: 'The GPU device was lost at step 3; the run continues from step 2 on WebGL' });
    expect(workers).toHaveLength(1);
    expect(latest().terminated).toBe(false);
    expect(useRunStore.getState().backend?.name).toBe('webgl');
    expect(run(runId)?.status).toBe('running');
    expect(run(runId)?.error).toBeUndefined();
    expect(run(runId)?.resumes?.[0].message).toMatch(/continues from step 2 on WebGL/);
  });

  it('still restarts the worker when the loss could not be recovered (no backend left)', () => {
    const bridge = makeBridge();
    const runId = bridge.run(DEFAULT_CONFIG);
    latest().emit({ type: 'error', runId, code: 'device-lost', message: 'The GPU device was lost: x; no other backend could start (y).', hint: '' });
    expect(workers).toHaveLength(2);
  });

  it('asks the worker to switch during a live run, and starts a fresh worker between runs', () => {
    const bridge = makeBridge();
    bridge.init('wasm');
    const runId = bridge.run(DEFAULT_CONFIG);
    latest().emit({ type: 'status', runId, status: 'running' });
    bridge.switchBackend('cpu');
    expect(workers).toHaveLength(1);
    expect(latest().sent.at(-1)).toEqual({ type: 'switch-backend', backend: 'cpu' });
    latest().emit({ type: 'status', runId, status: 'done' });
    bridge.switchBackend('wasm');
    expect(workers).toHaveLength(2);
    expect(latest().sent[0]).toMatchObject({ type: 'init', backend: 'wasm' });
  });

  it('reads the device-loss test hook from the page URL', () => {
    expect(workerOptionsFromSearch('?probe=0&loseDeviceAtStep=2')).toEqual({ probe: { off: true }, loseDeviceAtStep: 2 });
    expect(workerOptionsFromSearch('?loseDeviceAtStep=0')).toEqual({});
  });
});
