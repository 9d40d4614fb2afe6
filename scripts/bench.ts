/**
 * `npm run bench`: per backend, ms per step of a plain cross-entropy step, a REFILLED
 * stage-1 step and a stage-2 step of the default student (batch 64), their ratios,
 * read-backs and kernel dispatches per step, the slowest kernels of each step, tensors leaked
 * per 100 steps and the time to cache the teacher's embeddings. Node: wasm (and cpu on
 * request: tfjs's pure-JS kernels take seconds per step) and node-webgpu on request (tfjs's WebGPU
 * backend on a real GPU through Dawn's Node bindings; skipped in one line where Dawn finds no
 * adapter). Headless Chromium (when found):
 * webgpu (SwiftShader here), webgl, wasm, cpu, each chosen the way the app's worker chooses
 * it. A PyTorch reference step (CPU, and CUDA where available) is measured beside them when
 * python3 can import torch. Prints a table and writes <out>/bench.json (after every backend).
 *
 *   npm run bench                        # node-wasm, webgpu, webgl, wasm, cpu and PyTorch
 *   npm run bench -- --node-only         # skip the browser
 *   npm run bench -- --steps 5 --backends webgpu,cpu,node-cpu
 *   npm run bench -- --top 10            # more of the slowest kernels per step
 *   npm run bench -- --leak-steps 30     # fewer leak-count steps on node backends (default 100)
 *   npm run bench -- --backends node-webgpu,node-wasm --out /tmp/b   # a GPU machine, no browser
 *   npm run bench -- --no-memory         # skip the peak-memory run of the default demo (node wasm)
 *   npm run bench -- --no-first-visit    # skip timing the default link on a first visit (Chromium)
 *   npm run bench -- --backends wasm-1thread,wasm-2threads  # Chromium WebAssembly on 1 and 2 threads (`wasm`: tfjs's default)
 *   npm run bench -- --backends webgpu,node-wasm --conv-gradient native,swapped  # every backend once per conv-gradient mode
 *   npm run bench -- --backends node-wasm --fused auto,all,none   # the app's fused kernels, every fused kernel, tfjs's own operations, measured side by side in the same rounds
 * REFILLED_ROOT overrides where public/ is read (a device pack); REFILLED_PYTHON the python.
 * --steps is the number of timed rounds; each round times one step of every kind back to back.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { NODE_BACKENDS, NodeBackendError, useNodeBackend, type NodeBackend } from '../src/cli/backend';
import { exitIfHeld, releaseNodeWebGpu } from '../src/cli/webgpu';
import { benchmarkBackend, type BenchRow } from '../src/core/bench';
import { FUSED_MODES, type FusedMode } from '../src/core/kernels';
import { FUSED_OPS } from '../src/core/kernels/ops';
import { nodeFetchBytes } from '../src/core/data/node-fs';
import { sampleExperimentSplits } from '../src/core/data/splits';
import { blockChannels } from '../src/core/model/convnet';
import { AssetCache } from '../src/core/run';
import { DEFAULT_CONFIG, type ConvGradient } from '../src/protocol/config';
import { firstVisit, type FirstVisit } from './bench/firstVisit';
import { runMemory } from './bench/memoryRun';
import { chromiumPath, launchChromium } from './chromium';

const ROOT = process.env.REFILLED_ROOT ? path.resolve(process.env.REFILLED_ROOT) : fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const STEPS = Number(option('--steps', '5'));
const TOP = Number(option('--top', '6'));
const BACKENDS = option('--backends', 'node-wasm,webgpu,webgl,wasm,cpu').split(',');
/** Steps of each kind over which node backends count leaked tensors. */
const LEAK_STEPS = Number(option('--leak-steps', '100'));
/** `wasm-1thread`, `wasm-2threads`, …: Chromium's wasm backend on that many threads. */
const WASM_THREADS = /^wasm-(\d+)threads?$/;
/** Conv-gradient modes each backend is measured with (`auto`: the one the app picks). */
const CONV_MODES = option('--conv-gradient', 'auto').split(',') as ConvGradient[];
for (const m of CONV_MODES) if (!['auto', 'native', 'matmul', 'swapped'].includes(m)) throw new Error(`--conv-gradient ${m}: expected auto, native, matmul or swapped`);
/** Which fused kernels run, one measurement per mode: `auto` (the app's choice), `all`, `none` (tfjs's own operations). */
const FUSED_RUNS = option('--fused', 'auto').split(',') as FusedMode[];
for (const m of FUSED_RUNS) if (!FUSED_MODES.includes(m)) throw new Error(`--fused ${m}: expected ${FUSED_MODES.join(', ')}`);
const OUT_DIR = path.resolve(option('--out', path.join(ROOT, 'bench-results')));

