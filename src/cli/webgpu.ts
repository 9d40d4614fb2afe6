/**
 * tfjs's WebGPU backend in Node through Dawn's Node bindings (the `webgpu` package): a real
 * GPU where a Vulkan driver is installed (Linux + NVIDIA, for example), nothing here.
 *
 * tfjs-backend-webgpu registers its backend when it is first imported, and only if
 * `navigator.gpu` exists then: the package is loaded here, after `navigator.gpu` is set.
 * Dawn's robustness stays on, as in the browser (without it the stage-1 loss went NaN).
 */
import * as tf from '@tensorflow/tfjs';
import { isSoftwareAdapter, setWebGpuSoftwareAdapter } from '../core/model/conv';

/** The outcome of starting the backend: the adapter in words, or why it could not start. */
export type NodeWebGpuStart = { ok: true; adapter: string; software: boolean } | { ok: false; why: string };

/** Dawn options for `create()`, e.g. `backend=vulkan` or `adapter=<name>`: REFILLED_DAWN_FLAGS, comma-separated. */
function dawnFlags(): string[] {
  return (process.env.REFILLED_DAWN_FLAGS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** "vendor architecture description" of an adapter, e.g. "nvidia hopper NVIDIA H100 80GB HBM3". */
export function adapterText(info: Partial<GPUAdapterInfo> | undefined): string {
  const text = [info?.vendor, info?.architecture, info?.description, info?.device].filter((s) => typeof s === 'string' && s.length > 0);
  return [...new Set(text)].join(' ') || 'unknown adapter';
}

let started: NodeWebGpuStart | null = null;

/**
 * Makes `navigator.gpu` from Dawn, asks it for a high-performance adapter and starts tfjs's
 * `webgpu` backend on it. Never throws: a missing binary, a missing Vulkan driver or an
 * adapter that fails come back as `{ ok: false, why }` in one line. Idempotent.
 */
export async function startNodeWebGpu(): Promise<NodeWebGpuStart> {
  if (started?.ok) {
    const ok = await tf.setBackend('webgpu');
    if (ok) return started;
  }
  started = await start();
  return started;
}

async function start(): Promise<NodeWebGpuStart> {
  let gpu: GPU;
  try {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    gpu = create(dawnFlags());
  } catch (e) {
    return { ok: false, why: `Dawn's Node bindings (the webgpu package) could not load: ${(e as Error).message.split('\n')[0]}` };
  }
  const holder = globalThis as { navigator?: { gpu?: GPU } };
  // Node 21+ has a navigator object of its own (without gpu); Node 20 has none.
  if (holder.navigator) Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  else holder.navigator = { gpu };

  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { ok: false, why: `requestAdapter() failed: ${(e as Error).message.split('\n')[0]}` };
  }
  if (!adapter) return { ok: false, why: 'no WebGPU adapter found (Dawn needs a Vulkan driver: libvulkan.so.1 and a GPU ICD)' };
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;

  await import('@tensorflow/tfjs-backend-webgpu');
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  try {
    const ok = await tf.setBackend('webgpu');
    if (!ok) {
      const detail = warnings.filter((w) => !w.startsWith('Initialization of backend')).map((w) => w.split('\n')[0]);
      return { ok: false, why: `tf.setBackend('webgpu') failed${detail.length > 0 ? `: ${detail.join('; ')}` : ''}` };
    }
    await tf.ready();
  } catch (e) {
    return { ok: false, why: `tf.setBackend('webgpu') failed: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    console.warn = warn;
  }
  const software = isSoftwareAdapter(info);
  setWebGpuSoftwareAdapter(software);
  // As in the browser (worker/backend.ts): the separate im2col shader for software adapters only.
  if (software) tf.env().set('WEBGPU_CONV_SEPARATE_IM2COL_SHADER', true);
  return { ok: true, adapter: adapterText(info), software };
}

/**
 * Drops the reference to Dawn's `navigator.gpu` so that Node can exit: while it is held,
 * Dawn's background work keeps the process alive.
 */
export function releaseNodeWebGpu(): void {
  const holder = globalThis as { navigator?: { gpu?: GPU } };
  if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  if (holder.navigator && 'gpu' in holder.navigator) delete holder.navigator.gpu;
  started = null;
}

/**
 * For scripts at their end: if something of Dawn's still holds Node after `ms`, exit with
 * the current exit code. The timer is unref'd, so a process that is done exits at once.
 */
export function exitIfHeld(ms = 2000): void {
  setTimeout(() => process.exit(process.exitCode ?? 0), ms).unref();
}
