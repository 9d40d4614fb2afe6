/**
 * Run history in a real Chromium on WebAssembly: a tiny run is kept in IndexedDB as it
 * streams, is listed after a reload without loading its charts, comes back into the charts
 * in one click as a saved run, and can be renamed (kept across reloads) and deleted (with undo).
 */
import { expect, hashFor, test, TINY_RUN } from './fixtures';
import { HistoryPanel } from './pages/HistoryPanel';

test('a run survives a reload: listed, re-opened into the charts, renamed, deleted', async ({ playground, charts }) => {
  test.setTimeout(4 * 60_000);
  const page = playground.page;
  const history = new HistoryPanel(page);
  await playground.open(`/${hashFor({ backend: 'wasm' })}`);
  await playground.backend();
  await expect(history.panel).toContainText('0 saved runs');

  const runId = await playground.run(TINY_RUN);
  // The run appears while it streams, and ends done with its accuracy.
  await expect(history.rows).toHaveCount(1, { timeout: 120_000 });
  const done = await playground.waitForRun(runId, (r) => r.status === 'done' || r.status === 'failed', 3 * 60_000);
  await expect(history.row()).toHaveAttribute('data-status', done.status);
  await expect(history.row().getByTestId('history-test-accuracy')).toHaveText(/%$/);
  const points = done.result ? (await playground.activeRun())!.metrics.length : 0;
  expect(points).toBeGreaterThan(0);

  // Reload: listed, and no charts until asked.
  await page.reload();
  await page.waitForFunction(() => window.__refilledTest !== undefined);
  await expect(history.rows).toHaveCount(1);
  await expect(history.row()).toHaveAttribute('data-status', done.status);
  await expect(history.row()).toContainText('MNIST digits · 5, 6, 7, 8, 9');
  expect((await playground.state()).runs).toHaveLength(0);

  // One click brings it back as a finished, saved run with its points on the charts.
  await history.reopenLast.click();
  await expect(page.getByTestId('saved-run-caption')).toBeVisible();
  const reopened = (await playground.activeRun())!;
  expect(reopened.status).toBe(done.status);
  expect(reopened.metrics.length).toBeGreaterThanOrEqual(points);
  await charts.expectPoints('chart-stage1-loss', 1);
  await charts.expectPoints('chart-stage2-loss', 1);
  await expect(page.getByTestId('results-row')).toHaveCount(1);

  // Rename in place, kept across a reload.
  await history.rename(history.row(), 'first tiny run');
  await expect(history.row().getByTestId('history-name')).toHaveText('first tiny run');
  await page.reload();
  await page.waitForFunction(() => window.__refilledTest !== undefined);
  await expect(history.row().getByTestId('history-name')).toHaveText('first tiny run');

  // Delete asks first; Undo brings it back; deleted for good, it stays gone after a reload.
  await history.delete(history.row());
  await expect(history.rows).toHaveCount(0);
  await history.undo.click();
  await expect(history.rows).toHaveCount(1);
  await history.delete(history.row());
  await expect(history.rows).toHaveCount(0);
  await page.reload();
  await page.waitForFunction(() => window.__refilledTest !== undefined);
  await expect(history.panel).toContainText('0 saved runs');
  expect(playground.pageErrors).toEqual([]);
});
