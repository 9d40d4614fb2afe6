/**
 * Node-side tfjs backends. `cpu` is tfjs's pure-JavaScript backend; `wasm` (XNNPACK, SIMD)
 * runs matrix products and forward convolutions about 20× faster here, and trains because
 * convolution filter gradients are computed as matrix products (see core/model/conv.ts).
 * `webgpu` runs tfjs's WebGPU backend on a real GPU through Dawn's Node bindings (see
 * ./webgpu.ts); it needs a Vulkan driver and finds no adapter on machines without one.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { startNodeWebGpu } from './webgpu';

export const NODE_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

/** A backend that could not start here, with the reason in one line. */
export class NodeBackendError extends Error {
  readonly code = 'backend-unavailable';
}

/**
 * Selects and initialises a backend; throws NodeBackendError with a readable reason when it
 * cannot start. Returns the GPU adapter in words for `webgpu`.
 */
export async function useNodeBackend(name: NodeBackend): Promise<{ adapter?: string }> {
  if (name === 'webgpu') {
    const started = await startNodeWebGpu();
    if (!started.ok) throw new NodeBackendError(`The tfjs "webgpu" backend could not start in this Node.js: ${started.why}.`);
    return { adapter: started.adapter };
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new NodeBackendError(`The tfjs "${name}" backend could not start in this Node.js.`);
  await tf.ready();
  return {};
}