/** The first-visit timing of the default link (Chromium), when measured. */
let firstVisitResult: FirstVisit | { error: string } | null = null;

interface Entry {
  where: 'node' | 'chromium';
  row?: BenchRow;
  adapter?: string;
  error?: string;
  /** The backend could not start here (no GPU adapter, for example): not a failure of the bench. */
  skipped?: boolean;
}

/** One backend in Node with one conv-gradient mode: a row per fused mode, measured side by side. */
async function nodeBench(backend: NodeBackend, convGradient: ConvGradient, fused: readonly FusedMode[]): Promise<Entry[]> {
  let adapter: string | undefined;
  try {
    ({ adapter } = await useNodeBackend(backend));
  } catch (e) {
    if (e instanceof NodeBackendError) return [{ where: 'node', skipped: true, error: `node ${backend}: ${e.message} Skipped.` }];
    throw e;
  }
  if (adapter) console.error(`  node ${backend}: adapter ${adapter}`);
  const assets = new AssetCache({ data: nodeFetchBytes(path.join(ROOT, 'public/data')), teachers: nodeFetchBytes(path.join(ROOT, 'public/teachers')) });
  try {
    const dataset = await assets.dataset(DEFAULT_CONFIG.dataset);
    const { teacher } = await assets.teacher(DEFAULT_CONFIG.teacher);
    const splits = sampleExperimentSplits(dataset, { studentClasses: DEFAULT_CONFIG.studentClasses, shotsPerClass: 20, validationFraction: DEFAULT_CONFIG.validationFraction, seed: 1 });
    // tfjs's pure-JS cpu backend takes seconds per step here: count leaks over fewer steps.
    const rows = await benchmarkBackend({ backend, splits, teacher, steps: backend === 'cpu' ? Math.min(STEPS, 2) : STEPS, leakSteps: backend === 'cpu' ? 3 : LEAK_STEPS, profile: true, fused, log: (l) => console.error(`  node ${backend}: ${l}`), overrides: { runtime: { reportIntervalSteps: 1000, convGradient } } });
    return rows.map((row) => ({ where: 'node', ...(adapter ? { adapter } : {}), row: { ...row, backend: `node ${backend}` } }));
  } finally {
    assets.dispose();
    tf.disposeVariables();
  }
}

