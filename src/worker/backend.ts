/**
 * Picks the tfjs backend in the browser (worker or page): the one the link asks for
 * (`backend=`), else WebGPU → WebGL → CPU, and says why in words. Runs before any tensor
 * exists: switching backends with live tensors reads them back synchronously, which is
 * unsafe on WebGPU.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendInfo, BackendName } from '../protocol/messages';
import { BACKEND_LABELS as LABEL } from '../protocol/probe';
import { isSoftwareAdapter, setWebGpuSoftwareAdapter } from '../core/model/conv';

const DEFAULT_ORDER: BackendName[] = ['webgpu', 'webgl', 'cpu'];

export interface BackendOptions {
  /**
   * tfjs's WEBGPU_CONV_SEPARATE_IM2COL_SHADER. null: on for a software adapter (SwiftShader,
   * where it halved a training step), tfjs's default on real GPUs, which like its
   * barrier-tiled convolution and were not measured with the switch.
   */
  webgpuSeparateIm2col?: boolean | null;
  /**
   * WebAssembly threads where the page is cross-origin isolated. Default: tfjs's choice, half
   * the logical cores, at most 4 (one on a 2-core machine, where two threads measured slower:
   * docs/deployment.md). 1: single-threaded.
   */
  wasmThreads?: number;
}

/** No backend could start (not even the CPU one). */
export class BackendError extends Error {
  readonly code = 'backend-unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}

export type Attempt = { ok: true; adapter?: string; software?: boolean; threads?: number } | { ok: false; why: string };

/** Runs tf.setBackend, keeping what tfjs logs (it catches the factory's error and only warns). */
async function setBackendWithReason(name: BackendName): Promise<Attempt> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  try {
    const ok = await tf.setBackend(name);
    if (ok) {
      await tf.ready();
      return { ok: true };
    }
    const detail = warnings.filter((w) => !w.startsWith('Initialization of backend')).map((w) => w.split('\n')[0]);
    return { ok: false, why: `tf.setBackend('${name}') failed${detail.length > 0 ? `: ${detail.join('; ')}` : ''}` };
  } catch (e) {
    return { ok: false, why: `tf.setBackend('${name}') failed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    console.warn = warn;
  }
}

export function adapterText(info: GPUAdapterInfo | undefined): string | undefined {
  if (!info) return undefined;
  const text = [info.vendor, info.architecture, info.description].filter((s) => s && s.length > 0).join(' ');
  return text.length > 0 ? text : undefined;
}


async function tryWebGpu(options: BackendOptions): Promise<Attempt> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { ok: false, why: 'navigator.gpu is missing' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { ok: false, why: `requestAdapter() failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!adapter) return { ok: false, why: 'no adapter' };
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const attempt = await setBackendWithReason('webgpu');
  if (!attempt.ok) return attempt;
  const software = isSoftwareAdapter(info);
  setWebGpuSoftwareAdapter(software);
  const im2col = options.webgpuSeparateIm2col ?? (software ? true : null);
  if (im2col !== null) tf.env().set('WEBGPU_CONV_SEPARATE_IM2COL_SHADER', im2col);
  return { ok: true, adapter: adapterText(info), software };
}

/**
 * Starts one backend (or switches back to one already started). WebGL says whether it
 * renders in software, WebAssembly how many threads it runs.
 */
export async function tryBackend(name: BackendName, options: BackendOptions = {}): Promise<Attempt> {
  switch (name) {
    case 'webgpu':
      return tryWebGpu(options);
    case 'wasm': {
      // Loaded only when asked for: most pages never use it.
      const { setThreadsCount, setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
      const threads = options.wasmThreads;
      if (threads !== undefined && threads <= 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      else if (threads !== undefined) setThreadsCount(threads);
      setWasmPaths({
        'tfjs-backend-wasm.wasm': wasmUrl,
        'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
      });
      const restore = threads !== undefined && threads > 1 ? reportLogicalCores(2 * threads) : () => {};
      const attempt = await setBackendWithReason('wasm').finally(restore);
      return attempt.ok ? { ...attempt, threads: wasmThreads() } : attempt;
    }
    case 'webgl': {
      const attempt = await setBackendWithReason('webgl');
      return attempt.ok && softwareWebGl() ? { ...attempt, software: true } : attempt;
    }
    case 'cpu':
      return setBackendWithReason(name);
  }
}

/**
 * Starts the requested backend, or the best one available, and describes the choice:
 * e.g. "WebGPU unavailable (navigator.gpu is missing); using WebGL". A requested backend
 * that fails falls back like an unrequested one (then `forced` is false). Throws
 * BackendError only when nothing starts.
 */
export async function selectBackend(requested: BackendName | null, options: BackendOptions = {}): Promise<BackendInfo> {
  const order = requested ? [requested, ...DEFAULT_ORDER.filter((b) => b !== requested)] : DEFAULT_ORDER;
  const failures: string[] = [];
  for (const name of order) {
    const attempt = await tryBackend(name, options);
    if (!attempt.ok) {
      failures.push(`${LABEL[name]} unavailable (${attempt.why})`);
      continue;
    }
    const forced = requested === name;
    const why = forced ? `${LABEL[name]}, as the link asks (backend=${name})` : failures.length === 0 ? `${LABEL[name]}, the best available` : `${failures.join('; ')}; fell back to ${LABEL[name]}`;
    return {
      name,
      reason: requested && !forced ? `backend=${requested} was asked for, but ${why}` : why,
      forced,
      ...(attempt.adapter ? { adapter: attempt.adapter } : {}),
      ...(attempt.software ? { software: true } : {}),
      ...(attempt.threads !== undefined ? { threads: attempt.threads } : {}),
    };
  }
  throw new BackendError(`No TensorFlow.js backend could start: ${failures.join('; ')}.`);
}

/**
 * tfjs-backend-wasm 4.22 ignores setThreadsCount (tensorflow/tfjs#8513): its XNNPACK pool
 * takes half of `navigator.hardwareConcurrency`, at most 4 — one thread on a 2-core machine.
 * While the backend starts, the worker's navigator reports `cores` so that the pool gets
 * cores / 2 threads; the returned function puts the real value back.
 */
function reportLogicalCores(cores: number): () => void {
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav) return () => {};
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: cores, configurable: true });
  } catch {
    return () => {};
  }
  return () => {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}

