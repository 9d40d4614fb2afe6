/**
 * A run that survives its backend: when the WebGPU device is lost, or the user switches the
 * backend during a run, the worker moves the run to another backend and continues it from its
 * last training checkpoint (core/trainer/checkpoint.ts). What is pure about that lives here:
 * which backend comes next, and the notice the user reads.
 */
import type { BackendInfo, BackendName } from './messages';
import { BACKEND_LABELS, BACKEND_PREFERENCE } from './probe';

/** Why a run moved to another backend. */
export type ResumeCause = 'device-lost' | 'switched';

/**
 * The untimed order after a GPU that rendered in software was lost: the machine has no usable
 * GPU, so WebGL most likely renders in software too, and WebAssembly trained 23–48× faster
 * than either wherever we measured it (the probe skips them for the same reason).
 */
const SOFTWARE_FALLBACK: readonly BackendName[] = ['wasm', 'webgl', 'webgpu', 'cpu'];

/**
 * Backends to fall back to from `current`, best first: the probe's ranking (measured step
 * time, fastest first) when the backend was chosen by measurement, then the backends it did
 * not time in the fixed order WebGPU → WebGL → WebAssembly → CPU (WebAssembly first when
 * `current` rendered in software). `current` and the `unusable` ones (a lost device, a
 * backend that failed to start) are left out.
 */
export function fallbackOrder(current: BackendInfo, unusable: readonly BackendName[] = []): BackendName[] {
  const measured = (current.probe?.measurements ?? [])
    .filter((m): m is typeof m & { stepMs: number } => m.stepMs !== undefined && Number.isFinite(m.stepMs) && m.stepMs > 0)
    .sort((a, b) => a.stepMs - b.stepMs)
    .map((m) => m.backend);
  const order = current.software ? SOFTWARE_FALLBACK : BACKEND_PREFERENCE;
  const ranked = [...measured, ...order.filter((b) => !measured.includes(b))];
  return ranked.filter((b) => b !== current.name && !unusable.includes(b));
}

/** A backend's name for the user ("WebAssembly", "CPU (plain JavaScript)"). */
export const backendLabel = (name: BackendName): string => BACKEND_LABELS[name];

/** The confirmation asked before switching during a run. */
export const switchQuestion = (backend: BackendName): string => `Switch to ${backendLabel(backend)}? The run continues from its last checkpoint.`;

/**
 * The notice shown on the run: e.g. "The GPU device was lost at step 37; the run continues
 * from step 35 on WebAssembly", or "Switched to CPU (plain JavaScript) at step 12; the run
 * continues from step 10". `fromStep` 0: no checkpoint yet, the run starts over. `refused`: the
 * switch's target did not start, and the run stays on `backend` ("WebGL did not start (…);
 * the run continues from step 10 on WebAssembly").
 */
export function resumeNotice(cause: ResumeCause, atStep: number, fromStep: number, backend: BackendName, refused?: { backend: BackendName; why: string }): string {
  const label = backendLabel(backend);
  const from = fromStep > 0 ? `continues from step ${fromStep}` : 'starts over from step 0 (no checkpoint yet)';
  if (refused) return `${backendLabel(refused.backend)} did not start (${refused.why}); the run ${from} on ${label}`;
  return cause === 'device-lost' ? `The GPU device was lost at step ${atStep}; the run ${from} on ${label}` : `Switched to ${label} at step ${atStep}; the run ${from}`;
}
