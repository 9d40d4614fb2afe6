/**
 * The explorer during a tiny run on WebAssembly: a shown triplet's p_T and p_S are the values
 * the worker sent (read through the test hook), following it records its p_S, and the
 * teacher's local-classifier bars and the class-affinity heatmap are there. The same panels on
 * WebGPU (SwiftShader) are checked in the WebGPU flow of e2e/ui.spec.ts, and the CPU time of
 * their redraws during a run in the production-build flow there.
 */
import { expect, hashFor, test, TINY_RUN } from './fixtures';
import { Explorer } from './pages/Explorer';

/** Two student classes, 3 shots, one batch of 6: a report every step. */
const CONFIG = { ...TINY_RUN, studentClasses: [8, 9], shotsPerClass: 3, batchSize: 6, 'stage1.epochs': 3, 'runtime.reportIntervalSteps': 1 };

test('the explorer shows the worker’s triplets, follows one, and draws the local classifier and the affinity', async ({ playground }) => {
  test.setTimeout(5 * 60_000);
  const page = playground.page;
  const explorer = new Explorer(page);
  await playground.open(`/${hashFor({ backend: 'wasm', ...CONFIG })}`);
  expect((await playground.backend()).name).toBe('wasm');
  await explorer.open();
  // Configure and take one stage-1 step: the first sample arrives, the run pauses.
  await playground.configure(CONFIG);
  await playground.step(1, 1);
  const key = await explorer.expectWorkerTriplets();

  // Follow it, then two more steps: its p_S is recorded at each reporting step.
  const first = explorer.rows.first();
  await first.getByTestId('explorer-follow').click();
  await expect(first.getByTestId('explorer-follow')).toHaveAttribute('aria-pressed', 'true');
  await playground.step(1, 2);
  await expect.poll(async () => (await explorer.snapshot()).history[key]?.length ?? 0, { timeout: 2 * 60_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('explorer-follow-chart')).toBeVisible();

  // The teacher's local classifier over the two student classes; the affinity: 2 × the teacher's 5.
  await explorer.expectLocalAndAffinity(2, 5, '8 looks like');

  expect(playground.pageErrors).toEqual([]);
});