async function browserBench(backends: string[], onEntry: (e: Entry) => Promise<void>): Promise<Entry[]> {
  const executable = chromiumPath();
  if (!executable) return backends.map((b) => ({ where: 'chromium', error: `no Chromium found (sudo apt-get install -y chromium); ${b} skipped` }));
  const { createServer } = await import('vite');
  const server = await createServer({ root: ROOT, logLevel: 'error', server: { port: 5179, strictPort: false, host: '127.0.0.1' } });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5179/';
  const browser = await launchChromium();
  const out: Entry[] = [];
  try {
    for (const backend of backends) {
      const page = await browser.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') console.error(`  [${backend}] ${m.text()}`);
      });
      // Software WebGPU and the pure-JS cpu backend take seconds per step here: count leaks over fewer steps.
      const leakSteps = backend === 'webgpu' ? 4 : backend === 'cpu' || backend === 'webgl' ? 5 : 20;
      console.error(`chromium ${backend}: measuring (${STEPS} rounds, leaks over ${leakSteps} steps of each kind)…`);
      page.on('console', (m) => {
        if (m.type() === 'log' && m.text().startsWith('bench:')) console.error(`  [${backend}] ${m.text().slice(7)}`);
      });
      // `wasm-Nthreads`: the wasm backend on N threads (the page is cross-origin isolated); `wasm`: tfjs's default count.
      const threads = WASM_THREADS.exec(backend)?.[1];
      const query = threads ? `backend=wasm&threads=${threads}` : `backend=${backend}`;
      for (const mode of CONV_MODES) {
        // The fused modes side by side in one page, round by round (see benchmarkBackend).
        await page.goto(`${url}src/bench/bench.html?${query}&steps=${STEPS}&leakSteps=${leakSteps}&convGradient=${mode}&fused=${FUSED_RUNS.join(',')}`);
        await page.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: 30 * 60_000, polling: 1000 });
        const { rows, error, adapter } = (await page.evaluate(() => window.__bench)) ?? {};
        const entries: Entry[] = rows ? rows.map((row) => ({ where: 'chromium', ...(adapter ? { adapter } : {}), row: { ...row, backend: `chromium ${backend}` } })) : [{ where: 'chromium', error: `${backend}: ${error}` }];
        for (const entry of entries) {
          out.push(entry);
          await onEntry(entry);
        }
      }
      await page.close();
    }
    if (!flag('--no-first-visit')) {
      console.error('chromium: the default link on a first visit (fresh profile), then Run…');
      const v = await firstVisit(browser, url).catch((e: Error) => ({ error: e.message }));
      if ('error' in v) console.log(`\nfirst visit: ${v.error}`);
      else
        console.log(
          `\nfirst visit (the default link, fresh profile): worker ready on ${v.backend} after ${fmt(v.readyMs, 0)} ms (backend measured); ` +
            `after Run, first chart point ${fmt(v.firstPointMs, 0)} ms, default demo ${v.status} after ${fmt(v.doneMs / 1000, 1)} s (${v.steps} steps). Goals: 3 s and 20 s.\n  reason: ${v.reason}`,
        );
      firstVisitResult = v;
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}

/** PyTorch's figures for the same student's plain CE step (ms, median of 30 steps after 5 warm-up steps). */
interface TorchReference {
  stepMs?: number;
  stepMsOneThread?: number;
  /** On the GPU, synchronised around every step; absent where CUDA is not available. */
  cudaStepMs?: number;
  cudaDevice?: string;
  python?: string;
  note: string;
}

