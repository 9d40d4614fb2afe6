/**
 * The playground's user flows in a real Chromium: configure and run (once on WebGPU with the
 * explorer open, once on WebAssembly in a production build, where the page must stay
 * responsive), share a link, open a broken link, autorun and hidden controls, and the Space
 * shortcut (Compare over seeds: e2e/compare.spec.ts).
 * Asserted through data-testids, the page objects in ./pages and `window.__refilledTest`.
 * Configurations are tiny (MNIST, width 0.25, a few steps per stage): WebGPU runs on
 * SwiftShader here, where a step takes seconds.
 */
import { cpus, loadavg } from 'node:os';
import { DEFAULT_CONFIG } from '../src/protocol/config';
import { useProductionBuild } from './productionBuild';
import { expect, hashFor, mainThreadTasks, test, TINY_RUN, type Playground } from './fixtures';
import { Charts } from './pages/Charts';
import { ConfigPanel } from './pages/ConfigPanel';
import { Explorer } from './pages/Explorer';

/** The tiny run on the CPU backend (2 steps per stage, a report after each). */
const TINY_CPU = hashFor({ backend: 'cpu', ...TINY_RUN });
/**
 * The WebGPU flow's run: two of the student's classes (still unseen by the teacher), 3 shots,
 * one batch, 2 steps per stage. Evaluating the test split dominates a tiny run on SwiftShader,
 * and two classes have less of it.
 */
const WEBGPU_RUN = { ...TINY_RUN, studentClasses: [8, 9], shotsPerClass: 3, batchSize: 6 };
const PERCENT = /^\d{1,3}\.\d%$/;
/**
 * How a tiny run ends: 'done', or 'failed' when the health checks find it at chance (a run of
 * 2 steps per stage may not get past it); either way finished with a result.
 */
const FINISHED = /^(done|failed)$/;
/** A main-thread task longer than this during training is jank (production build). */
const LONG_TASK_MS = 200;
/**
 * Main-thread CPU time a single task may use outside garbage collection: the page's budget of
 * 200 ms. Before the charts were throttled and memoised a task took up to ~340 ms of CPU here
 * (1.2 s of wall time); with the explorer open most take 10–60 ms, and at load 4 on 2 cores an
 * occasional one took 119 ms (a stricter 100 ms failed on that).
 */
const TASK_CPU_MS = LONG_TASK_MS;
/** Animation frames per second the page keeps up, on average, while the worker trains. */
const MIN_FPS = 20;

async function expectNoPageErrors(playground: Playground): Promise<void> {
  expect(playground.pageErrors, 'uncaught page errors').toEqual([]);
}

/** Charts of both stages have points, the result shows a percentage and the table has the run. */
async function expectFinishedRunShown(charts: Charts, runId: number): Promise<void> {
  for (const id of ['chart-stage1-loss', 'chart-triplets', 'chart-ncm', 'chart-stage2-loss', 'chart-accuracy']) await charts.expectPoints(id, 1);
  // Stage-2 points are there (the loss chart of stage 2 and the accuracy chart only plot stage 2).
  expect(await charts.points('chart-stage2-loss')).toBeGreaterThanOrEqual(2);
  await charts.expectPoints('chart-embedding', 1);
  await expect(charts.testAccuracy).toHaveText(PERCENT);
  await expect(charts.chart('chart-per-class')).not.toHaveAttribute('data-points', '0');
  const row = charts.page.locator(`[data-testid="results-row"][data-run-id="${runId}"]`);
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', FINISHED);
  await expect(row.getByTestId('results-test-accuracy')).toHaveText(PERCENT);
}

test.describe.configure({ mode: 'serial' });

