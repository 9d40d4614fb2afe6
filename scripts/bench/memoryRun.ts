/**
 * Runs scripts/bench-memory.ts in a fresh Node process as plain JavaScript: a bundle, as the
 * device pack ships it, not through tsx. tsx compiles TypeScript inside the process it
 * measures (about 110 MB of resident memory before any of our code runs: Node with tfjs
 * alone starts at about 70 MB), which is the development tool's footprint, not the product's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The bundled memory script: beside this bundle in a device pack, else built with esbuild into `outDir`. */
async function memoryScript(root: string, outDir: string): Promise<string> {
  // The script Node runs (a pack's bench.mjs); not import.meta.url, which the pack rewrites to this file's.
  const running = process.argv[1] ?? '';
  const packed = path.join(path.dirname(running), 'bench-memory.mjs');
  if (running.endsWith('.mjs') && existsSync(packed)) return packed;
  mkdirSync(outDir, { recursive: true });
  const entry = path.join(outDir, 'bench-memory-entry.ts');
  const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  writeFileSync(entry, `import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';\nsetWasmPaths(${JSON.stringify(wasmDir)});\nawait import(${JSON.stringify(path.join(root, 'scripts/bench-memory.ts'))});\n`);
  const outfile = path.join(outDir, 'bench-memory.mjs');
  // Not a literal: a device pack bundles this module and must not try to bundle esbuild.
  const esbuildName = 'esbuild';
  const { build } = (await import(esbuildName)) as typeof import('esbuild');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    nodePaths: [path.join(root, 'node_modules')],
    banner: { js: `import { createRequire as __r } from 'node:module';\nimport { fileURLToPath as __p } from 'node:url';\nconst require = __r(import.meta.url);\nconst __filename = __p(import.meta.url);\nconst __dirname = __p(new URL('.', import.meta.url));\nprocess.env.REFILLED_ROOT ??= ${JSON.stringify(root)};` },
  });
  return outfile;
}

/** Peak memory of the default demo on a Node backend, printed by the script; false when it did not finish. */
export async function runMemory(root: string, outDir: string, backend: string): Promise<boolean> {
  const script = await memoryScript(root, outDir);
  const r = spawnSync(process.execPath, [script, '--backend', backend, '--json', path.join(outDir, `memory-${backend}.json`)], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  return r.status === 0;
}
