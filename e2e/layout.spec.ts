/**
 * The page on every screen, in a real Chromium: no sideways scroll from a 683-px window at 150 %
 * zoom to 2,560 px; no sidebar when every panel of it is hidden; the projector view
 * (`layout=present`) with the test accuracy and the comparison in the first screen at 1280×720;
 * themes; the shortcuts dialog; messages in words; and an axe-core check (no serious or critical
 * violation). Runs are the tiny one, on WebAssembly (fast here, and the backend does not matter).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, hashFor, test, TINY_RUN, type Playground } from './fixtures';
import { Charts } from './pages/Charts';
import { ConfigPanel } from './pages/ConfigPanel';
import { View } from './pages/View';

const TINY_WASM = hashFor({ backend: 'wasm', ...TINY_RUN });
const PERCENT = /^\d{1,3}\.\d%$/;

/** Runs the link's configuration with the Run button and waits until it is done. */
async function runToDone(playground: Playground): Promise<void> {
  await playground.backend();
  const run = playground.page.getByTestId('run-button');
  await expect(run).toBeEnabled();
  await run.click();
  // A tiny run may end "failed: trained to chance" (the health check): finished either way.
  await expect(playground.page.getByTestId('run-status')).toHaveAttribute('data-status', /^(done|failed)$/, { timeout: 4 * 60_000 });
  await expect(new Charts(playground.page).testAccuracy).toHaveText(PERCENT);
}