test.describe('on the dev server', () => {
  test('configure in the controls, run on WebGPU, and watch both stages fill the charts and the explorer', async ({ playground, configPanel, runPanel, charts, header }) => {
    test.setTimeout(9 * 60_000);
    // probe=0: the fixed order (WebGPU first) instead of the measured choice (e2e/backend.spec.ts).
    await playground.open('/?probe=0');
    await expect(header.backendBadge).toHaveText(/webgpu/, { timeout: 120_000 });

    // The tiny run, set through the controls.
    await configPanel.choose('teacher', 'mnist-0-4');
    for (const c of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
      const wanted = WEBGPU_RUN.studentClasses.includes(c);
      if ((await configPanel.classChip(c).getAttribute('aria-pressed')) !== String(wanted)) await configPanel.classChip(c).click();
    }
    await configPanel.type('shotsPerClass', String(WEBGPU_RUN.shotsPerClass));
    await configPanel.choose('studentWidth', String(WEBGPU_RUN.studentWidth));
    await configPanel.choose('method', 'refilled');
    await configPanel.type('validationFraction', String(WEBGPU_RUN.validationFraction));
    await configPanel.type('batchSize', String(WEBGPU_RUN.batchSize));
    await configPanel.type('stage1.epochs', String(WEBGPU_RUN['stage1.epochs']));
    await configPanel.type('stage2.epochs', String(WEBGPU_RUN['stage2.epochs']));
    await configPanel.type('runtime.reportIntervalSteps', '1');
    expect(await configPanel.pickedClasses()).toEqual(WEBGPU_RUN.studentClasses);
    await expect(playground.page.getByTestId('relation-badge')).toHaveText('cross-task');
    const config = await playground.config();
    expect(config).toMatchObject({ dataset: 'mnist', teacher: 'mnist-0-4', studentClasses: [8, 9], shotsPerClass: 3, studentWidth: 0.25, batchSize: 6, stage1: { epochs: 2 }, stage2: { epochs: 2 } });

    // The explorer open during the run: its panels fill on WebGPU as they do on WebAssembly
    // (e2e/explorer.spec.ts; the CPU time of its redraws is asserted in the production build below).
    const explorer = new Explorer(playground.page);
    await explorer.open();
    await runPanel.run();
    await runPanel.expectStatus(/loading|ready|running/, 10_000);
    const runId = (await playground.state()).activeRunId!;
    await runPanel.expectStatus(FINISHED, 8 * 60_000);
    await explorer.expectWorkerTriplets();
    await explorer.expectLocalAndAffinity(2, 5, '8 looks like');
    const record = (await playground.activeRun())!;
    // The worker chose WebGPU by the fixed order, on SwiftShader, and trained both stages there:
    // one point per step, finite losses, evaluations in both stages, the embedding pictures.
    const backend = await playground.backend();
    expect(backend).toMatchObject({ name: 'webgpu', forced: false });
    expect(backend.adapter ?? '').toMatch(/swiftshader/i);
    const { stage1Steps, stage2Steps } = record.prepared!;
    expect(stage1Steps).toBeGreaterThan(0);
    expect(stage2Steps).toBeGreaterThan(0);
    expect(record.metrics.map((p) => p.step)).toEqual(Array.from({ length: stage1Steps + stage2Steps }, (_, i) => i + 1));
    expect(record.metrics.filter((m) => m.stage === 1)).toHaveLength(stage1Steps);
    expect(record.metrics.every((p) => Number.isFinite(p.loss))).toBe(true);
    expect(new Set(record.evals.map((e) => e.stage))).toEqual(new Set([1, 2]));
    expect(record.embeddings.student?.points.length).toBeGreaterThan(0);
    expect(record.embeddings.teacher?.points.length).toBeGreaterThan(0);
    expect(record.result!.final.steps).toBe(stage2Steps);
    console.log(`[webgpu flow] ${record.prepared!.stage1Steps} + ${record.prepared!.stage2Steps} steps in ${((record.result?.timing.totalMs ?? 0) / 1000).toFixed(1)} s`);
    await expectFinishedRunShown(charts, runId);
    await expect(runPanel.stage2Progress).toHaveAttribute('data-done', String(record.prepared!.stage2Steps));
    expect(await header.stepMs.textContent()).toMatch(/^\d/);

    // On a software adapter (SwiftShader) the badge offers WebAssembly; taking it restarts the
    // worker there and records backend=wasm in the link. A real GPU gets no such offer.
    if (/swiftshader/i.test((await header.backendReason.textContent()) ?? '')) {
      await expect(header.softwareHint).toBeVisible();
      await header.useWasmButton.click();
      await expect(header.backendBadge).toHaveText(/wasm/, { timeout: 60_000 });
      expect(new URL(playground.page.url()).hash).toContain('backend=wasm');
      await expect(header.softwareHint).toHaveCount(0);
    } else {
      await expect(header.softwareHint).toHaveCount(0);
    }
    await expectNoPageErrors(playground);
  });

  test('a copied link reproduces the configuration in a new page', async ({ playground, configPanel, header, context, baseURL }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
    await playground.open(`/${hashFor({ backend: 'cpu' })}`);

    await configPanel.type('shotsPerClass', '7');
    await configPanel.choose('method', 'stage1-only');
    await configPanel.choose('preset', 'cvpr2020');
    await configPanel.type('optimizer.weightDecay', '0.001');
    await configPanel.type('seed', '42');
    await configPanel.classChip(4).click();
    const keys = ['shotsPerClass', 'method', 'preset', 'optimizer.weightDecay', 'seed', 'stage1.form', 'stage2.lambda', 'dataset', 'teacher'];
    const shown = await configPanel.values(keys);
    expect(shown).toMatchObject({ shotsPerClass: '7', method: 'stage1-only', preset: 'cvpr2020', 'optimizer.weightDecay': '0.001', seed: '42', 'stage1.form': 'triplet' });
    const config = await playground.config();

    const link = await header.copyLink();
    expect(link).toBe(playground.page.url());
    expect(new URL(link).hash).toContain('shotsPerClass=7');

    const opened = await context.newPage();
    await opened.goto(link);
    await opened.waitForFunction(() => window.__refilledTest !== undefined);
    const reopened = new ConfigPanel(opened);
    expect(await reopened.values(keys)).toEqual(shown);
    expect(await reopened.pickedClasses()).toEqual([4, 5, 6, 7, 8, 9]);
    expect(await opened.evaluate(() => window.__refilledTest!.getConfig())).toEqual(config);
    await expect(opened.getByTestId('url-notice')).toHaveCount(0);
    await opened.close();
    await expectNoPageErrors(playground);
  });

  test('a malformed link names each bad field and falls back to the defaults', async ({ playground, configPanel, banners, runPanel }) => {
    await playground.open('/#v=1&shotsPerClass=banana&stage1.tau1=-3&method=magic&backend=cpu');
    await expect(banners.urlNotice).toBeVisible();
    const notices = await banners.noticeTexts();
    for (const field of ['shotsPerClass', 'stage1.tau1', 'method']) expect(notices.some((n) => n.includes(field)), `a notice names ${field}: ${notices.join(' | ')}`).toBe(true);
    await configPanel.expectShown('shotsPerClass', String(DEFAULT_CONFIG.shotsPerClass));
    await configPanel.expectShown('stage1.tau1', String(DEFAULT_CONFIG.stage1.tau1));
    await configPanel.expectShown('method', DEFAULT_CONFIG.method);
    expect(await playground.config()).toEqual(JSON.parse(JSON.stringify(DEFAULT_CONFIG)));
    // The page works: the defaults can be run, and nothing threw.
    await expect(runPanel.runButton).toBeEnabled();
    await expect(runPanel.status).toHaveText('idle');
    await expectNoPageErrors(playground);
  });

  test('autorun=1 starts the run by itself, and <control>_hide=1 hides that control', async ({ playground, runPanel, configPanel }) => {
    await playground.open(`/${TINY_CPU}&autorun=1&advanced_hide=1&compare_hide=1`);
    await runPanel.expectStatus(/loading|ready|running|done|failed/, 30_000);
    expect((await playground.state()).runs).toHaveLength(1);
    await expect(configPanel.advanced).toHaveCount(0);
    await expect(configPanel.field('stage1.tau1')).toHaveCount(0);
    await expect(playground.page.getByTestId('compare-button')).toHaveCount(0);
    await expect(configPanel.field('method')).toBeVisible();
    await expect(playground.page.getByTestId('autorun-checkbox')).toBeChecked();
    // Leave the machine to the next test.
    if (await runPanel.stopButton.isEnabled()) await runPanel.stopButton.click();
    await runPanel.expectStatus(/stopped|done|failed/);
    await expectNoPageErrors(playground);
  });

  test('Space runs, pauses and resumes, but not while typing in a box', async ({ playground, runPanel }) => {
    test.setTimeout(4 * 60_000);
    // Long enough not to finish while the test presses keys.
    await playground.open(`/${hashFor({ backend: 'cpu', ...TINY_RUN, 'stage1.epochs': 400, 'stage2.epochs': 400 })}`);
    await playground.backend();
    await runPanel.pressSpaceOnPage();
    await runPanel.expectStatus('running', 90_000);
    await runPanel.pressSpaceOnPage();
    await runPanel.expectStatus('paused');

    const box = playground.page.getByTestId('step-count-input');
    await box.click();
    await box.press('End');
    await box.press('Space');
    await expect(box).toHaveValue('10 ');
    await playground.page.waitForTimeout(1000);
    await expect(runPanel.status).toHaveText('paused');
    expect((await playground.state()).runs).toHaveLength(1);

    await runPanel.pressSpaceOnPage();
    await runPanel.expectStatus('running');
    await runPanel.stopButton.click();
    await runPanel.expectStatus('stopped');
    await expectNoPageErrors(playground);
  });
});

