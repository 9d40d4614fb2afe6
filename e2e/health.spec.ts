/**
 * A UI that never misleads, in a real Chromium on WebAssembly: runs that diverge or collapse
 * end flagged ("failed: …") with a banner saying what to try; runs are named by what differs
 * between them; the loading phase says what it does; Reset and the step buttons do what the
 * run-controls table (docs/run-controls.md) says.
 */
import type { Locator } from '@playwright/test';
import { expect, hashFor, test, TINY_RUN, type Playground, type RunSnapshot } from './fixtures';

/** The default task (Fashion-MNIST, 10 shots) made short: 5 + 15 epochs of one step each. */
const SHORT = { backend: 'wasm', 'stage1.epochs': 5, 'stage2.epochs': 15 };

interface HealthSnapshot extends RunSnapshot {
  health: { kind: string }[];
}

async function waitFinished(playground: Playground, runId: number, timeoutMs = 5 * 60_000): Promise<HealthSnapshot> {
  return (await playground.waitForRun(runId, (r) => ['done', 'failed', 'stopped'].includes(r.status), timeoutMs)) as HealthSnapshot;
}

const row = (playground: Playground, runId: number): Locator => playground.page.locator(`[data-testid="results-row"][data-run-id="${runId}"]`);

async function expectFlagged(playground: Playground, runId: number): Promise<void> {
  const page = playground.page;
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('run-status')).toHaveText(/^failed: /);
  const banner = page.getByTestId('health-banner');
  await expect(banner).toHaveAttribute('data-severity', 'failed');
  await expect(banner.getByTestId('health-title')).toHaveText(new RegExp(`^Run #${runId} failed: `));
  await expect(banner.getByTestId('health-advice')).toContainText('Lower the stage-2 learning rate');
  const r = row(playground, runId);
  await expect(r).toHaveAttribute('data-status', 'failed');
  await expect(r.getByTestId('results-status')).toHaveText(/^failed: /);
  // A failed run's accuracy is not highlighted as the best.
  await expect(r.getByTestId('results-test-accuracy')).not.toHaveClass(/is-best/);
}

test.describe.configure({ mode: 'serial' });

