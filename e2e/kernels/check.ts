/**
 * The browser side of e2e/kernels.spec.ts, imported into e2e/kernels/index.html through the
 * dev server: starts one tfjs backend, runs the fused kernels' self-check on it at each shape
 * asked, and counts the GPU programs each kernel call ran.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { checkFusedKernels, checkPasses, type KernelCheck } from '../../src/core/kernels/selfCheck';

export interface KernelResult extends KernelCheck {
  pass: boolean;
  /** GPU programs (runWebGPUProgram / runWebGLProgram calls, uploads aside) the kernel's one call ran. */
  programs: number;
}

export interface BackendCheck {
  backend: string;
  /** The adapter in words (WebGPU) or the renderer (WebGL). */
  device: string;
  shapes: { shape: number[]; ms: number; results: KernelResult[] }[];
  /** tf.memory().numTensors after the checks minus before. */
  leaked: number;
}

type ProgramRunner = Record<string, (...args: unknown[]) => unknown>;

/** Starts `backend` and checks every fused kernel at each shape against spec.ts's reference loops. */
export async function checkBackend(backend: 'webgpu' | 'webgl', shapes: [number, number, number, number][]): Promise<BackendCheck> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const b = tf.backend() as unknown as ProgramRunner & { adapterInfo?: { vendor?: string; architecture?: string }; gpgpu?: { gl: WebGL2RenderingContext } };
  const device = backend === 'webgpu' ? `${b.adapterInfo?.vendor ?? ''} ${b.adapterInfo?.architecture ?? ''}`.trim() : String(b.gpgpu?.gl.getParameter(b.gpgpu.gl.RENDERER) ?? '');

  // Count the programs run inside each kernel call: the backend's program runner and the
  // engine's runKernel (which the self-check calls once per kernel) are wrapped for the check.
  // Programs run to upload an input from the CPU (WebGL encodes uploads with a program) are
  // not the kernel's: in training its inputs already live on the GPU.
  const method = backend === 'webgpu' ? 'runWebGPUProgram' : 'runWebGLProgram';
  const run = b[method].bind(b);
  const upload = b.uploadToGPU.bind(b);
  let programs = 0;
  let uploading = 0;
  b[method] = (...args: unknown[]) => {
    if (uploading === 0) programs++;
    return run(...args);
  };
  b.uploadToGPU = (...args: unknown[]) => {
    uploading++;
    try {
      return upload(...args);
    } finally {
      uploading--;
    }
  };
  const engine = tf.engine();
  const runKernel = engine.runKernel.bind(engine);
  const perKernel = new Map<string, number>();
  engine.runKernel = ((name: string, inputs: tf.NamedTensorMap, attrs?: tf.NamedAttrMap) => {
    const before = programs;
    const out = runKernel(name, inputs, attrs);
    perKernel.set(name, programs - before);
    return out;
  }) as typeof engine.runKernel;

  const before = tf.memory().numTensors;
  const out: BackendCheck['shapes'] = [];
  try {
    for (const shape of shapes) {
      perKernel.clear();
      const start = performance.now();
      const results = await checkFusedKernels(shape);
      out.push({ shape, ms: performance.now() - start, results: results.map((r) => ({ ...r, pass: checkPasses(r), programs: perKernel.get(r.kernel) ?? 0 })) });
    }
  } finally {
    engine.runKernel = runKernel;
    b[method] = run;
    b.uploadToGPU = upload;
  }
  return { backend: tf.getBackend(), device, shapes: out, leaked: tf.memory().numTensors - before };
}