test.describe('in a production build', () => {
  const app = useProductionBuild('refilled-e2e-build-');

  test('a run fills the charts and the explorer while the page stays responsive (no long task over 200 ms)', async ({ playground, runPanel, charts, browser }) => {
    test.setTimeout(6 * 60_000);
    // WebAssembly, 60 steps with a report at each: the worker trains flat out on one core while
    // the page draws a chart point per step (the CPU backend took 1.9 min for 8 steps here).
    const hash = hashFor({ backend: 'wasm', dataset: 'mnist', teacher: 'mnist-0-4', shotsPerClass: 3, studentWidth: 0.25, 'stage1.epochs': 30, 'stage2.epochs': 30, 'runtime.reportIntervalSteps': 1 });
    await playground.open(`${app.origin}/${hash}`);
    await playground.backend();
    // The explorer open: its triplet table, local classifier and affinity redraw at every
    // reporting step of the run measured below.
    const explorer = new Explorer(playground.page);
    await explorer.open();
    // Let the charts mount (one per task) before measuring.
    await expect.poll(() => charts.drawn('chart-accuracy')).toBe(true);
    await playground.page.waitForTimeout(500);

    const before = await playground.probes();
    await browser.startTracing(playground.page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    await runPanel.run();
    await runPanel.expectStatus(FINISHED, 5 * 60_000);
    const after = await playground.probes();
    const traced = mainThreadTasks(await browser.stopTracing());
    const runId = (await playground.state()).activeRunId!;
    await expectFinishedRunShown(charts, runId);
    await explorer.expectWorkerTriplets();

    const seconds = (after.now - before.now) / 1000;
    const fps = (after.frames - before.frames) / seconds;
    const tasks = after.longTasks.filter((t) => t.startTime >= before.now).map((t) => Math.round(t.duration));
    const cpuMs = traced.map((t) => Math.round(t.cpuMs));
    const gcMs = traced.map((t) => Math.round(t.gcMs));
    const [load] = loadavg();
    // More runnable threads than cores (the worker trains flat out on one of two): wall-clock
    // spikes of a task are then the scheduler's, not the page's; its CPU time is asserted below.
    const oversubscribed = load > cpus().length;
    const summary =
      `${seconds.toFixed(1)} s run; ${fps.toFixed(1)} frames/s; long tasks (> 50 ms wall): ${tasks.length}, longest ${Math.max(0, ...tasks)} ms [${tasks.join(', ')}]; ` +
      `their main-thread CPU time: longest ${Math.max(0, ...cpuMs)} ms [${cpuMs.join(', ')}], of which garbage collection [${gcMs.join(', ')}]; load average ${load.toFixed(1)} on ${cpus().length} cores`;
    console.log(`[responsiveness, production build, wasm] ${summary}`);
    test.info().annotations.push({ type: 'responsiveness', description: summary });

    // The page's own work: no task uses much of the main thread, however busy the machine is.
    // A garbage collection inside a task is V8's, and on this loaded 2-core machine V8 sometimes
    // finishes its marking in one pause on the main thread (its helper threads starved): a
    // 272 ms task here was nearly all one MajorGC. That part is reported above, not asserted.
    expect(traced.length, 'the trace saw the long tasks the observer saw').toBeGreaterThanOrEqual(Math.min(1, tasks.length));
    const own = (t: { cpuMs: number; gcMs: number }) => Math.max(0, t.cpuMs - t.gcMs);
    expect(traced.filter((t) => own(t) > TASK_CPU_MS), `main-thread tasks using over ${TASK_CPU_MS} ms of CPU outside garbage collection`).toEqual([]);
    // What a user feels: no long task over 200 ms. On an oversubscribed machine (more runnable
    // threads than cores) an 80 ms task can take 200 ms of wall time; then the long tasks are
    // reported only, and the CPU-time check above still holds the page to its budget.
    const janky = tasks.filter((d) => d > LONG_TASK_MS);
    if (oversubscribed) test.info().annotations.push({ type: 'not asserted', description: `load ${load.toFixed(1)} on ${cpus().length} cores; long tasks over ${LONG_TASK_MS} ms: [${janky.join(', ')}]` });
    else expect(janky, `main-thread tasks over ${LONG_TASK_MS} ms during training`).toEqual([]);
    expect(fps).toBeGreaterThan(MIN_FPS);
    await expectNoPageErrors(playground);
  });
});
