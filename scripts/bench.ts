/**
 * `npm run bench`: per backend, ms per step of a plain cross-entropy step, a REFILLED
 * stage-1 step and a stage-2 step of the default student (batch 64), their ratios,
 * read-backs and kernel dispatches per step, the slowest kernels of each step, tensors leaked
 * per 100 steps and the time to cache the teacher's embeddings. Node: wasm (and cpu on
 * request: tfjs's pure-JS kernels take seconds per step). Headless Chromium (when found):
 * webgpu (SwiftShader here), webgl, wasm, cpu, each chosen the way the app's worker chooses
 * it. A PyTorch CPU reference step is measured beside them when python3 can import torch.
 * Prints a table and writes bench-results/bench.json (after every backend).
 *
 *   npm run bench                        # node-wasm, webgpu, webgl, wasm, cpu and PyTorch
 *   npm run bench -- --node-only         # skip the browser
 *   npm run bench -- --steps 5 --backends webgpu,cpu,node-cpu
 *   npm run bench -- --top 10            # more of the slowest kernels per step
 * --steps is the number of timed rounds; each round times one step of every kind back to back.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { useNodeBackend, type NodeBackend } from '../src/cli/backend';
import { benchmarkBackend, type BenchRow } from '../src/core/bench';
import { nodeFetchBytes } from '../src/core/data/node-fs';
import { sampleExperimentSplits } from '../src/core/data/splits';
import { blockChannels } from '../src/core/model/convnet';
import { AssetCache } from '../src/core/run';
import { DEFAULT_CONFIG } from '../src/protocol/config';
import { chromiumPath, launchChromium } from './chromium';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const STEPS = Number(option('--steps', '5'));
const TOP = Number(option('--top', '6'));
const BACKENDS = option('--backends', 'node-wasm,webgpu,webgl,wasm,cpu').split(',');

interface Entry {
  where: 'node' | 'chromium';
  row?: BenchRow;
  adapter?: string;
  error?: string;
}

async function nodeBench(backend: NodeBackend): Promise<Entry> {
  await useNodeBackend(backend);
  const assets = new AssetCache({ data: nodeFetchBytes(path.join(ROOT, 'public/data')), teachers: nodeFetchBytes(path.join(ROOT, 'public/teachers')) });
  try {
    const dataset = await assets.dataset(DEFAULT_CONFIG.dataset);
    const { teacher } = await assets.teacher(DEFAULT_CONFIG.teacher);
    const splits = sampleExperimentSplits(dataset, { studentClasses: DEFAULT_CONFIG.studentClasses, shotsPerClass: 20, validationFraction: DEFAULT_CONFIG.validationFraction, seed: 1 });
    // tfjs's pure-JS cpu backend takes seconds per step here: count leaks over fewer steps.
    const row = await benchmarkBackend({ backend, splits, teacher, steps: backend === 'cpu' ? Math.min(STEPS, 2) : STEPS, leakSteps: backend === 'cpu' ? 3 : 100, profile: true, log: (l) => console.error(`  node ${backend}: ${l}`) });
    return { where: 'node', row: { ...row, backend: `node ${backend}` } };
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
      await page.goto(`${url}src/bench/bench.html?backend=${backend}&steps=${STEPS}&leakSteps=${leakSteps}`);
      await page.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: 30 * 60_000, polling: 1000 });
      const res = (await page.evaluate(() => window.__bench)) ?? {};
      out.push({ where: 'chromium', ...res, ...(res.row ? { row: { ...res.row, backend: `chromium ${backend}` } } : { error: `${backend}: ${res.error}` }) });
      await onEntry(out[out.length - 1]);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}

/** The same student's plain CE step in PyTorch on CPU, when torch is importable. */
function pytorchReference(): { stepMs?: number; stepMsOneThread?: number; note: string } {
  const channels = blockChannels(DEFAULT_CONFIG.studentWidth);
  const script = `
import time, torch, torch.nn as nn
import os
torch.manual_seed(0)
c = ${JSON.stringify(channels)}
def block(i, o, pool): return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()] + ([nn.MaxPool2d(2)] if pool else [])
net = nn.Sequential(*block(1, c[0], True), *block(c[0], c[1], True), *block(c[1], c[2], False), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c[2], 5))
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
x = torch.rand(64, 1, 28, 28); y = torch.randint(0, 5, (64,))
def step():
    opt.zero_grad(); loss = nn.functional.cross_entropy(net(x), y); loss.backward(); opt.step()
def measure():
    for _ in range(5): step()
    t = time.perf_counter(); n = 30
    for _ in range(n): step()
    return (time.perf_counter() - t) / n * 1000
torch.set_num_threads(os.cpu_count() or 1)
default_ms = measure()
torch.set_num_threads(1)
print(default_ms, measure())
`;
  // Debian's python3-torch installs for the system interpreter, which may not be the first python3 on PATH.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(python, ['-c', script], { encoding: 'utf8' });
  if (r.status !== 0) {
    const missing = /No module named 'torch'/.test(r.stderr ?? '');
    return { note: missing ? 'PyTorch not installed (Debian: sudo apt-get install python3-torch); reference skipped' : `PyTorch reference failed: ${(r.stderr ?? '').trim().split('\n').pop()}` };
  }
  const [all, one] = r.stdout.trim().split(/\s+/).map(Number);
  return { stepMs: all, stepMsOneThread: one, note: `PyTorch CPU, same architecture, batch 64, SGD Nesterov; ${fmt(all)} ms on all cores, ${fmt(one)} ms on one thread` };
}

