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
  console.log('T1', Date.now() % 1000000);
  const history = new HistoryPanel(page);
  console.log('T2', Date.now() % 1000000);
  await playground.open(`/${hashFor({ backend: 'wasm' })}`);
  console.log('T3', Date.now() % 1000000);
  await playground.backend();
  console.log('T4', Date.now() % 1000000);
  await expect(history.panel).toContainText('0 saved runs');
  console.log('T5', Date.now() % 1000000);

  const runId = await playground.run(TINY_RUN);
  console.log('T6', Date.now() % 1000000);
  // The run appears while it streams, and ends done with its accuracy.
  await expect(history.rows).toHaveCount(1, { timeout: 120_000 });
  console.log('T7', Date.now() % 1000000);
  const done = await playground.waitForRun(runId, (r) => r.status === 'done' || r.status === 'failed', 3 * 60_000);
  console.log('T8', Date.now() % 1000000);
  await expect(history.row()).toHaveAttribute('data-status', done.status);
  console.log('T9', Date.now() % 1000000);
  await expect(history.row().getByTestId('history-test-accuracy')).toHaveText(/%$/);
  console.log('T10', Date.now() % 1000000);
  const points = done.result ? (await playground.activeRun())!.metrics.length : 0;
  console.log('T11', Date.now() % 1000000);
  expect(points).toBeGreaterThan(0);

  // Reload: listed, and no charts until asked.
  await page.reload();
  console.log('T12', Date.now() % 1000000);
  await page.waitForFunction(() => window.__refilledTest !== undefined);
  console.log('T13', Date.now() % 1000000);
  await expect(history.rows).toHaveCount(1);
  console.log('T14', Date.now() % 1000000);
  await expect(history.row()).toHaveAttribute('data-status', done.status);
  console.log('T15', Date.now() % 1000000);
  await expect(history.row()).toContainText('MNIST digits · 5, 6, 7, 8, 9');
  console.log('T16', Date.now() % 1000000);
  expect((await playground.state()).runs).toHaveLength(0);

  // One click brings it back as a finished, saved run with its points on the charts.
  await history.reopenLast.click();
  console.log('T17', Date.now() % 1000000);
  await expect(page.getByTestId('saved-run-caption')).toBeVisible();
  console.log('T18', Date.now() % 1000000);
  const reopened = (await playground.activeRun())!;
  console.log('T19', Date.now() % 1000000);
  expect(reopened.status).toBe(done.status);
  expect(reopened.metrics.length).toBeGreaterThanOrEqual(points);
  await charts.expectPoints('chart-stage1-loss', 1);
  console.log('T20', Date.now() % 1000000);
  await charts.expectPoints('chart-stage2-loss', 1);
  console.log('T21', Date.now() % 1000000);
  await expect(page.getByTestId('results-row')).toHaveCount(1);
  console.log('T22', Date.now() % 1000000);

  // Rename in place, kept across a reload.
  await history.rename(history.row(), 'first tiny run');
  console.log('T23', Date.now() % 1000000);
  await expect(history.row().getByTestId('history-name')).toHaveText('first tiny run');
  console.log('T24', Date.now() % 1000000);
  await page.reload();
  console.log('T25', Date.now() % 1000000);
  await page.waitForFunction(() => window.__refilledTest !== undefined);
  console.log('T26', Date.now() % 1000000);
  await expect(history.row().getByTestId('history-name')).toHaveText('first tiny run');
  console.log('T27', Date.now() % 1000000);

  // Delete asks first; Undo brings it back; deleted for good, it stays gone after a reload.
  await history.delete(history.row());
  console.log('T28', Date.now() % 1000000);
  await expect(history.rows).toHaveCount(0);
  console.log('T29', Date.now() % 1000000);
  await history.undo.click();
  console.log('T30', Date.now() % 1000000);
  await expect(history.rows).toHaveCount(1);
  console.log('T31', Date.now() % 1000000);
  await history.delete(history.row());
  console.log('T32', Date.now() % 1000000);
  await expect(history.rows).toHaveCount(0);
  console.log('T33', Date.now() % 1000000);
  await page.reload();
  console.log('T34', Date.now() % 1000000);
  await page.waitForFunction(() => window.__refilledTest !== undefined);
  console.log('T35', Date.now() % 1000000);
  await expect(history.panel).toContainText('0 saved runs');
  console.log('T36', Date.now() % 1000000);
  expect(playground.pageErrors).toEqual([]);
});
