/**
 * Compare over seeds in a real Chromium, on WebAssembly (the backend does not matter here and
 * it is the fast one on this machine): a link asks for 2 seeds, Compare runs the three methods
 * on each, seed-major, and the summary shows per method the mean ± std of the test accuracies
 * the runs reported, and REFILLED's paired gain over the vanilla student with its 95 % interval
 * and win count. The expected numbers are computed here, by hand, from the run store.
 */
import { expect, hashFor, test, TINY_RUN, type RunSnapshot } from './fixtures';

/** Two of the student's classes (unseen by the teacher), 3 shots, 2 epochs per stage. */
const RUN = { backend: 'wasm', ...TINY_RUN, studentClasses: [8, 9], shotsPerClass: 3, batchSize: 6, seed: 11, compareSeeds: 2 };
const METHODS = ['vanilla', 'stage1-only', 'refilled'];
const SEEDS = [11, 12];
/** t_{0.975} with 1 degree of freedom (two seeds). */
const T_DF1 = 12.706;

type Run = RunSnapshot & { config: { method: string; seed: number } };

const points = (x: number, signed = false) => `${signed && x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
const mean2 = (a: number, b: number) => (a + b) / 2;
/** Sample standard deviation of two values: |a − b| / √2. */
const std2 = (a: number, b: number) => Math.abs(a - b) / Math.SQRT2;

test('Compare over 2 seeds: mean ± std per method and REFILLED’s paired gain, equal to what the runs reported', async ({ playground, comparePanel }) => {
  test.setTimeout(8 * 60_000);
  await playground.open(`/${hashFor(RUN)}`);
  await playground.backend();
  await expect(comparePanel.seedsSelect).toHaveValue('2');
  await comparePanel.compareButton.click();

  await expect(comparePanel.rows).toHaveCount(6, { timeout: 6 * 60_000 });
  // A tiny run may end "failed" (trained to chance): it has a result, and the comparison counts it.
  await expect
    .poll(async () => (await comparePanel.rowInfo()).map((r) => (r.status === 'failed' || r.status.startsWith('failed') ? 'done' : r.status)), { timeout: 6 * 60_000, intervals: [1000] })
    .toEqual(['done', 'done', 'done', 'done', 'done', 'done']);

  // Seed-major: every method of seed 11, then of seed 12; each run on its own seed.
  const runs = (await playground.state()).runs as Run[];
  expect(runs.map((r) => `${r.config.method}@${r.config.seed}`)).toEqual(SEEDS.flatMap((seed) => METHODS.map((m) => `${m}@${seed}`)));
  const acc = (method: string, seed: number) => runs.find((r) => r.config.method === method && r.config.seed === seed)!.result!.final.testAccuracy;
  // Every run finished with a result of its own (none replaced by a later one), shown in its row.
  expect(runs.every((r) => r.result !== undefined && !r.detail?.includes('replaced'))).toBe(true);
  for (const row of await comparePanel.rowInfo()) expect(row.testAccuracy).toMatch(/^\d{1,3}\.\d%$/);

  // Per method: mean ± std of the two seeds' test accuracies.
  await expect(comparePanel.summary).toBeVisible();
  const methods = await comparePanel.summaryMethods();
  expect(methods.map((m) => m.method)).toEqual(METHODS);
  for (const m of methods) {
    const [a, b] = SEEDS.map((seed) => acc(m.method, seed));
    expect(m.n).toBe(2);
    expect(m.mean).toBeCloseTo(mean2(a, b), 12);
    expect(m.std).toBeCloseTo(std2(a, b), 12);
    expect(m.text).toBe(`${points(mean2(a, b))} ± ${points(std2(a, b))} %`);
  }

  // REFILLED over vanilla, paired by seed: d = refilled − vanilla on the same split.
  const gains = await comparePanel.summaryGains();
  expect(gains.map((g) => `${g.method}-${g.baseline}`)).toEqual(['refilled-vanilla', 'stage1-only-vanilla']);
  for (const g of gains) {
    const d = SEEDS.map((seed) => acc(g.method, seed) - acc('vanilla', seed));
    const m = mean2(d[0], d[1]);
    const s = std2(d[0], d[1]);
    const half = (T_DF1 * s) / Math.SQRT2;
    const wins = d.filter((x) => x > 0).length;
    const ties = d.filter((x) => x === 0).length;
    expect([g.n, g.wins]).toEqual([2, wins]);
    expect(g.mean).toBeCloseTo(m, 12);
    expect(g.std).toBeCloseTo(s, 12);
    expect(g.low).toBeCloseTo(m - half, 12);
    expect(g.high).toBeCloseTo(m + half, 12);
    const name = g.method === 'refilled' ? 'REFILLED' : 'Stage 1, then CE';
    const tieText = ties > 0 ? ` (${ties} tie${ties === 1 ? '' : 's'})` : '';
    expect(g.sentence).toBe(`${name} won on ${wins} of 2 seeds${tieText}, ${points(m, true)} ± ${points(s)} points, 95 % interval [${points(m - half, true)}, ${points(m + half, true)}]`);
    const verdict = m - half > 0 ? 'an effect' : m + half < 0 ? 'worse' : 'not distinguishable from seed noise';
    expect(g.verdictText).toContain(verdict);
    console.log(`[compare over seeds] ${g.sentence} → ${verdict}`);
  }

  // The curves: one mean line and one min–max band per method, not six overlaid lines.
  const chart = playground.page.getByTestId('chart-compare');
  await expect(chart).not.toHaveAttribute('data-points', '0');
  await expect(chart.locator('.recharts-area')).toHaveCount(3);
  await expect(chart.locator('.recharts-line')).toHaveCount(3);
  await expect(chart.locator('.recharts-legend-wrapper')).toContainText('mean of 2 seeds, band min–max');
  await expect(playground.page.getByTestId('chart-compare-loss').locator('.recharts-area')).toHaveCount(3);
  expect(playground.pageErrors).toEqual([]);
});
