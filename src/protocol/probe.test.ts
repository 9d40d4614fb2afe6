import { describe, expect, it } from 'vitest';
import { clearProbeRecord, decideBackend, fingerprintKey, loadProbeRecord, PROBE_FORMAT, PROBE_STORAGE_KEY, saveProbeRecord, softwareSkipReason, validCachedProbe, type ProbeMeasurement, type ProbeRecord, type ProbeStore } from './probe';

function mapStore(): ProbeStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('decideBackend', () => {
  it('picks the fastest and compares it with the backend the fixed order would have taken', () => {
    // 37 / 12 = 3.08 → "3.1×".
    const d = decideBackend([
      { backend: 'wasm', stepMs: 12, threads: 2 },
      { backend: 'webgl', stepMs: 300, software: true },
      { backend: 'webgpu', stepMs: 37, software: true },
    ]);
    expect(d).toEqual({ choice: 'wasm', reason: 'WebAssembly: 3.1× faster than WebGPU (software adapter) here; measured 12 ms vs 37 ms per step' });
  });

  it('when the preferred backend wins, compares it with the runner-up', () => {
    const d = decideBackend([
      { backend: 'wasm', stepMs: 40 },
      { backend: 'webgl', stepMs: 9.5 },
      { backend: 'webgpu', stepMs: 4.75 },
    ]);
    // Runner-up is WebGL: 9.5 / 4.75 = 2.0.
    expect(d).toEqual({ choice: 'webgpu', reason: 'WebGPU: 2.0× faster than WebGL here; measured 4.8 ms vs 9.5 ms per step' });
  });

  it('gives a tie within 5 % to the preferred backend', () => {
    const d = decideBackend([
      { backend: 'wasm', stepMs: 100 },
      { backend: 'webgl', stepMs: 104 },
    ]);
    expect(d?.choice).toBe('webgl');
    expect(d?.reason).toBe('WebGL: as fast as WebAssembly here (within 5 %), and preferred; measured 104 ms vs 100 ms per step');
    // Just outside the tie: 106 > 100 × 1.05.
    expect(decideBackend([{ backend: 'wasm', stepMs: 100 }, { backend: 'webgl', stepMs: 106 }])?.choice).toBe('wasm');
  });

  it('names what was not measured, and copes with a single measurement', () => {
    const d = decideBackend([
      { backend: 'wasm', stepMs: 55 },
      { backend: 'webgl', skipped: 'unavailable (no context)' },
      { backend: 'webgpu', skipped: 'unavailable (navigator.gpu is missing)' },
    ]);
    expect(d).toEqual({ choice: 'wasm', reason: 'WebAssembly: the only backend measured here (55 ms per step); WebGL unavailable (no context); WebGPU unavailable (navigator.gpu is missing)' });
  });

  it('writes large ratios without decimals and ignores non-finite times', () => {
    const d = decideBackend([
      { backend: 'wasm', stepMs: 20 },
      { backend: 'webgpu', stepMs: 700, software: true },
      { backend: 'webgl', stepMs: Number.NaN },
    ]);
    expect(d?.reason).toBe('WebAssembly: 35× faster than WebGPU (software adapter) here; measured 20 ms vs 700 ms per step');
  });

  it('returns null when nothing was measured', () => {
    expect(decideBackend([])).toBeNull();
    expect(decideBackend([{ backend: 'webgpu', skipped: 'unavailable (no adapter)' }])).toBeNull();
  });
});

describe('the cached choice', () => {
  const fingerprint = fingerprintKey({ appVersion: '0.1.0', userAgent: 'Chromium/156', adapter: 'google swiftshader', isolated: true });
  const record: ProbeRecord = { format: PROBE_FORMAT, fingerprint, measuredAt: 1_800_000_000_000, choice: 'wasm', reason: 'WebAssembly: …', measurements: [{ backend: 'wasm', stepMs: 12 }, { backend: 'webgpu', skipped: 'x' }], probeMs: 2400 };

  it('is valid for the same app version, browser, adapter and isolation only', () => {
    expect(validCachedProbe(record, fingerprint)).toEqual(record);
    for (const changed of [
      { appVersion: '0.2.0', userAgent: 'Chromium/156', adapter: 'google swiftshader', isolated: true },
      { appVersion: '0.1.0', userAgent: 'Chromium/157', adapter: 'google swiftshader', isolated: true },
      { appVersion: '0.1.0', userAgent: 'Chromium/156', adapter: 'nvidia ampere', isolated: true },
      { appVersion: '0.1.0', userAgent: 'Chromium/156', adapter: 'google swiftshader', isolated: false },
    ]) {
      expect(validCachedProbe(record, fingerprintKey(changed))).toBeNull();
    }
  });

  it('rejects malformed or older records', () => {
    expect(validCachedProbe(null, fingerprint)).toBeNull();
    expect(validCachedProbe('wasm', fingerprint)).toBeNull();
    expect(validCachedProbe({ ...record, format: PROBE_FORMAT - 1 }, fingerprint)).toBeNull();
    expect(validCachedProbe({ ...record, choice: 'tpu' }, fingerprint)).toBeNull();
    expect(validCachedProbe({ ...record, measurements: [{ backend: 'wasm', stepMs: '12' }] }, fingerprint)).toBeNull();
    expect(validCachedProbe({ ...record, reason: undefined }, fingerprint)).toBeNull();
  });

  it('round-trips through the store; unreadable or refused storage costs only a new probe', () => {
    const store = mapStore();
    expect(loadProbeRecord(store)).toBeNull();
    saveProbeRecord(store, record);
    expect(loadProbeRecord(store)).toEqual(record);
    clearProbeRecord(store);
    expect(loadProbeRecord(store)).toBeNull();
    store.map.set(PROBE_STORAGE_KEY, '{not json');
    expect(loadProbeRecord(store)).toBeNull();
    const refusing: ProbeStore = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(() => saveProbeRecord(refusing, record)).not.toThrow();
    expect(loadProbeRecord(refusing)).toBeNull();
    expect(() => clearProbeRecord(refusing)).not.toThrow();
    expect(loadProbeRecord(null)).toBeNull();
  });
});

describe('softwareSkipReason', () => {
  it('skips a software GPU backend once WebAssembly is timed, and only then', () => {
    const wasm: ProbeMeasurement = { backend: 'wasm', stepMs: 52, steps: 3 };
    expect(softwareSkipReason([wasm], true)).toMatch(/renders in software here: not measured/);
    expect(softwareSkipReason([wasm], false)).toBeNull();
    // WebAssembly did not start: the software GPU may still beat plain JavaScript, so it is timed.
    expect(softwareSkipReason([{ backend: 'wasm', skipped: 'unavailable (no WebAssembly)' }], true)).toBeNull();
    expect(softwareSkipReason([], true)).toBeNull();
  });

  it('names the skipped backend in the decision, after the only backend measured', () => {
    const measurements: ProbeMeasurement[] = [
      { backend: 'wasm', stepMs: 52, steps: 3 },
      { backend: 'webgl', skipped: softwareSkipReason([{ backend: 'wasm', stepMs: 52 }], true)!, software: true },
    ];
    const d = decideBackend(measurements)!;
    expect(d.choice).toBe('wasm');
    expect(d.reason).toBe('WebAssembly: the only backend measured here (52 ms per step); WebGL renders in software here: not measured (23–48× slower than WebAssembly wherever we measured it)');
  });
});
