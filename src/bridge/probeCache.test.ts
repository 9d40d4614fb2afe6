import { describe, expect, it } from 'vitest';
import type { BackendInfo, WorkerEvent, WorkerRequest } from '../protocol/messages';
import { PROBE_FORMAT, PROBE_STORAGE_KEY, type ProbeRecord, type ProbeStore } from '../protocol/probe';
import { useRunStore } from '../state/runStore';
import { Bridge, type WorkerPort } from './bridge';
import { rememberProbe, withProbe } from './probeCache';

function mapStore(): ProbeStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

const record: ProbeRecord = { format: PROBE_FORMAT, fingerprint: 'fp', measuredAt: 1, choice: 'wasm', reason: 'WebAssembly: 3.1× faster than WebGPU', measurements: [{ backend: 'wasm', stepMs: 12 }], probeMs: 2000 };
const measured: BackendInfo = { name: 'wasm', reason: record.reason, forced: false, probe: { ...record, cached: false } };

describe('the page side of the measured choice', () => {
  it('stores a fresh measurement and hands it to the next worker', () => {
    const store = mapStore();
    expect(withProbe({}, null, store, false)).toEqual({ probe: { cached: null } });
    rememberProbe(measured, store);
    expect(JSON.parse(store.map.get(PROBE_STORAGE_KEY)!)).toEqual(record);
    expect(withProbe({ embeddings: false }, null, store, false)).toEqual({ embeddings: false, probe: { cached: record } });
  });

  it('does not store a cached choice again, nor a forced backend', () => {
    const store = mapStore();
    rememberProbe({ ...measured, probe: { ...record, cached: true } }, store);
    rememberProbe({ name: 'cpu', reason: 'CPU, as the link asks', forced: true }, store);
    expect(store.map.size).toBe(0);
  });

  it('re-measure drops the stored record; a forced backend or probe=0 sends no probe', () => {
    const store = mapStore();
    rememberProbe(measured, store);
    expect(withProbe({}, null, store, true)).toEqual({ probe: { remeasure: true } });
    expect(store.map.size).toBe(0);
    expect(withProbe({}, 'webgl', store, false)).toEqual({});
    expect(withProbe({ probe: { off: true } }, null, store, false)).toEqual({ probe: { off: true } });
  });
});

describe('the bridge with a probe store', () => {
  class FakeWorker implements WorkerPort {
    readonly sent: WorkerRequest[] = [];
    onmessage: ((event: MessageEvent<WorkerEvent>) => void) | null = null;
    onerror: ((event: ErrorEvent) => void) | null = null;
    onmessageerror: ((event: MessageEvent) => void) | null = null;
    postMessage(message: WorkerRequest): void {
      this.sent.push(message);
    }
    terminate(): void {}
    emit(event: WorkerEvent): void {
      this.onmessage?.({ data: event } as MessageEvent<WorkerEvent>);
    }
  }

  it('sends the cached record to a fresh worker, keeps what a worker measured, and re-measures on request', () => {
    const store = mapStore();
    const workers: FakeWorker[] = [];
    const bridge = new Bridge({ probeStore: store, createWorker: () => workers[workers.push(new FakeWorker()) - 1] });
    bridge.init(null);
    expect(workers[0].sent[0]).toMatchObject({ type: 'init', backend: null, options: { probe: { cached: null } } });
    workers[0].emit({ type: 'ready', backend: measured, numTensors: 0 });
    expect(JSON.parse(store.map.get(PROBE_STORAGE_KEY)!)).toEqual(record);
    expect(useRunStore.getState().backend?.probe?.choice).toBe('wasm');

    bridge.remeasure();
    expect(workers[1].sent[0]).toMatchObject({ type: 'init', backend: null, options: { probe: { remeasure: true } } });
    expect(store.map.size).toBe(0);

    // Forcing a backend sends no probe at all.
    bridge.init('cpu');
    expect(workers[2].sent[0]).toEqual({ type: 'init', backend: 'cpu', options: {} });
  });
});