/** The axe-core violations of impact serious or critical, one line each. */
async function seriousViolations(playground: Playground): Promise<string[]> {
  const results = await new AxeBuilder({ page: playground.page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

test.describe.configure({ mode: 'serial' });

test.describe('at 1024×768', () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  test('nothing scrolls sideways, before and after a run, with Advanced open, and up to 2560 px', async ({ playground }) => {
    test.setTimeout(6 * 60_000);
    const view = new View(playground.page);
    await playground.open(`/${TINY_WASM}`);
    await expect(view.sidebar).toBeVisible();
    await expect.poll(() => view.sidewaysOverflow(), { timeout: 10_000 }).toEqual([]);
    const copy = playground.page.getByTestId('copy-link-button');
    expect((await view.inFirstScreen(copy)).right).toBeLessThanOrEqual(1024);

    await runToDone(playground);
    await expect.poll(() => view.sidewaysOverflow(), { timeout: 10_000 }).toEqual([]);
    await new ConfigPanel(playground.page).reveal('stage1.tau1');
    await expect(playground.page.getByTestId('field-stage1.tau1')).toBeVisible();
    await expect.poll(() => view.sidewaysOverflow(), { timeout: 10_000 }).toEqual([]);

    for (const [width, height] of [[1280, 800], [1920, 1080], [2560, 1440]]) {
      await playground.page.setViewportSize({ width, height });
      await expect.poll(() => view.sidewaysOverflow(), { message: `${width}×${height}`, timeout: 10_000 }).toEqual([]);
    }
  });

  test('Advanced starts closed; Tab reaches Run past the task and method only, or at once by the skip link', async ({ playground, page }) => {
    await playground.open(`/${TINY_WASM}`);
    const config = new ConfigPanel(page);
    await expect(config.advanced).not.toHaveAttribute('open');
    await expect(config.field('stage1.tau1')).toBeHidden();
    const height = await page.locator('aside.config').evaluate((el) => el.scrollHeight);
    // Closed, Advanced keeps the sidebar short (open, it is about twice as long); the task section
    // holds the teacher, its card, your own teachers, the class chips and the overlap control.
    expect(height).toBeLessThan(2350);

    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? '');
    let stops = 0;
    while ((await focused()) !== 'run-button' && stops < 80) {
      await page.keyboard.press('Tab');
      stops++;
    }
    console.log(`[layout] Tab stops to reach Run: ${stops}`);
    // The header (theme, present, tour, share…), the task (teacher, your own teachers, chips,
    // overlap, shots) and the method: the skip link below is the one-stop way.
    expect(stops).toBeLessThanOrEqual(40);

    await page.reload();
    await page.waitForFunction(() => window.__refilledTest !== undefined);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('skip-link');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('run-button');
  });

  test('with every sidebar panel hidden there is no sidebar, and the run takes the width', async ({ playground }) => {
    const view = new View(playground.page);
    await playground.open(`/${TINY_WASM}&task_hide=1&student_hide=1&advanced_hide=1`);
    await expect(view.main).toBeVisible();
    await expect(view.sidebar).toHaveCount(0);
    const box = (await view.main.boundingBox())!;
    expect(box.x).toBeLessThan(2);
    expect(box.width).toBeGreaterThan(1000);
    // One panel back: the sidebar is back.
    await playground.open(`/${TINY_WASM}&task_hide=1&student_hide=1`);
    await expect(view.sidebar).toBeVisible();
  });
});

test.describe('at 150 % zoom of a 1024-px screen (683 px at 1.5 device pixels per CSS pixel)', () => {
  test.use({ viewport: { width: 683, height: 512 }, deviceScaleFactor: 1.5 });

  test('one column, nothing scrolls sideways, before and after a run', async ({ playground }) => {
    test.setTimeout(6 * 60_000);
    const view = new View(playground.page);
    await playground.open(`/${TINY_WASM}`);
    expect(await playground.page.evaluate(() => window.devicePixelRatio)).toBe(1.5);
    await expect.poll(() => view.sidewaysOverflow(), { timeout: 10_000 }).toEqual([]);
    await expect(playground.page.getByTestId('copy-link-button')).toBeInViewport({ ratio: 1 });
    await runToDone(playground);
    await expect.poll(() => view.sidewaysOverflow(), { timeout: 10_000 }).toEqual([]);
  });
});

test.describe('the projector view at 1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('layout=present shows the test accuracy and the comparison without scrolling, and the button leaves it', async ({ playground }, testInfo) => {
    test.setTimeout(6 * 60_000);
    const view = new View(playground.page);
    await playground.open(`/${TINY_WASM}&layout=present`);
    await expect(playground.page.getByTestId('app')).toHaveAttribute('data-layout', 'present');
    await expect(view.sidebar).toHaveCount(0);
    await runToDone(playground);
    const accuracy = playground.page.getByTestId('result-test-accuracy');
    const compare = playground.page.getByTestId('chart-compare');
    await expect(compare).not.toHaveAttribute('data-points', '0');
    for (const target of [accuracy, compare]) {
      const seen = await view.inFirstScreen(target);
      expect(seen.scrolled).toBe(0);
      expect(seen.bottom, 'ends above the fold').toBeLessThanOrEqual(seen.height);
      expect(seen.right).toBeLessThanOrEqual(seen.width);
    }
    // Large type: the headline number is bigger than in the default view's 48 px.
    expect(await accuracy.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(72);
    await expect.poll(() => view.sidewaysOverflow(), { timeout: 10_000 }).toEqual([]);
    await playground.page.screenshot({ path: testInfo.outputPath('present-1280x720.png') });

    await view.presentButton.click();
    await expect(playground.page.getByTestId('app')).toHaveAttribute('data-layout', 'default');
    await expect(view.sidebar).toBeVisible();
    expect(new URL(playground.page.url()).hash).not.toContain('layout=present');
    await view.presentButton.click();
    expect(new URL(playground.page.url()).hash).toContain('layout=present');
  });
});

