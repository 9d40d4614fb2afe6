/**
 * The README's pictures, made again with `UPDATE_SCREENSHOTS=1 npx playwright test e2e/screenshots.spec.ts`:
 * docs/screenshot.png (the default view at 1280×800 after a run of the default cross-task
 * configuration), docs/screenshot-present.png (the projector view at 1280×720 after Compare),
 * docs/screenshot-explorer.png (the "What is distilled" panel after a run) and
 * docs/screenshot-tour.png (a step of the guided tour).
 * On WebAssembly, the fast backend on a machine without a GPU. Skipped in ordinary test runs.
 */
import { fileURLToPath } from 'node:url';
import { expect, hashFor, test } from './fixtures';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const PERCENT = /^\d{1,3}\.\d%$/;

test.describe.configure({ mode: 'serial' });
test.skip(!process.env.UPDATE_SCREENSHOTS, 'writes docs/*.png; set UPDATE_SCREENSHOTS=1');

test('the default view at 1280×800, after a run', async ({ playground, page }) => {
  test.setTimeout(10 * 60_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  await playground.open(`/${hashFor({ backend: 'wasm' })}`);
  await playground.backend();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', /^(done|failed)$/, { timeout: 8 * 60_000 });
  await expect(page.getByTestId('result-test-accuracy')).toHaveText(PERCENT);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${DOCS}screenshot.png` });
});

test('the projector view at 1280×720, after Compare', async ({ playground, page }) => {
  test.setTimeout(10 * 60_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'light' });
  await playground.open(`/${hashFor({ backend: 'wasm', layout: 'present' })}`);
  await playground.backend();
  await page.getByTestId('compare-button').click();
  await expect.poll(async () => (await playground.state()).runs.map((r) => r.status), { timeout: 9 * 60_000, intervals: [2000] }).toEqual(['done', 'done', 'done']);
  // Compare scrolled the column down to its button: back to the top, as the audience sees it.
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    document.querySelector('main')?.scrollTo(0, 0);
  });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${DOCS}screenshot-present.png` });
});

test('the explorer after a run', async ({ playground, page }) => {
  test.setTimeout(10 * 60_000);
  await page.setViewportSize({ width: 1280, height: 2000 });
  await page.emulateMedia({ colorScheme: 'light' });
  await playground.open(`/${hashFor({ backend: 'wasm' })}`);
  await playground.backend();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', /^(done|failed)$/, { timeout: 8 * 60_000 });
  await page.getByTestId('explorer-open').click();
  await expect(page.getByTestId('explorer-triplet').first()).toBeVisible();
  // The run panel is sticky: for a picture of the panel alone, it scrolls away with the rest.
  await page.addStyleTag({ content: '.run-panel { position: static !important; }' });
  await page.getByTestId('explorer').scrollIntoViewIfNeeded();
  await page.waitForTimeout(1000);
  await page.getByTestId('explorer').screenshot({ path: `${DOCS}screenshot-explorer.png` });
});

test('a step of the guided tour', async ({ playground, page }) => {
  test.setTimeout(5 * 60_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  await playground.open(`/${hashFor({ backend: 'wasm', tour: 1 })}`);
  await playground.backend();
  await expect(page.getByTestId('tour-dialog')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${DOCS}screenshot-tour.png` });
});