/**
 * Threads of the WebAssembly backend: more than one needs SharedArrayBuffer, that is a
 * cross-origin isolated page (COOP + COEP headers). 1 when tfjs cannot say.
 */
function wasmThreads(): number {
  try {
    const b = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
    return b.wasm?.tfjs?.getThreadsCount?.() ?? 1;
  } catch {
    return 1;
  }
}

/** Whether WebGL renders in software (SwiftShader, llvmpipe): its unmasked renderer says so. */
function softwareWebGl(): boolean {
  try {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } }).gpgpu?.gl;
    if (!gl) return false;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return /swiftshader|llvmpipe|software/i.test(renderer);
  } catch {
    return false;
  }
}

/** Devices destroyed by the test hook (`loseDeviceAtStep`): their 'destroyed' counts as a loss. */
const simulatedLosses = new WeakSet<GPUDevice>();
const watched = new WeakSet<GPUDevice>();

/**
 * Calls `onLost` if the WebGPU device behind the current backend is lost (driver reset,
 * GPU process crash); a device destroyed on purpose (backend disposed) is not a loss, unless
 * the test hook destroyed it to simulate one (`simulateDeviceLoss`).
 */
export function watchDeviceLoss(onLost: (message: string) => void): void {
  if (tf.getBackend() !== 'webgpu') return;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  // Once per device: a worker that returns to WebGPU arms the watch again.
  if (!device || watched.has(device)) return;
  watched.add(device);
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') onLost(info.message || 'reason unknown');
    else if (simulatedLosses.has(device)) onLost(`simulated by the test hook (${info.message || 'device destroyed'})`);
  });
}

/**
 * Makes the next start of WebGPU request a new device: tfjs keeps a backend's instance for
 * the page's life, so after a loss tf.setBackend('webgpu') would return the backend of the
 * dead device. Its instance is dropped and its factory (which requests an adapter and a
 * device) registered again. False when that cannot be done (no WebGPU backend registered).
 */
export function renewWebGpu(): boolean {
  const factory = tf.findBackendFactory('webgpu');
  if (!factory) return false;
  // tfjs's registry keeps each factory's priority; WebGPU registers itself at 3.
  const registry = (tf.engine() as unknown as { registryFactory?: Record<string, { priority?: number }> }).registryFactory;
  const priority = registry?.webgpu?.priority ?? 3;
  try {
    tf.removeBackend('webgpu');
  } catch (e) {
    console.warn(`renewWebGpu: the old WebGPU backend could not be removed: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
  return tf.registerBackend('webgpu', factory, priority);
}

/** Test hook: destroys the current WebGPU device as a real loss would end it. False when the backend is not WebGPU. */
export function simulateDeviceLoss(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (!device) return false;
  simulatedLosses.add(device);
  device.destroy();
  return true;
}
