/**
 * Runs scripts/bench-memory.ts in a fresh Node process as plain JavaScript: a bundle, as the
 * device pack ships it, not through tsx. tsx compiles TypeScript inside the process it
 * measures (about 110 MB of resident memory before any of our code runs: Node with tfjs
 * alone starts at about 70 MB), which is the development tool's footprint, not the product's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundleForNode } from '../bundle';

/** The bundled memory script: beside this bundle in a device pack, else built with esbuild into `outDir`. */
async function memoryScript(root: string, outDir: string): Promise<string> {
  // The script Node runs (a pack's bench.mjs); not import.meta.url, which the pack rewrites to this file's.
  const running = process.argv[1] ?? '';
  const packed = path.join(path.dirname(running), 'bench-memory.mjs');
  if (running.endsWith('.mjs') && existsSync(packed)) return packed;
  const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  return bundleForNode({ root, entry: path.join(root, 'scripts/bench-memory.ts'), outfile: path.join(outDir, 'bench-memory.mjs'), wasmPaths: JSON.stringify(wasmDir), defaultRoot: JSON.stringify(root) });
}

/** Peak memory of the default demo on a Node backend, printed by the script; false when it did not finish. */
export async function runMemory(root: string, outDir: string, backend: string): Promise<boolean> {
  const script = await memoryScript(root, outDir);
  const r = spawnSync(process.execPath, [script, '--backend', backend, '--json', path.join(outDir, `memory-${backend}.json`)], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  return r.status === 0;
}
