/**
 * Fused training kernels (see spec.ts): registered once for every backend with an
 * implementation; ops.ts uses them where the active backend has them and falls back to
 * tfjs's own operations elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { KERNELS, type FusedKernelName } from './spec';
import { registerTypedArrayKernels } from './typed';
import { registerWebGlKernels } from './webgl';
import { registerWebGpuKernels } from './webgpu';

export { KERNELS, type FusedKernelName } from './spec';

let registered = false;

/** Registers the fused kernels for cpu, wasm, webgl and webgpu (once; later calls do nothing). */
export function registerFusedKernels(): void {
  if (registered) return;
  registered = true;
  registerTypedArrayKernels();
  registerWebGpuKernels();
  registerWebGlKernels();
}

/**
 * Whether the fused kernels may run on a backend: all of `names` are registered there and
 * the tfjs flag REFILLED_FUSED_KERNELS is on (the default; off, every step takes tfjs's
 * own operations, which the tests and the bench use as the reference).
 */
export function fusedOn(names: readonly FusedKernelName[], backendName: string = tf.getBackend()): boolean {
  registerFusedKernels();
  return tf.env().getBool(FUSED_KERNELS_FLAG) && names.every((n) => tf.getKernel(n, backendName) !== undefined);
}

/** tfjs flag: use the fused kernels where a backend has them (default true). */
export const FUSED_KERNELS_FLAG = 'REFILLED_FUSED_KERNELS';
tf.env().registerFlag(FUSED_KERNELS_FLAG, () => true);

/** Every fused kernel's name. */
export const ALL_KERNELS: readonly FusedKernelName[] = Object.values(KERNELS);
