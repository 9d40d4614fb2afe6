/**
 * The guided tour and offline use, in a real Chromium. The tour is driven with the keyboard
 * (→, Space, ←, Esc) through a tiny REFILLED run on WebAssembly: stage 1 trains and the run
 * pauses at the stage boundary while the tour points at the NCM chart and the triplets, stage 2
 * trains, and the audience is asked for a prediction before Compare. The projector view with
 * `tour=1&autorun=1` keeps every callout and spotlight on one 1280×720 screen. Offline: the
 * production build's service worker serves the app, the worker, the wasm binaries, the data
 * and the teacher with the network off.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useProductionBuild } from './productionBuild';
import { expect, hashFor, test, TINY_RUN, type Playground } from './fixtures';
import { Tour } from './pages/Tour';

/** The tiny run on WebAssembly; Compare on one seed. */
const TINY_WASM = hashFor({ backend: 'wasm', ...TINY_RUN, compareSeeds: 1 });
const FINISHED = /^(done|failed)$/;
const RUN_MS = 3 * 60_000;

/** The active run: paused at the stage boundary, with stage 1 done and no stage-2 step taken. */
async function expectPausedAtBoundary(playground: Playground): Promise<void> {
  const run = await playground.activeRun();
  expect(run?.status).toBe('paused');
  expect(run?.label).toBe('refilled');
  const stage1 = run!.metrics.filter((m) => m.stage === 1);
  expect(stage1.length).toBeGreaterThan(0);
  expect(stage1.at(-1)!.step).toBe(run!.prepared!.stage1Steps);
  expect(run!.metrics.filter((m) => m.stage === 2)).toEqual([]);
  expect(run!.evals.some((e) => e.stage === 1)).toBe(true);
}

test.describe.configure({ mode: 'serial' });

/** The callout and the spotlight of the step shown are on the screen, and nothing scrolls sideways. */
async function expectStepOnScreen(tour: Tour, id: string): Promise<void> {
  // The spotlight and the callout follow the page as it settles (charts drawing, the run panel resizing).
  const problems = async (): Promise<string[]> => {
    const b = await tour.boxes();
    const out: string[] = [];
    if (b.scrollWidth > b.window.width) out.push(`the page scrolls sideways (${b.scrollWidth} px)`);
    if (b.callout.top < 0 || b.callout.left < 0 || b.callout.bottom > b.window.height || b.callout.right > b.window.width) out.push(`callout off screen: ${JSON.stringify(b.callout)}`);
    if (!b.spotlight) out.push('no spotlight');
    else if (b.spotlight.top < 0 || b.spotlight.top > b.window.height - 40) out.push(`spotlight top at ${b.spotlight.top}`);
    const covered = await tour.panelTopCoveredBy();
    if (covered) out.push(`the panel's top is under ${covered}`);
    return out;
  };
  await expect.poll(problems, { message: `${id}: on one screen`, timeout: 10_000 }).toEqual([]);
}

