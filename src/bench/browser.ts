/**
 * The browser half of `npm run bench`: served by Vite at /src/bench/bench.html and opened by
 * scripts/bench.ts in headless Chromium, once per backend (`?backend=webgpu|webgl|wasm|cpu`).
 * Publishes the result (a row per fused mode, or an error) on `window.__bench`.
 */
import * as tf from '@tensorflow/tfjs';
import { benchmarkBackend, type BenchRow } from '../core/bench';
import { httpFetchBytes } from '../core/data/loader';
import { sampleExperimentSplits } from '../core/data/splits';
import { AssetCache } from '../core/run';
import { DEFAULT_CONFIG } from '../protocol/config';
import { FUSED_MODES, type FusedMode } from '../core/kernels';
import type { BackendName } from '../protocol/messages';
import { selectBackend } from '../worker/backend';

declare global {
  interface Window {
    __bench?: { rows?: BenchRow[]; error?: string; adapter?: string };
  }
}

const log = (line: string) => {
  const el = document.getElementById('log');
  if (el) el.textContent += `\n${line}`;
  // scripts/bench.ts relays these lines as progress.
  console.log(`bench: ${line}`);
};

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const backend = params.get('backend') ?? 'webgpu';
  const steps = Number(params.get('steps') ?? 3);
  const leakSteps = Number(params.get('leakSteps') ?? 20);
  const convGradient = params.get('convGradient') ?? 'auto';
  // `fused=auto,none`: the fused modes measured side by side, round by round (default `auto`,
  // the app's choice; `all` every fused kernel, `none` tfjs's own operations).
  const asked = (params.get('fused') ?? 'auto').split(',');
  const unknown = asked.filter((m) => !(FUSED_MODES as readonly string[]).includes(m));
  if (unknown.length > 0) throw new Error(`fused=${asked.join(',')}: ${unknown.join(', ')} is no mode (expected ${FUSED_MODES.join(', ')})`);
  const fused = asked as FusedMode[];
  // `threads=1`: WebAssembly single-threaded on this cross-origin isolated page (what threads bring).
  const threads = params.get('threads');
  // The same selection as the app's worker (WebGPU switches included), forced to `backend`.
  const chosen = await selectBackend(backend as BackendName, threads ? { wasmThreads: Number(threads) } : {});
  if (chosen.name !== backend) throw new Error(`${backend} did not start: ${chosen.reason}`);
  const adapter = chosen.adapter;
  log(`backend ${tf.getBackend()} ${adapter ?? ''}${chosen.threads !== undefined ? ` ${chosen.threads} thread(s), crossOriginIsolated ${String(crossOriginIsolated)}` : ''}`);
  const base = new URL('../../', location.href);
  const assets = new AssetCache({ data: httpFetchBytes(new URL('data/', base).href), teachers: httpFetchBytes(new URL('teachers/', base).href) });
  const dataset = await assets.dataset(DEFAULT_CONFIG.dataset);
  const { teacher } = await assets.teacher(DEFAULT_CONFIG.teacher);
  const splits = sampleExperimentSplits(dataset, { studentClasses: DEFAULT_CONFIG.studentClasses, shotsPerClass: 20, validationFraction: DEFAULT_CONFIG.validationFraction, seed: 1 });
  const rows = await benchmarkBackend({ backend, splits, teacher, steps, leakSteps, profile: true, fused, log, overrides: { runtime: { reportIntervalSteps: 1000, convGradient } } });
  window.__bench = { rows, adapter };
  log('done');
}

main().catch((e: unknown) => {
  window.__bench = { error: e instanceof Error ? e.message : String(e) };
  log(`error: ${window.__bench.error}`);
});