/** The same student's plain CE step in PyTorch on CPU (and CUDA when available), when torch is importable. */
function pytorchReference(): TorchReference {
  const channels = blockChannels(DEFAULT_CONFIG.studentWidth);
  const script = `
import json, os, statistics, time, torch, torch.nn as nn
torch.manual_seed(0)
c = ${JSON.stringify(channels)}
def block(i, o, pool): return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()] + ([nn.MaxPool2d(2)] if pool else [])
def measure(device, threads=None):
    if threads: torch.set_num_threads(threads)
    net = nn.Sequential(*block(1, c[0], True), *block(c[0], c[1], True), *block(c[1], c[2], False), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c[2], 5)).to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x = torch.rand(64, 1, 28, 28, device=device); y = torch.randint(0, 5, (64,), device=device)
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)
    def step():
        opt.zero_grad(); loss = nn.functional.cross_entropy(net(x), y); loss.backward(); opt.step()
    for _ in range(5): step()
    times = []
    for _ in range(30):
        sync(); t = time.perf_counter(); step(); sync(); times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)
out = {'cpu': measure('cpu', os.cpu_count() or 1), 'cpu1': measure('cpu', 1)}
if torch.cuda.is_available():
    out['cuda'] = measure('cuda'); out['cudaDevice'] = torch.cuda.get_device_name(0)
else:
    out['cudaWhy'] = 'CUDA not available (torch %s, built with CUDA %s)' % (torch.__version__, torch.version.cuda)
print(json.dumps(out))
`;
  // Debian's python3-torch installs for the system interpreter, which may not be the first python3 on PATH.
  const pythons = [...new Set([process.env.REFILLED_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p))];
  let lastError = 'PyTorch not installed (Debian: sudo apt-get install python3-torch); reference skipped';
  for (const python of pythons) {
    const r = spawnSync(python, ['-c', script], { encoding: 'utf8' });
    if (r.error || /No module named 'torch'/.test(r.stderr ?? '')) continue;
    if (r.status !== 0) {
      lastError = `PyTorch reference failed (${python}): ${(r.stderr ?? '').trim().split('\n').pop()}`;
      continue;
    }
    const o = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { cpu: number; cpu1: number; cuda?: number; cudaDevice?: string; cudaWhy?: string };
    const cuda = o.cuda !== undefined ? `; ${fmt(o.cuda, 2)} ms on CUDA (${o.cudaDevice})` : `; ${o.cudaWhy}`;
    return {
      stepMs: o.cpu,
      stepMsOneThread: o.cpu1,
      ...(o.cuda !== undefined ? { cudaStepMs: o.cuda, cudaDevice: o.cudaDevice } : {}),
      python,
      note: `PyTorch, same architecture, batch 64, SGD Nesterov, median of 30 steps: ${fmt(o.cpu)} ms on all CPU cores, ${fmt(o.cpu1)} ms on one thread${cuda}`,
    };
  }
  return { note: lastError };
}

const fmt = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

function printTable(entries: Entry[], torch: TorchReference): void {
  const header = ['backend', 'conv grad', 'fused', 'CE ms', 'stage-1 ms', 'stage-2 ms', 's1/CE', 's2/CE', 'readbacks/step', 'kernels/step (CE, s1, s2): all / computing', 'leaked/100 (over N)', 'teacher cache ms'];
  for (const e of entries) if (e.skipped) console.log(e.error);
  const rows = entries.filter((e) => !e.skipped).map((e) =>
    e.row
      ? [e.row.backend + (e.adapter ? ` (${e.adapter})` : ''), e.row.convGradient, `${e.row.fused.mode}: ${e.row.fused.ops.length}/${FUSED_OPS.length}`, fmt(e.row.ceStepMs), fmt(e.row.stage1StepMs), fmt(e.row.stage2StepMs), fmt(e.row.stage1Ratio, 2), fmt(e.row.stage2Ratio, 2), `${e.row.readbacksPerStep.ce}/${e.row.readbacksPerStep.stage1}/${e.row.readbacksPerStep.stage2}`, `${e.row.kernelsPerStep.ce}, ${e.row.kernelsPerStep.stage1}, ${e.row.kernelsPerStep.stage2} / ${e.row.computeKernelsPerStep.ce}, ${e.row.computeKernelsPerStep.stage1}, ${e.row.computeKernelsPerStep.stage2}`, `${e.row.tensorsLeakedPer100Steps} (${e.row.leakStepsMeasured})`, fmt(e.row.teacherCacheMs, 0)]
      : [e.error ?? 'failed', '', '', '', '', '', '', '', '', '', '', ''],
  );
  const torchRow = (label: string, ms: number | undefined) => (ms === undefined ? [] : [[label, 'autograd', '', fmt(ms, 2), '', '', '', '', '', '', '', '']]);
  rows.push(...torchRow('PyTorch CPU, all cores', torch.stepMs), ...torchRow('PyTorch CPU, one thread', torch.stepMsOneThread), ...torchRow(`PyTorch CUDA (${torch.cudaDevice ?? ''})`, torch.cudaStepMs));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  for (const e of entries) {
    if (!e.row || TOP <= 0) continue;
    const { topKernels } = e.row;
    if (!topKernels.ce.some((k) => k.ms > 0)) continue;
    console.log(`\n${e.row.backend}: slowest kernels per step (ms, calls)`);
    for (const kind of ['ce', 'stage1', 'stage2'] as const) {
      console.log(`  ${kind.padEnd(6)} ${topKernels[kind].slice(0, TOP).map((k) => `${k.name} ${fmt(k.ms, 0)} (${k.count})`).join(', ')}`);
    }
  }
  console.log(`\nPyTorch reference: ${torch.stepMs !== undefined ? `${fmt(torch.stepMs)} ms per plain CE step` : '–'} (${torch.note})`);
  if (torch.stepMs !== undefined) {
    const cuda = torch.cudaStepMs;
    for (const e of entries) if (e.row) console.log(`  ${e.row.backend}: plain step ${fmt(e.row.ceStepMs / torch.stepMs, 1)}× PyTorch CPU (${fmt(e.row.ceStepMs / (torch.stepMsOneThread ?? torch.stepMs), 1)}× its single thread${cuda !== undefined ? `, ${fmt(e.row.ceStepMs / cuda, 1)}× PyTorch CUDA` : ''})`);
  }
}