test.describe('the tour in the projector view at 1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('tour=1&autorun=1&layout=present: → ← Space Esc walk it on one screen; stage 1 pauses at the boundary; the prediction before Compare', async ({ playground }, testInfo) => {
    test.setTimeout(6 * 60_000);
    const tour = new Tour(playground.page);
    const page = playground.page;
    const keys = page.keyboard;
    const go = async (key: string, id: string) => {
      await keys.press(key);
      await tour.expectStep(id);
      await expectStepOnScreen(tour, id);
    };
    // The link opens the tour and starts its run (autorun); a control hidden by the link stays hidden.
    await playground.open(`/${TINY_WASM}&layout=present&tour=1&autorun=1&step_hide=1`);
    await expect(page.getByTestId('app')).toHaveAttribute('data-layout', 'present');
    await tour.expectStep('idea');
    await expect(tour.dialog).toHaveAttribute('role', 'dialog');
    // No sidebar here: the first step points at the run panel.
    await expect(tour.dialog).toHaveAttribute('data-anchor', 'run');
    expect(await tour.focused()).toBe(true);
    await expect(tour.live).toContainText('A teacher from another task');
    await expect(page.getByTestId('step-count-input')).toHaveCount(0);
    await expectStepOnScreen(tour, 'idea');

    await go('ArrowRight', 'stages');
    await go('ArrowLeft', 'idea');
    await go('ArrowRight', 'stages');
    // Stage 1 was started by autorun: the step starts no second run, and → waits for the boundary.
    await go('ArrowRight', 'run-stage1');
    const runs = await playground.state();
    expect(runs.runs.map((r) => r.label)).toEqual(['refilled']);
    await tour.waitForRun(RUN_MS);
    await expectPausedAtBoundary(playground);
    await expect(tour.live).toContainText('paused at the stage boundary');

    await go('ArrowRight', 'ncm');
    await expect(tour.dialog).toHaveAttribute('data-anchor', 'chart-ncm');
    await expect(page.getByTestId('chart-ncm')).not.toHaveAttribute('data-points', '0');
    await page.screenshot({ path: testInfo.outputPath('tour-present-ncm-1280x720.png') });
    // Space is "next" in the tour: it does not resume the paused run.
    await go('Space', 'triplets');
    await expect(tour.dialog).toHaveAttribute('data-anchor', 'chart-triplets');
    await page.waitForTimeout(1000);
    await expectPausedAtBoundary(playground);

    // No relationship explorer on this page: its step is skipped; stage 2 trains to the end.
    await go('ArrowRight', 'run-stage2');
    await tour.waitForRun(RUN_MS);
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', FINISHED);
    expect((await playground.activeRun())!.metrics.some((m) => m.stage === 2)).toBe(true);

    await go('ArrowRight', 'predict');
    await expect(tour.dialog).toContainText('Which one wins');
    await expect(tour.next).toHaveText(/Start Compare/);
    await page.getByTestId('tour-choice-refilled').click();
    await expect(page.getByTestId('tour-choice-refilled')).toHaveAttribute('aria-pressed', 'true');
    expect((await playground.state()).runs.length).toBe(1);
    await go('ArrowRight', 'compare');
    await expect.poll(async () => (await playground.state()).runs.length).toBeGreaterThan(1);
    await page.evaluate(() => window.__refilledTest!.stop());
    await keys.press('Escape');
    await expect(tour.dialog).toHaveCount(0);
    await expect(tour.spotlight).toHaveCount(0);

    // The full page: "Take the tour" opens it again, pointing at the teacher first.
    await page.getByTestId('present-button').click();
    await tour.button.click();
    await tour.expectStep('idea');
    await expect(tour.dialog).toHaveAttribute('data-anchor', 'teacher');
    await expect(tour.spotlight).toBeVisible();
    await keys.press('Escape');
    await expect(tour.dialog).toHaveCount(0);
    expect(playground.pageErrors).toEqual([]);
  });
});

test.describe('offline, from the production build', () => {
  const app = useProductionBuild('refilled-e2e-offline-');

  test('opened once, the page boots with the network off and a tiny WebAssembly run takes a step', async ({ playground }) => {
    test.setTimeout(5 * 60_000);
    const page = playground.page;
    await playground.open(`${app.origin}/${TINY_WASM}`);
    // The service worker installs (precaching everything) and activates.
    const cached = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      const keys = await caches.keys();
      const urls: string[] = [];
      for (const key of keys) for (const request of await (await caches.open(key)).keys()) urls.push(new URL(request.url).pathname);
      return { active: registration.active?.state, urls };
    });
    expect(cached.active).toBe('activated');
    // Every file of the build is precached (the shell, the worker, the tfjs chunks, the wasm
    // binaries, data and teachers) except the service worker's own and the data licence text.
    const built = (readdirSync(app.outDir, { recursive: true }) as string[]).filter((f) => statSync(join(app.outDir, f)).isFile()).map((f) => `/${f.split('\\').join('/')}`);
    const own = /^\/(sw\.js|workbox-[^/]+\.js|.*\.md)$/;
    expect(built.filter((f) => !own.test(f) && !cached.urls.includes(f)), 'built but not precached').toEqual([]);
    const bytes = built.filter((f) => cached.urls.includes(f)).reduce((sum, f) => sum + statSync(join(app.outDir, f)).size, 0);
    console.log(`[offline] precache: ${cached.urls.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    for (const wanted of [/\/index\.html$/, /\/assets\/worker-[^/]+\.js$/, /\/assets\/tfjs-backend-wasm-simd-[^/]+\.wasm$/, /\/data\/mnist\/images\.bin$/, /\/data\/mnist\/manifest\.json$/, /\/teachers\/mnist-0-4\/weights\.bin$/]) {
      expect(cached.urls.some((u) => wanted.test(u)), `precached: ${wanted}`).toBe(true);
    }

    await page.context().setOffline(true);
    try {
      await page.reload();
      await page.waitForFunction(() => window.__refilledTest !== undefined, undefined, { timeout: 60_000 });
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      expect((await playground.backend()).name).toBe('wasm');
      // One stage-1 step of the tiny run: the data, the teacher and the wasm binaries all come from the cache.
      const runId = await playground.configure(TINY_RUN);
      await playground.step(1, 1);
      const run = await playground.waitForRun(runId, (r) => r.status === 'paused' && r.metrics.length > 0, RUN_MS);
      expect(Number.isFinite(run.metrics[0].loss)).toBe(true);
      await expect(page.getByTestId('update-banner')).toHaveCount(0);
    } finally {
      await page.context().setOffline(false);
    }
    expect(playground.pageErrors).toEqual([]);
  });
});
