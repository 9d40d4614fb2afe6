/** Runs re-opened from the history and new runs of the bridge never share a run id. */
import { beforeEach, describe, expect, it } from 'vitest';
import { Bridge, type WorkerPort } from '../../bridge/bridge';
import { DEFAULT_CONFIG } from '../../protocol/config';
import type { WorkerRequest } from '../../protocol/messages';
import { useRunStore } from '../runStore';
import { storedRunToRunRecord } from './runFileOf';
import { storedRun } from './testRuns';

const sent: WorkerRequest[] = [];
const worker: WorkerPort = {
  postMessage: (m: WorkerRequest) => void sent.push(m),
  terminate: () => undefined,
  onmessage: null,
  onerror: null,
  onmessageerror: null,
} as unknown as WorkerPort;

beforeEach(() => {
  useRunStore.setState(useRunStore.getInitialState(), true);
  sent.length = 0;
});

describe('run ids with re-opened runs', () => {
  it('a new run takes an id no re-opened run holds, and a re-opened run one no session run holds', () => {
    const bridge = new Bridge({ createWorker: () => worker, baseUrl: 'http://127.0.0.1/app/' });
    const s = () => useRunStore.getState();
    const saved = (id: string) => storedRunToRunRecord(storedRun(id, '2026-01-01T00:00:00.000Z', { testAccuracy: 0.5 }), 0);
    expect(s().loadSavedRuns([saved('a-1'), saved('a-2')], true)).toEqual([1, 2]);
    const first = bridge.run(DEFAULT_CONFIG);
    expect(first).toBe(3);
    expect(s().loadSavedRuns([saved('a-3'), saved('a-1')], false)).toEqual([4, 1]);
    bridge.stop();
    expect(bridge.run(DEFAULT_CONFIG)).toBe(5);
    const ids = s().runs.map((r) => r.runId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sent.filter((m) => m.type === 'configure').map((m) => m.runId)).toEqual([3, 5]);
  });
});