async function main(): Promise<void> {
  const entries: Entry[] = [];
  await mkdir(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, 'bench.json');
  let torch: TorchReference = { note: 'not measured yet' };
  // Written after every backend, so that a long run that is stopped keeps what it measured.
  const save = async () => writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), steps: STEPS, student: { width: DEFAULT_CONFIG.studentWidth, channels: blockChannels(DEFAULT_CONFIG.studentWidth), batch: 64 }, entries, pytorch: torch, ...(firstVisitResult ? { firstVisit: firstVisitResult } : {}) }, null, 2)}\n`);
  torch = flag('--no-torch') ? { note: 'skipped (--no-torch)' } : pytorchReference();
  const nodeBackends = BACKENDS.filter((b) => b.startsWith('node-')).map((b) => b.slice(5));
  for (const b of nodeBackends) {
    if (!(NODE_BACKENDS as readonly string[]).includes(b)) throw new Error(`unknown backend node-${b} (node-${NODE_BACKENDS.join(', node-')})`);
    for (const mode of CONV_MODES) {
      console.error(`node ${b}: measuring${mode === 'auto' ? '' : ` (conv gradient ${mode})`}${FUSED_RUNS.length > 1 || FUSED_RUNS[0] !== 'auto' ? ` (fused ${FUSED_RUNS.join(', ')}, side by side)` : ''}…`);
      const measured: Entry[] = await nodeBench(b as NodeBackend, mode, FUSED_RUNS).catch((e: Error) => [{ where: 'node' as const, error: `node ${b}: ${e.message}` }]);
      entries.push(...measured);
      await save();
      if (measured.some((e) => e.skipped)) break;
    }
  }
  // Dawn keeps Node alive while navigator.gpu is held.
  releaseNodeWebGpu();
  const browserBackends = BACKENDS.filter((b) => ['webgpu', 'webgl', 'cpu', 'wasm'].includes(b) || WASM_THREADS.test(b));
  if (!flag('--node-only') && browserBackends.length > 0) {
    await browserBench(browserBackends, async (e) => {
      entries.push(e);
      await save();
    });
  }
  printTable(entries, torch);
  // Peak memory of the whole default demo, in a fresh Node process (nothing measured above counts).
  if (!flag('--no-memory'))
    for (const b of nodeBackends.filter((b) => b === 'wasm' || b === 'webgpu')) {
      console.log('');
      const ok = await runMemory(ROOT, OUT_DIR, b).catch((e: Error) => {
        console.log(`memory: ${e.message}`);
        return false;
      });
      if (!ok) console.log(`memory (node ${b}): the default demo did not finish (see above)`);
    }
  await save();
  console.log(`\nwrote ${file}`);
  if (nodeBackends.includes('webgpu')) exitIfHeld();
  if (!existsSync(path.join(ROOT, 'public/teachers', DEFAULT_CONFIG.teacher))) console.log('(the default teacher is missing: run npm run teachers)');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