const fmt = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

function printTable(entries: Entry[], torch: { stepMs?: number; stepMsOneThread?: number; note: string }): void {
  const header = ['backend', 'conv grad', 'CE ms', 'stage-1 ms', 'stage-2 ms', 's1/CE', 's2/CE', 'readbacks/step', 'kernels/step (CE, s1, s2)', 'leaked/100 (over N)', 'teacher cache ms'];
  const rows = entries.map((e) =>
    e.row
      ? [e.row.backend + (e.adapter ? ` (${e.adapter})` : ''), e.row.convGradient, fmt(e.row.ceStepMs), fmt(e.row.stage1StepMs), fmt(e.row.stage2StepMs), fmt(e.row.stage1Ratio, 2), fmt(e.row.stage2Ratio, 2), `${e.row.readbacksPerStep.ce}/${e.row.readbacksPerStep.stage1}/${e.row.readbacksPerStep.stage2}`, `${e.row.kernelsPerStep.ce}, ${e.row.kernelsPerStep.stage1}, ${e.row.kernelsPerStep.stage2}`, `${e.row.tensorsLeakedPer100Steps} (${e.row.leakStepsMeasured})`, fmt(e.row.teacherCacheMs, 0)]
      : [e.error ?? 'failed', '', '', '', '', '', '', '', '', '', ''],
  );
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
    for (const e of entries) if (e.row) console.log(`  ${e.row.backend}: plain step ${fmt(e.row.ceStepMs / torch.stepMs, 1)}× PyTorch CPU (${fmt(e.row.ceStepMs / (torch.stepMsOneThread ?? torch.stepMs), 1)}× its single thread)`);
  }
}

async function main(): Promise<void> {
  const entries: Entry[] = [];
  const outDir = path.join(ROOT, 'bench-results');
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, 'bench.json');
  let torch: ReturnType<typeof pytorchReference> = { note: 'not measured yet' };
  // Written after every backend, so that a long run that is stopped keeps what it measured.
  const save = async () => writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), steps: STEPS, student: { width: DEFAULT_CONFIG.studentWidth, channels: blockChannels(DEFAULT_CONFIG.studentWidth), batch: 64 }, entries, pytorch: torch }, null, 2)}\n`);
  torch = flag('--no-torch') ? { note: 'skipped (--no-torch)' } : pytorchReference();
  for (const b of ['cpu', 'wasm'] as const) {
    if (!BACKENDS.includes(`node-${b}`)) continue;
    console.error(`node ${b}: measuring…`);
    entries.push(await nodeBench(b).catch((e: Error) => ({ where: 'node' as const, error: `node ${b}: ${e.message}` })));
    await save();
  }
  const browserBackends = BACKENDS.filter((b) => ['webgpu', 'webgl', 'cpu', 'wasm'].includes(b));
  if (!flag('--node-only') && browserBackends.length > 0) {
    await browserBench(browserBackends, async (e) => {
      entries.push(e);
      await save();
    });
  }
  printTable(entries, torch);
  await save();
  console.log(`\nwrote ${path.relative(ROOT, file)}`);
  if (!existsSync(path.join(ROOT, 'public/teachers', DEFAULT_CONFIG.teacher))) console.log('(the default teacher is missing: run npm run teachers)');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