test.describe('at 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('? opens the shortcuts dialog, Esc closes it, and the button opens it too', async ({ playground }) => {
    const view = new View(playground.page);
    await playground.open(`/${TINY_WASM}`);
    await expect(view.shortcutsDialog).toBeHidden();
    await playground.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await playground.page.keyboard.press('Shift+Slash');
    await expect(view.shortcutsDialog).toBeVisible();
    // Space and Esc appear twice: for the page, and for the guided tour.
    for (const [key, times] of [['Space', 2], ['?', 1], ['Esc', 2]] as const) await expect(view.shortcutsDialog.locator('kbd', { hasText: new RegExp(`^\\${key}$`) })).toHaveCount(times);
    await playground.page.keyboard.press('Escape');
    await expect(view.shortcutsDialog).toBeHidden();
    // Typing ? in a box types it.
    const seed = playground.page.getByTestId('field-seed');
    await seed.click();
    await seed.press('Shift+Slash');
    await expect(view.shortcutsDialog).toBeHidden();
    await view.shortcutsButton.click();
    await expect(view.shortcutsDialog).toBeVisible();
    await playground.page.getByTestId('shortcuts-close').click();
    await expect(view.shortcutsDialog).toBeHidden();
    // Space still runs the page, and does not while the dialog is open.
    expect((await playground.state()).runs).toHaveLength(0);
  });

  test('themes: dark follows the system, a choice is kept, and theme=contrast in a link', async ({ playground, page }) => {
    const view = new View(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    await playground.open(`/${TINY_WASM}`);
    expect(await view.theme()).toBe('dark');
    await expect(view.themeSelect).toHaveValue('system');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => view.theme()).toBe('light');
    await view.themeSelect.selectOption('dark');
    expect(await view.theme()).toBe('dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).not.toBe('rgb(244, 245, 247)');
    await page.reload();
    await page.waitForFunction(() => window.__refilledTest !== undefined);
    expect(await view.theme()).toBe('dark');
    await playground.open(`/${TINY_WASM}&theme=contrast`);
    expect(await view.theme()).toBe('contrast');
    await expect(view.themeSelect).toHaveValue('contrast');
    await view.themeSelect.selectOption('system');
    expect(await view.theme()).toBe('light');
    expect(new URL(page.url()).hash).not.toContain('theme=');
  });

  test('messages speak of fields by their labels and limits; the badge says what to do', async ({ playground, page }) => {
    const config = new ConfigPanel(page);
    await playground.open(`/${TINY_WASM}`);
    await config.choose('teacher', 'fashion-0-4');
    await config.type('shotsPerClass', '1000');
    const error = page.getByTestId('error-shotsPerClass');
    await expect(error).toHaveText(/^Shots per class must be at most 285 here \(it is 1000\).*lower the shots/);
    await expect(page.getByTestId('run-button')).toBeDisabled();
    await config.type('shotsPerClass', '285');
    await expect(error).toHaveCount(0);
    await config.type('stage1.learningRate', '20');
    await expect(page.getByTestId('error-stage1.learningRate')).toHaveText('Stage 1 learning rate must be between 0.000001 and 10 (it is 20): lower it.');
    await config.type('stage1.learningRate', '0.1');
    for (const c of [5, 6, 7, 8, 9]) await config.classChip(c).click();
    await expect(page.getByTestId('relation-badge')).toHaveText('pick classes');
    await expect(page.getByTestId('relation-line')).toContainText('Click at least two class chips');
    await expect(page.getByTestId('error-studentClasses')).toHaveText(/^Student classes must hold at least 2 classes \(0 picked\)/);
  });

  test('a long malformed-link notice wraps inside the page', async ({ playground }) => {
    const view = new View(playground.page);
    await playground.open(`/#backend=wasm&method=${'x'.repeat(300)}`);
    await expect(playground.page.getByTestId('url-notice')).toBeVisible();
    await expect.poll(() => view.sidewaysOverflow(), { timeout: 10_000 }).toEqual([]);
  });

  test('axe-core finds no serious or critical violation, in each theme, after a run', async ({ playground }) => {
    test.setTimeout(6 * 60_000);
    const view = new View(playground.page);
    await playground.open(`/${TINY_WASM}`);
    await runToDone(playground);
    await new ConfigPanel(playground.page).reveal('stage1.tau1');
    for (const theme of ['light', 'dark', 'contrast']) {
      await view.themeSelect.selectOption(theme);
      expect(await view.theme()).toBe(theme);
      expect(await seriousViolations(playground), `theme ${theme}`).toEqual([]);
      // The run's Export menu, open: its items must take the theme's colours too.
      const menu = playground.page.getByTestId('run-export');
      await menu.locator('summary').click();
      expect(await seriousViolations(playground), `theme ${theme}, Export menu open`).toEqual([]);
      await menu.locator('summary').click();
    }
    await view.presentButton.click();
    expect(await seriousViolations(playground), 'present view').toEqual([]);
  });
});
