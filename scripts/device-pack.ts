/**
 * `npm run device:pack`: builds `.device/`, everything a bare Linux x86-64 machine (no Node,
 * no network) needs to run the bench, the CLI and any extra script of this repository:
 *
 *   .device/node.xz                 this Node binary (process.execPath), xz-compressed
 *   .device/app/<name>.mjs.xz       each entry bundled into one ESM file (tfjs, its wasm and
 *                                   WebGPU backends, Dawn's loader) by esbuild, xz-compressed
 *   .device/app/*.wasm              tfjs-backend-wasm's binaries, found beside the bundles
 *   .device/app/dist/linux-x64/dawn.node.xz   Dawn's Node bindings (the bundled loader looks
 *                                   for dist/<platform>-<arch>/dawn.node beside the bundle)
 *   .device/app/public/...          the default config's data set and teacher (unless --no-data)
 *   .device/manifest.json           what is in the pack, with sizes
 *
 * `bash scripts/device-bench.sh` unpacks and runs it. A bundle finds public/ (and writes
 * docs/) under REFILLED_ROOT, which defaults to the bundle's own folder.
 *
 *   npm run device:pack                                  # bench + CLI
 *   npm run device:pack -- --entry scripts/study.ts      # also the study (any number of --entry)
 *   npm run device:pack -- --no-data                     # use the repository's public/ on the device
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { bundleForNode } from './bundle';
import { DEFAULT_CONFIG } from '../src/protocol/config';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACK = path.join(ROOT, '.device');
const APP = path.join(PACK, 'app');
/** Compressed binaries are kept here between builds: xz of Node takes minutes on 2 cores. */
const CACHE = path.join(ROOT, 'tmp/device-cache');
const LIMIT_BYTES = 60 * 1024 * 1024;
const DEFAULT_ENTRIES = ['scripts/bench.ts', 'scripts/bench-memory.ts', 'scripts/kernel-check.ts', 'src/cli/refilled.ts'];

const args = process.argv.slice(2);
const entries = [...DEFAULT_ENTRIES];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--entry' && args[i + 1]) entries.push(args[++i]);
  else if (args[i] !== '--no-data') throw new Error(`unknown option ${args[i]} (use --entry <file> and --no-data)`);
}
const withData = !args.includes('--no-data');

/**
 * xz-compresses `src` into `dest`: a file of the pack in place (`dest` = `src`.xz), any
 * other through a cached copy keyed by name, Node version and size.
 */
function xz(src: string, dest: string): void {
  const st = statSync(src);
  if (src.startsWith(PACK)) {
    const r = spawnSync('xz', ['-T0', '-6', '-f', '-k', src], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`xz failed on ${src}: is xz installed (apt-get install xz-utils)?`);
    return;
  }
  const cached = path.join(CACHE, `${path.basename(src)}-${process.version}-${st.size}.xz`);
  if (!existsSync(cached)) {
    mkdirSync(CACHE, { recursive: true });
    console.error(`xz ${src} (${mb(st.size)}; minutes on a small machine, cached afterwards)…`);
    const r = spawnSync('xz', ['-T0', '-6', '-c', src], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 });
    if (r.status !== 0 || !r.stdout) throw new Error(`xz failed on ${src}: is xz installed (apt-get install xz-utils)?`);
    writeFileSync(`${cached}.part`, r.stdout);
    renameSync(`${cached}.part`, cached);
  }
  copyFileSync(cached, dest);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function sizeOf(p: string): number {
  const st = statSync(p);
  return st.isDirectory() ? readdirSync(p).reduce((s, f) => s + sizeOf(path.join(p, f)), 0) : st.size;
}

function copyDir(src: string, dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const f of readdirSync(src)) {
    const s = path.join(src, f);
    if (statSync(s).isDirectory()) copyDir(s, path.join(dest, f));
    else copyFileSync(s, path.join(dest, f));
  }
}

/**
 * What the device has no use for (the browser bench's Vite server and Playwright): a module
 * that throws when used, so `chromiumPath()` reports "no Chromium" instead of the bundle
 * failing to load.
 */
