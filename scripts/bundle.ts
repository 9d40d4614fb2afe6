/**
 * One TypeScript entry of this repository bundled by esbuild into a single ESM file that
 * plain Node runs: what the device pack ships and what the bench's memory run measures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';

export interface BundleOptions {
  /** The repository's root (its node_modules resolve the imports). */
  root: string;
  /** The entry, absolute. */
  entry: string;
  outfile: string;
  /** A JavaScript expression, evaluated in the bundle, for tfjs-backend-wasm's folder of .wasm files (ending in /). */
  wasmPaths: string;
  /** A JavaScript expression for REFILLED_ROOT's default (where public/ is read). */
  defaultRoot: string;
  plugins?: Plugin[];
  /** Where the small wrapper entry is written (default: beside the bundle). */
  wrapperDir?: string;
}

/** Bundles `entry` into `outfile`; tfjs's wasm paths are set before the entry's modules run. */
export async function bundleForNode(o: BundleOptions): Promise<string> {
  const name = path.basename(o.entry).replace(/\.[cm]?[jt]s$/, '');
  const dir = o.wrapperDir ?? path.dirname(o.outfile);
  mkdirSync(dir, { recursive: true });
  mkdirSync(path.dirname(o.outfile), { recursive: true });
  // A dynamic import keeps the entry's modules after setWasmPaths.
  const wrapper = path.join(dir, `entry-${name}.ts`);
  writeFileSync(wrapper, `import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';\nsetWasmPaths(${o.wasmPaths});\nawait import(${JSON.stringify(o.entry)});\n`);
  // Not a literal: the pack bundles the bench, whose memory run imports this module, and must not try to bundle esbuild.
  const esbuildName = 'esbuild';
  const { build } = (await import(esbuildName)) as typeof import('esbuild');
  await build({
    entryPoints: [wrapper],
    outfile: o.outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: false,
    legalComments: 'none',
    banner: {
      js: `import { createRequire as __packRequire } from 'node:module';
import { fileURLToPath as __packPath } from 'node:url';
const require = __packRequire(import.meta.url);
const __filename = __packPath(import.meta.url);
const __dirname = __packPath(new URL('.', import.meta.url));
process.env.REFILLED_ROOT ??= ${o.defaultRoot};`,
    },
    plugins: o.plugins ?? [],
    nodePaths: [path.join(o.root, 'node_modules')],
    logLevel: 'warning',
  });
  return o.outfile;
}
