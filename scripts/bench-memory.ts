/**
 * Peak memory of the default demo (both stages, the app's default configuration) in Node:
 * resident set size, the WebAssembly heap (which never shrinks once grown) and the bytes
 * held by live tensors, sampled after every step and every evaluation. Runs in a process
 * of its own so that nothing measured before counts.
 *
 *   npx tsx scripts/bench-memory.ts [--backend wasm|cpu|webgpu] [--json out.json]
 *   npm run bench                        # the same for node-wasm (and node-webgpu where
 *                                        # benched), bundled: without tsx in the process
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { useNodeBackend, type NodeBackend } from '../src/cli/backend';
import { releaseNodeWebGpu } from '../src/cli/webgpu';
import { nodeFetchBytes } from '../src/core/data/node-fs';
import { sampleExperimentSplits } from '../src/core/data/splits';
import { AssetCache } from '../src/core/run';
import { Experiment } from '../src/core/trainer/experiment';
import { DEFAULT_CONFIG } from '../src/protocol/config';

export interface MemoryRow {
  backend: string;
  steps: number;
  seconds: number;
  peakRssMB: number;
  peakWasmHeapMB: number;
  peakTensorMB: number;
  /** WebGPU: the peak of the bytes tfjs holds in GPU buffers (its own count), 0 elsewhere. */
  peakGpuMB: number;
  finalTestAccuracy: number;
}

const ROOT = process.env.REFILLED_ROOT ? path.resolve(process.env.REFILLED_ROOT) : fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const MB = 2 ** 20;

async function main(): Promise<void> {
  const backend = option('--backend', 'wasm') as NodeBackend;
  await useNodeBackend(backend);
  const wasmHeap = () => (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length ?? 0;
  // tfjs's WebGPU backend adds its buffer counts to tf.memory().
  const gpuBytes = () => (tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? 0;
  const peak = { rss: 0, wasm: 0, tensors: 0, gpu: 0 };
  const sample = () => {
    peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
    peak.wasm = Math.max(peak.wasm, wasmHeap());
    peak.tensors = Math.max(peak.tensors, tf.memory().numBytes);
    peak.gpu = Math.max(peak.gpu, gpuBytes());
  };
  const t0 = performance.now();
  const assets = new AssetCache({ data: nodeFetchBytes(path.join(ROOT, 'public/data')), teachers: nodeFetchBytes(path.join(ROOT, 'public/teachers')) });
  const dataset = await assets.dataset(DEFAULT_CONFIG.dataset);
  const { teacher } = await assets.teacher(DEFAULT_CONFIG.teacher);
  const splits = sampleExperimentSplits(dataset, { studentClasses: DEFAULT_CONFIG.studentClasses, shotsPerClass: DEFAULT_CONFIG.shotsPerClass, validationFraction: DEFAULT_CONFIG.validationFraction, seed: DEFAULT_CONFIG.seed });
  const exp = await Experiment.create(DEFAULT_CONFIG, splits, teacher, { backend, classNames: [] });
  sample();
  let steps = 0;
  while (exp.stage !== 'done') {
    await exp.step();
    steps += 1;
    sample();
  }
  const result = await exp.result();
  sample();
  const row: MemoryRow = {
    backend: `node ${backend}`,
    steps,
    seconds: (performance.now() - t0) / 1000,
    peakRssMB: peak.rss / MB,
    peakWasmHeapMB: peak.wasm / MB,
    peakTensorMB: peak.tensors / MB,
    peakGpuMB: peak.gpu / MB,
    finalTestAccuracy: result.final.testAccuracy,
  };
  exp.dispose();
  assets.dispose();
  const json = option('--json', '');
  if (json) await writeFile(json, JSON.stringify(row));
  console.log(`default demo on node ${backend}: ${steps} steps in ${row.seconds.toFixed(1)} s; peak resident ${row.peakRssMB.toFixed(0)} MB, wasm heap ${row.peakWasmHeapMB.toFixed(0)} MB, live tensors ${row.peakTensorMB.toFixed(1)} MB${backend === 'webgpu' ? `, GPU buffers ${row.peakGpuMB.toFixed(1)} MB` : ''} (goal: under 300 MB)`);
  if (backend === 'webgpu') releaseNodeWebGpu();
}

await main();
