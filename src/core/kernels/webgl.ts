/** The fused kernels as GLSL programs for tfjs's `webgl` backend (not yet written). */
export function registerWebGlKernels(): void {}
