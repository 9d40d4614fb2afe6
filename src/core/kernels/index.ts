/**
 * Fused training kernels (see spec.ts): registered once for every backend with an
 * implementation; ops.ts uses them where the active backend has them and falls back to
 * tfjs's own operations elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { KERNELS, type FusedKernelName } from './spec';
import { registerTypedArrayKernels } from './typed';
import { registerWebGlKernels } from './webgl';
import { registerWebGlStage1Kernels } from './webglStage1';
import { registerWebGlStage2Kernels } from './webglStage2';
import { registerWebGpuKernels } from './webgpu';
import { registerWebGpuStage1Kernels } from './webgpuStage1';
import { registerWebGpuStage2Kernels } from './webgpuStage2';

export { KERNELS, type FusedKernelName } from './spec';

let registered = false;

/** Registers the fused kernels for cpu, wasm, webgl and webgpu (once; later calls do nothing). */
export function registerFusedKernels(): void {
  if (registered) return;
  registered = true;
  registerTypedArrayKernels();
  registerWebGpuKernels();
  registerWebGpuStage1Kernels();
  registerWebGpuStage2Kernels();
  registerWebGlKernels();
  registerWebGlStage1Kernels();
  registerWebGlStage2Kernels();
}

/**
 * Which fused kernels run: `auto` (the default) those that make a step faster on the active
 * backend, `all` every one the backend has, `none` none (tfjs's own operations: the
 * reference of the tests and the bench).
 */
export type FusedMode = 'auto' | 'all' | 'none';
export const FUSED_MODES: readonly FusedMode[] = ['auto', 'all', 'none'];

/** tfjs flag holding the FusedMode. */
export const FUSED_KERNELS_FLAG = 'REFILLED_FUSED_KERNELS';
tf.env().registerFlag(FUSED_KERNELS_FLAG, () => 'auto');

/** Sets which fused kernels run (see FusedMode). */
export function setFusedMode(mode: FusedMode): void {
  tf.env().set(FUSED_KERNELS_FLAG, mode);
}

/** The FusedMode in force (an unknown flag value reads as `auto`). */
export function fusedMode(): FusedMode {
  const v = tf.env().get(FUSED_KERNELS_FLAG);
  return v === 'all' || v === 'none' ? v : 'auto';
}

/**
 * Kernels that `auto` leaves out per backend, because they make its step slower. On wasm the
 * batch-norm kernels are JavaScript loops, slower than tfjs's SIMD WebAssembly kernels they
 * replace (node wasm, default student, plain step: 85 against 68 ms; 75 against 72 ms once
 * their ReLU masks were made branchless, stage steps 80 against 70–73 ms), and a dispatch
 * there costs microseconds, not the tenth of a millisecond it costs on a GPU.
 */
const SLOWER_ON: Record<string, ReadonlySet<FusedKernelName>> = {
  wasm: new Set([KERNELS.bnMoments, KERNELS.bnReluForward, KERNELS.bnReluGradSums, KERNELS.bnReluGradInput]),
};

/** Whether all of `names` run fused on a backend: registered there and chosen by the mode. */
export function fusedOn(names: readonly FusedKernelName[], backendName: string = tf.getBackend()): boolean {
  registerFusedKernels();
  const mode = fusedMode();
  if (mode === 'none') return false;
  const slower = mode === 'auto' ? SLOWER_ON[backendName] : undefined;
  return names.every((n) => tf.getKernel(n, backendName) !== undefined && !slower?.has(n));
}

/** Every fused kernel's name. */
export const ALL_KERNELS: readonly FusedKernelName[] = Object.values(KERNELS);