test.describe('run health', () => {
  test('a learning rate of 10 ends "failed" with a banner that names it, after showing its loading phases', async ({ playground, runPanel }) => {
    test.setTimeout(6 * 60_000);
    await playground.open(`/${hashFor({ ...SHORT, 'stage2.learningRate': 10 })}`);
    await playground.backend();
    await runPanel.run();
    // The loading phases the run went through, read from the store as they pass.
    const phases = await playground.page.evaluate(async () => {
      const seen: string[] = [];
      const t0 = performance.now();
      for (;;) {
        const s = window.__refilledTest!.getState() as { runs: { status: string; loading?: { phase: string } }[] };
        const run = s.runs.at(-1);
        if (run?.loading && seen.at(-1) !== run.loading.phase) seen.push(run.loading.phase);
        if ((run && run.status !== 'loading') || performance.now() - t0 > 60_000) return seen;
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    expect(phases.length).toBeGreaterThan(0);
    expect(['data', 'teacher', 'split', 'teacher-embeddings']).toEqual(expect.arrayContaining(phases));
    const runId = (await playground.activeRun())!.runId;
    const record = await waitFinished(playground, runId);
    expect(record.status).toBe('failed');
    expect(record.health.map((i) => i.kind)).toContain('loss-exploded');
    await expectFlagged(playground, runId);
    await expect(playground.page.getByTestId('health-banner')).toContainText('(now 10)');
  });

  test('the cvpr2020 preset as published (flat targets, λ = 1000 at the plain rate) collapses to one class and ends "failed" with its banner', async ({ playground, runPanel }) => {
    test.setTimeout(6 * 60_000);
    // The preset's published form: the teacher at τ₂ = 2 and the step not scaled by 1 + λ.
    await playground.open(`/${hashFor({ ...SHORT, preset: 'cvpr2020', 'stage2.teacherTau': 'tau2', 'stage2.lambdaLr': 'fixed', 'stage1.epochs': 10 })}`);
    await playground.backend();
    await runPanel.run();
    await expect.poll(async () => (await playground.activeRun())?.runId).toBeDefined();
    const runId = (await playground.activeRun())!.runId;
    const record = await waitFinished(playground, runId);
    expect(record.status).toBe('failed');
    expect(record.health.map((i) => i.kind)).toEqual(expect.arrayContaining(['collapsed-prediction', 'chance-accuracy']));
    await expectFlagged(playground, runId);
    await expect(playground.page.getByTestId('health-title')).toHaveText(/predicts one class/);
    await expect(playground.page.getByTestId('health-banner')).toContainText('or the tpami preset');
    await expect(playground.page.getByTestId('health-banner')).toContainText('set the learning rate for λ to scaled');
  });
});

test.describe('time left', () => {
  test('the wall-clock estimate a quarter in is close to the time the run then takes', async ({ playground, runPanel }) => {
    test.setTimeout(6 * 60_000);
    await playground.open(`/${hashFor({ backend: 'wasm', 'stage1.epochs': 10, 'stage2.epochs': 30 })}`);
    await playground.backend();
    await runPanel.run();
    type Snap = { status: string; progress?: { step: number; totalSteps: number; etaMs: number | null }; eta: { msPerStep: number | null } };
    const read = () => playground.page.evaluate(() => {
      const s = window.__refilledTest!.getState() as { runs: Snap[] };
      return s.runs.at(-1)!;
    });
    let at: { t: number; page: number; worker: number; step: number } | null = null;
    for (;;) {
      const r = await read();
      const p = r.progress;
      if (!at && p && r.eta.msPerStep !== null && p.etaMs !== null && p.step >= p.totalSteps / 4) {
        at = { t: Date.now(), page: r.eta.msPerStep * (p.totalSteps - p.step), worker: p.etaMs, step: p.step };
        await expect(playground.page.getByTestId('eta')).toHaveText(/^about .+ left$/);
      }
      if (r.status !== 'running' && r.status !== 'loading' && r.status !== 'ready') break;
      await playground.page.waitForTimeout(200);
    }
    expect(at).not.toBeNull();
    const actual = Date.now() - at!.t;
    console.log(`time left at step ${at!.step}: page ${Math.round(at!.page)} ms, worker's step-time estimate ${Math.round(at!.worker)} ms, actual ${actual} ms`);
    // Within a factor of 2 of what it then took (the worker's step times alone were ~5x too low).
    expect(at!.page).toBeGreaterThan(actual / 2);
    expect(at!.page).toBeLessThan(actual * 2);
  });
});

test.describe('runs labelled', () => {
  test('two runs with different shots say so in the table and the chart legend; changed settings are noted', async ({ playground, configPanel }) => {
    test.setTimeout(6 * 60_000);
    await playground.open(`/${hashFor({ backend: 'wasm', ...TINY_RUN })}`);
    await playground.backend();
    const a = await playground.run({ ...TINY_RUN, shotsPerClass: 2, method: 'vanilla' });
    await waitFinished(playground, a);
    const b = await playground.run({ ...TINY_RUN, shotsPerClass: 3, method: 'refilled' });
    await waitFinished(playground, b);
    await expect(row(playground, a).getByTestId('results-name')).toHaveText('vanilla · 2 shots');
    await expect(row(playground, b).getByTestId('results-name')).toHaveText('refilled · 3 shots');
    await expect(playground.page.getByTestId('chart-compare')).toContainText(`#${b} refilled · 3 shots`);
    await expect(playground.page.getByTestId('run-caption-label')).toHaveText(`Charts of run #${b}: refilled · 3 shots`);
    // The controls show 2 shots (the link's): the charts of run b (3 shots) no longer match them.
    await expect(playground.page.getByTestId('settings-changed')).toContainText('shots');
    await configPanel.type('shotsPerClass', '3');
    await expect(playground.page.getByTestId('settings-changed')).toHaveCount(0);
  });
});

test.describe('run controls', () => {
  test('Reset and the step buttons do what the table says in every state', async ({ playground, runPanel, charts }) => {
    test.setTimeout(6 * 60_000);
    const page = playground.page;
    // Long enough not to end by itself while the test presses buttons.
    await playground.open(`/${hashFor({ backend: 'wasm', ...TINY_RUN, 'stage1.epochs': 400, 'stage2.epochs': 400 })}`);
    await playground.backend();
    const step1 = page.getByTestId('step1-button');
    const step2 = page.getByTestId('step2-button');
    const rows = page.getByTestId('results-row');
    const expectFreshPage = async (rowCount: number) => {
      await expect(runPanel.status).toHaveAttribute('data-status', 'idle');
      await expect(runPanel.status).toHaveText('idle');
      await expect(runPanel.stage1Progress).toHaveAttribute('data-done', '0');
      await expect(runPanel.stage2Progress).toHaveAttribute('data-done', '0');
      await expect(charts.chart('chart-stage1-loss')).toHaveAttribute('data-points', '0');
      await expect(rows).toHaveCount(rowCount);
      await expect(runPanel.resetButton).toBeDisabled();
    };
    await page.getByTestId('step-count-input').fill('2');

    // idle: the step buttons start a new run and say so; Reset is disabled.
    await expectFreshPage(0);
    await expect(step1).toHaveText('Stage 1 +2 · new run');
    await step1.click();
    await runPanel.expectStatus('paused', 90_000);
    expect((await playground.activeRun())?.metrics.at(-1)?.step).toBe(2);

    // paused: a step continues this run (no new row, no "new run").
    await expect(step1).toHaveText('Stage 1 +2');
    await expect(step1).toHaveAttribute('data-effect', 'step');
    await step1.click();
    await expect.poll(async () => (await playground.activeRun())?.metrics.at(-1)?.step, { timeout: 60_000 }).toBe(4);
    await runPanel.expectStatus('paused');
    await expect(rows).toHaveCount(1);

    // paused → Reset: a fresh page, the unfinished run gone.
    await runPanel.resetButton.click();
    await expectFreshPage(0);

    // running → Reset: the same.
    await runPanel.run();
    await runPanel.expectStatus('running', 90_000);
    await charts.expectPoints('chart-stage1-loss', 1);
    await runPanel.resetButton.click();
    await expectFreshPage(0);
    await page.waitForTimeout(1500);
    await expectFreshPage(0);

    // finished (stopped) → the step buttons say they start a new run; Reset keeps its row.
    await runPanel.run();
    await runPanel.expectStatus('running', 90_000);
    await charts.expectPoints('chart-stage1-loss', 1);
    await runPanel.stopButton.click();
    await runPanel.expectStatus('stopped');
    await expect(step2).toHaveText('Stage 2 +2 · new run');
    await expect(step2).toHaveAttribute('title', /finished.*new run/);
    await runPanel.resetButton.click();
    await expectFreshPage(1);

    // finished → Stage 2 +2 after a stopped run: a new run (a second row), paused after its steps.
    await runPanel.run();
    await runPanel.expectStatus('running', 90_000);
    await runPanel.stopButton.click();
    await runPanel.expectStatus('stopped');
    await step2.click();
    await expect(rows).toHaveCount(3);
    await runPanel.expectStatus('paused', 3 * 60_000);
    expect(playground.pageErrors).toEqual([]);
  });
});
