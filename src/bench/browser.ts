/**
 * The browser half of `npm run bench`: served by Vite at /src/bench/bench.html and opened by
 * scripts/bench.ts in headless Chromium, once per backend (`?backend=webgpu|webgl|cpu`).
 * Publishes the result (or an error) on `window.__bench`.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { benchmarkBackend, type BenchRow } from '../core/bench';
import { httpFetchBytes } from '../core/data/loader';
import { sampleExperimentSplits } from '../core/data/splits';
import { AssetCache } from '../core/run';
import { DEFAULT_CONFIG } from '../protocol/config';

declare global {
  interface Window {
    __bench?: { row?: BenchRow; error?: string; adapter?: string };
  }
}

const log = (line: string) => {
  const el = document.getElementById('log');
  if (el) el.textContent += `\n${line}`;
};

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const backend = params.get('backend') ?? 'webgpu';
  const steps = Number(params.get('steps') ?? 3);
  const leakSteps = Number(params.get('leakSteps') ?? 20);
  const convGradient = params.get('convGradient') ?? 'auto';
  let adapter: string | undefined;
  if (backend === 'webgpu') {
    const a = await navigator.gpu?.requestAdapter();
    adapter = a ? `${a.info.vendor} ${a.info.architecture}`.trim() : 'none';
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  log(`backend ${tf.getBackend()} ${adapter ?? ''}`);
  const base = new URL('../../', location.href);
  const assets = new AssetCache({ data: httpFetchBytes(new URL('data/', base).href), teachers: httpFetchBytes(new URL('teachers/', base).href) });
  const dataset = await assets.dataset(DEFAULT_CONFIG.dataset);
  const { teacher } = await assets.teacher(DEFAULT_CONFIG.teacher);
  const splits = sampleExperimentSplits(dataset, { studentClasses: DEFAULT_CONFIG.studentClasses, shotsPerClass: 20, validationFraction: DEFAULT_CONFIG.validationFraction, seed: 1 });
  const row = await benchmarkBackend({ backend, splits, teacher, steps, leakSteps, profile: true, overrides: { runtime: { reportIntervalSteps: 1000, convGradient } } });
  window.__bench = { row, adapter };
  log(JSON.stringify(row, null, 1));
}

main().catch((e: unknown) => {
  window.__bench = { error: e instanceof Error ? e.message : String(e) };
  log(`error: ${window.__bench.error}`);
});
