/**
 * The measured backend choice and threaded WebAssembly in a real Chromium:
 * - with no `backend=` in the link the worker times a few training steps on every backend,
 *   picks the fastest, and the badge says why; a reload takes the cached choice (no second
 *   probe) and offers Re-measure;
 * - the dev server and a production build served under a sub-path are cross-origin isolated,
 *   so WebAssembly runs threaded; the sub-path build loads its data, teacher and wasm files
 *   from the sub-path and trains a tiny run.
 */
import type { BackendInfo } from '../src/protocol/messages';
import { PROBE_STORAGE_KEY } from '../src/protocol/probe';
import { useProductionBuild } from './productionBuild';
import { expect, hashFor, test, TINY_RUN, type Playground } from './fixtures';
import { Header } from './pages/Header';

const FINISHED = /^(done|failed)$/;

async function backendInfo(playground: Playground): Promise<BackendInfo> {
  await playground.backend();
  return (await playground.page.evaluate(() => (window.__refilledTest!.getState() as { backend: unknown }).backend)) as BackendInfo;
}

/** Console lines of the worker's probe (it logs one per backend measured). */
function probeLines(playground: Playground): string[] {
  const lines: string[] = [];
  playground.page.on('console', (m) => {
    if (m.text().startsWith('backend probe:')) lines.push(m.text());
  });
  return lines;
}

test.describe.configure({ mode: 'serial' });

test('with no backend in the link, the worker measures, picks the fastest and says why; a reload uses the cached choice', async ({ playground, header }) => {
  test.setTimeout(4 * 60_000);
  const lines = probeLines(playground);
  await playground.open('/');
  const measured = await backendInfo(playground);
  expect(measured.forced).toBe(false);
  expect(measured.probe?.cached).toBe(false);
  const timed = measured.probe!.measurements.filter((m) => m.stepMs !== undefined);
  expect(timed.length).toBeGreaterThan(0);
  const fastest = Math.min(...timed.map((m) => m.stepMs!));
  expect(timed.find((m) => m.backend === measured.name)!.stepMs!).toBeLessThanOrEqual(fastest * 1.05);
  console.log(`[probe] ${measured.name} in ${measured.probe!.probeMs.toFixed(0)} ms: ${measured.probe!.measurements.map((m) => `${m.backend} ${m.stepMs !== undefined ? `${m.stepMs.toFixed(1)} ms/step (warm-up ${m.warmupMs?.toFixed(0)} ms, ${m.steps} timed)` : m.skipped}`).join('; ')}`);
  console.log(`[probe] reason: ${measured.reason}`);
  // A GPU backend rendering in software (SwiftShader here) is not timed once WebAssembly was.
  const wasmTimed = timed.some((m) => m.backend === 'wasm');
  for (const m of measured.probe!.measurements.filter((x) => x.software)) {
    if (wasmTimed) expect(m, `${m.backend} renders in software`).toMatchObject({ skipped: expect.stringMatching(/renders in software here: not measured/) });
  }
  await expect(header.backendBadge).toContainText(measured.name);
  await expect(header.backendReason).toContainText(/ms per step/);
  await expect(playground.page.getByTestId('backend-probe')).toHaveAttribute('data-cached', 'false');
  expect(lines.length).toBeGreaterThan(0);
  const stored = await playground.page.evaluate((key) => localStorage.getItem(key), PROBE_STORAGE_KEY);
  expect(JSON.parse(stored!)).toMatchObject({ choice: measured.name, measuredAt: measured.probe!.measuredAt });

  // Reload: the worker starts the cached choice without measuring.
  lines.length = 0;
  await playground.page.reload();
  await playground.page.waitForFunction(() => window.__refilledTest !== undefined);
  const cached = await backendInfo(playground);
  expect(cached).toMatchObject({ name: measured.name, forced: false });
  expect(cached.probe).toMatchObject({ cached: true, measuredAt: measured.probe!.measuredAt });
  expect(lines).toEqual([]);
  await expect(playground.page.getByTestId('backend-probe')).toHaveAttribute('data-cached', 'true');
  await expect(header.backendReason).toContainText(/cached/);
  // Re-measure (what it sends is tested in src/bridge/probeCache.test.ts; a probe costs seconds here).
  await expect(playground.page.getByTestId('remeasure')).toBeEnabled();
});

test('the dev server is cross-origin isolated, and WebAssembly runs the threads asked for', async ({ playground }) => {
  // threads=2: more than tfjs's default on a 2-core machine (half the cores), which is one.
  await playground.open(`/?threads=2${hashFor({ backend: 'wasm' })}`);
  expect(await playground.page.evaluate(() => crossOriginIsolated)).toBe(true);
  const info = await backendInfo(playground);
  expect(info).toMatchObject({ name: 'wasm', threads: 2 });
  await expect(playground.page.getByTestId('wasm-threads')).toHaveAttribute('data-threads', '2');
});

test.describe('a production build under a sub-path', () => {
  const BASE = '/refilled/';
  const app = useProductionBuild('refilled-e2e-base-', BASE);

  test('loads everything from the sub-path, is isolated, and trains a tiny run on WebAssembly with two threads', async ({ playground, runPanel }) => {
    test.setTimeout(4 * 60_000);
    const outside: string[] = [];
    const inside: string[] = [];
    const failed: string[] = [];
    // Requests of the page and of its workers (the context sees both).
    playground.page.context().on('request', (r) => {
      const url = new URL(r.url());
      // blob: URLs (tfjs's pthread workers) carry the page's origin but are not files of the host.
      if (url.protocol !== 'http:' || url.origin !== app.origin) return;
      (url.pathname.startsWith(BASE) ? inside : outside).push(url.pathname);
    });
    playground.page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    playground.page.on('requestfailed', (r) => {
      if (r.url().startsWith('http')) failed.push(`${r.failure()?.errorText} ${r.url()}`);
    });
    await playground.open(`${app.origin}${BASE}?threads=2${hashFor({ backend: 'wasm', ...TINY_RUN })}`);
    expect(await playground.page.evaluate(() => crossOriginIsolated)).toBe(true);
    const info = await backendInfo(playground);
    expect(info).toMatchObject({ name: 'wasm', threads: 2 });
    await runPanel.run();
    await runPanel.expectStatus(FINISHED, 3 * 60_000);
    const record = (await playground.activeRun())!;
    expect(record.error).toBeUndefined();
    expect(record.metrics.length).toBeGreaterThan(0);
    expect(outside).toEqual([]);
    // Data, the teacher and the wasm binary all came from under the sub-path.
    for (const part of [`${BASE}data/mnist/`, `${BASE}teachers/mnist-0-4/`, '.wasm']) expect(inside.some((p) => p.includes(part)), `a request for ${part}`).toBe(true);
    expect(failed).toEqual([]);
    await expect(new Header(playground.page).backendBadge).toContainText('wasm');
  });
});
