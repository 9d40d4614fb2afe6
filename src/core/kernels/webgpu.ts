/** The fused kernels as WGSL programs for tfjs's `webgpu` backend (not yet written). */
export function registerWebGpuKernels(): void {}
