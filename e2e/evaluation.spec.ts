/**
 * The embedding-quality card after a tiny run on WebAssembly: NMI next to NCM after stage 1
 * and at the end, and the episodic few-shot accuracy with its interval.
 */
import { expect, hashFor, test, TINY_RUN } from './fixtures';

/** Two of the student's classes, 3 shots, one batch, 2 steps per stage. */
const RUN = { backend: 'wasm', ...TINY_RUN, studentClasses: [8, 9], shotsPerClass: 3, batchSize: 6 };
const PERCENT = /^\d{1,3}\.\d%$/;
const NMI = /^[01]\.\d{3}$/;

test('the embedding-quality card shows NMI, NCM and the episodic accuracy ± its interval', async ({ playground }) => {
  test.setTimeout(5 * 60_000);
  await playground.open(`/${hashFor(RUN)}&autorun=1`);
  const card = playground.page.getByTestId('embedding-quality');
  await expect(card).toHaveAttribute('data-points', '2', { timeout: 4 * 60_000 });
  for (const when of ['stage1', 'final']) {
    await expect(card.getByTestId(`embedding-ncm-${when}`)).toHaveText(PERCENT);
    await expect(card.getByTestId(`embedding-nmi-${when}`)).toHaveText(NMI);
  }
  for (const shots of [1, 5]) await expect(card.getByTestId(`episodic-${shots}-shot`)).toHaveText(/^\d{1,3}\.\d% ± \d+\.\d$/);
  await expect(card).toContainText('2-way 1-shot');
  await expect(card).toContainText('15 queries per class in every task');
  expect(playground.pageErrors).toEqual([]);
});

test('the teacher card shows the local classifier stage 2 distilled; the preset note says what to expect', async ({ playground }) => {
  test.setTimeout(5 * 60_000);
  await playground.open(`/${hashFor({ ...RUN, preset: 'current' })}&autorun=1`);
  const page = playground.page;
  // current: λ = 100, so the note warns; the run calibrates the teacher (τ* instead of τ₂ = 2).
  await expect(page.getByTestId('preset-note')).toHaveAttribute('data-tone', 'caution');
  const card = page.getByTestId('teacher-local');
  await expect(card).toBeVisible({ timeout: 4 * 60_000 });
  const tau = Number(await card.getAttribute('data-teacher-tau'));
  expect(tau).toBeGreaterThan(0);
  expect(tau).toBeLessThan(2);
  await expect(card.getByTestId('teacher-local-uniform')).toContainText('0.50');
  await expect(card.getByTestId('teacher-local-calibrated')).toContainText(/τ\* = \d\.\d{3}/);
  expect(playground.pageErrors).toEqual([]);
});