const browserOnly: Plugin = {
  name: 'browser-only',
  setup(b) {
    b.onResolve({ filter: /^(vite|playwright)$/ }, (a) => ({ path: a.path, namespace: 'browser-only' }));
    b.onLoad({ filter: /.*/, namespace: 'browser-only' }, (a) => ({
      contents: `const no = () => { throw new Error('${a.path} is not in the device pack'); };\nexport const chromium = { executablePath: no, launch: no };\nexport const createServer = no;\n`,
      loader: 'js',
    }));
  },
};

/**
 * In one bundle every module's `import.meta.url` is the bundle's. Entry-point guards such as
 * the CLI's "am I the script node was started with?" would then fire inside another entry
 * (the study imports the CLI): in the repository's own modules other than the entry,
 * `import.meta.url` becomes the module's original file URL.
 */
function ownUrls(entry: string): Plugin {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (a) => {
        if (a.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const { readFile } = await import('node:fs/promises');
        let contents = await readFile(a.path, 'utf8');
        if (path.resolve(a.path) !== path.resolve(entry)) contents = contents.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href));
        return { contents, loader: 'ts' };
      });
    },
  };
}

/** Bundles one entry into app/<name>.mjs: tfjs's .wasm files and REFILLED_ROOT default to the bundle's own folder. */
async function bundle(entry: string): Promise<string> {
  const abs = path.resolve(ROOT, entry);
  if (!existsSync(abs)) throw new Error(`entry ${entry} not found`);
  const name = path.basename(entry).replace(/\.[cm]?[jt]s$/, '');
  return bundleForNode({ root: ROOT, entry: abs, outfile: path.join(APP, `${name}.mjs`), wasmPaths: '`${__dirname}/`', defaultRoot: '__dirname', plugins: [browserOnly, ownUrls(abs)], wrapperDir: CACHE });
}

async function main(): Promise<void> {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the pack is for Linux x86-64 and takes this Node's binary; this is ${process.platform}-${process.arch}`);
  rmSync(PACK, { recursive: true, force: true });
  mkdirSync(path.join(APP, 'dist/linux-x64'), { recursive: true });

  const bundles: string[] = [];
  for (const e of entries) {
    const file = await bundle(e);
    // 5 MB of JavaScript each, mostly tfjs: about 0.7 MB each compressed.
    xz(file, `${file}.xz`);
    rmSync(file);
    bundles.push(path.relative(PACK, `${file}.xz`));
  }
  const wasmDir = path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(path.join(wasmDir, f), path.join(APP, f));
  xz(path.join(ROOT, 'node_modules/webgpu/dist/linux-x64/dawn.node'), path.join(APP, 'dist/linux-x64/dawn.node.xz'));
  xz(process.execPath, path.join(PACK, 'node.xz'));

  if (withData) {
    copyDir(path.join(ROOT, 'public/data', DEFAULT_CONFIG.dataset), path.join(APP, 'public/data', DEFAULT_CONFIG.dataset));
    copyDir(path.join(ROOT, 'public/teachers', DEFAULT_CONFIG.teacher), path.join(APP, 'public/teachers', DEFAULT_CONFIG.teacher));
  }
  mkdirSync(path.join(APP, 'docs'), { recursive: true });

  const total = sizeOf(PACK);
  const manifest = {
    built: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    bundles,
    data: withData ? { dataset: DEFAULT_CONFIG.dataset, teacher: DEFAULT_CONFIG.teacher } : null,
    bytes: Object.fromEntries(readdirSync(PACK).map((f) => [f, sizeOf(path.join(PACK, f))])),
    totalBytes: total,
  };
  writeFileSync(path.join(PACK, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const b of bundles) console.log(`${b}  ${mb(sizeOf(path.join(PACK, b)))}`);
  console.log(`(device-bench.sh unpacks every .xz file of the pack)`);
  console.log(`.device/: ${mb(total)} (node.xz ${mb(manifest.bytes['node.xz'])}, app ${mb(manifest.bytes.app)})`);
  if (total > LIMIT_BYTES) throw new Error(`the pack is ${mb(total)}, over ${mb(LIMIT_BYTES)}: try --no-data`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
