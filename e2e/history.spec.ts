/**
 * Run history in a real Chromium on WebAssembly: a tiny run is kept in IndexedDB as it
 * streams, is listed after a reload without loading its charts, comes back into the charts
 * in one click as a saved run, and can be renamed (kept across the reload) and deleted (with undo).
 */
import type { Page } from '@playwright/test';
import { expect, hashFor, test, TINY_RUN } from './fixtures';
import { HistoryPanel } from './pages/HistoryPanel';

/** The names of the runs in IndexedDB, read past the app (what a reload would list). */
function storedNames(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('refilled-playground');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('runSummaries').objectStore('runSummaries').getAll();
          get.onsuccess = () => {
            db.close();
            resolve((get.result as { name: string }[]).map((r) => r.name));
          };
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

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
  const points = done.metrics.length;
  expect(points).toBeGreaterThan(0);
  // Renamed in place (Enter keeps it).
  await history.rename(history.row(), 'first tiny run');
  await expect(history.row().getByTestId('history-name')).toHaveText('first tiny run');
  await expect.poll(() => storedNames(page)).toEqual(['first tiny run']);

  // Reload: listed under its new name, and no charts until asked.
  await page.reload();
  await page.waitForFunction(() => window.__refilledTest !== undefined);
  await expect(history.rows).toHaveCount(1);
  await expect(history.row()).toHaveAttribute('data-status', done.status);
  await expect(history.row()).toContainText('MNIST digits · 5, 6, 7, 8, 9');
  await expect(history.row().getByTestId('history-name')).toHaveText('first tiny run');
  expect((await playground.state()).runs).toHaveLength(0);

  // One click brings it back as a finished, saved run with its points on the charts.
  await history.reopenLast.click();
  await expect(page.getByTestId('saved-run-caption')).toContainText('first tiny run');
  const reopened = (await playground.activeRun())!;
  expect(reopened.status).toBe(done.status);
  expect(reopened.metrics.length).toBeGreaterThanOrEqual(points);
  await charts.expectPoints('chart-stage1-loss', 1);
  await charts.expectPoints('chart-stage2-loss', 1);
  await expect(page.getByTestId('results-row')).toHaveCount(1);

  // Delete asks first; Undo brings it back; deleted for good, it is gone from storage too.
  await history.delete(history.row());
  await expect(history.rows).toHaveCount(0);
  await history.undo.click();
  await expect(history.rows).toHaveCount(1);
  await history.delete(history.row());
  await expect(history.rows).toHaveCount(0);
  await expect(history.panel).toContainText('0 saved runs');
  await expect.poll(() => storedNames(page)).toEqual([]);
  expect(playground.pageErrors).toEqual([]);
});
