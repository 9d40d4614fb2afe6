/** The runtime badge for a measured, a cached and a forced backend (static HTML in Node). */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { BackendInfo } from '../../protocol/messages';
import { PROBE_FORMAT, type ProbeRecord } from '../../protocol/probe';
import { useRunStore } from '../../state/runStore';
import { SoftwareGpuNotice } from '../banners/SoftwareGpuNotice';
import { RuntimeBadge } from './RuntimeBadge';

// Server rendering reads a zustand store's *initial* state; read the current one instead.
vi.mock('../../state/runStore', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../state/runStore')>();
  const hook = <T,>(selector: (s: ReturnType<typeof real.useRunStore.getState>) => T) => selector(real.useRunStore.getState());
  return { ...real, useRunStore: Object.assign(hook, real.useRunStore) };
});

const reason = 'WebAssembly: 3.1× faster than WebGPU (software adapter) here; measured 12 ms vs 37 ms per step';
const record: ProbeRecord = { format: PROBE_FORMAT, fingerprint: 'fp', measuredAt: 1, choice: 'wasm', reason, measurements: [{ backend: 'wasm', stepMs: 12 }, { backend: 'webgpu', stepMs: 37, software: true }], probeMs: 2000 };

describe('RuntimeBadge', () => {
  it('shows why a measured backend won, its threads, and offers Re-measure', () => {
    const measured: BackendInfo = { name: 'wasm', reason, forced: false, threads: 2, adapter: 'google swiftshader', probe: { ...record, cached: false } };
    useRunStore.getState().setBackend(measured, 0);
    const html = renderToStaticMarkup(<RuntimeBadge />);
    expect(html).toContain('3.1× faster than WebGPU (software adapter) here; measured 12 ms vs 37 ms per step');
    expect(html).toContain('data-testid="backend-probe" data-cached="false"');
    expect(html).toContain('data-testid="wasm-threads" data-threads="2"');
    expect(html).toContain('2 threads');
    expect(html).toContain('data-testid="remeasure"');
    // A measured choice is not a fallback, and no software notice second-guesses it.
    expect(html).not.toContain('runtime--fallback');
    expect(renderToStaticMarkup(<SoftwareGpuNotice />)).toBe('');
    useRunStore.getState().setBackend({ ...measured, probe: { ...record, cached: true } }, 0);
    expect(renderToStaticMarkup(<RuntimeBadge />)).toContain('data-cached="true"');
  });

  it('a forced backend has no probe tag and no Re-measure', () => {
    useRunStore.getState().setBackend({ name: 'cpu', reason: 'CPU (plain JavaScript), as the link asks (backend=cpu)', forced: true }, 0);
    const html = renderToStaticMarkup(<RuntimeBadge />);
    expect(html).toContain('forced');
    expect(html).not.toContain('backend-probe');
    expect(html).not.toContain('remeasure');
    expect(html).not.toContain('wasm-threads');
  });
});
