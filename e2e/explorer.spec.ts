/**
 * The explorer during a tiny run, on WebAssembly and on WebGPU (SwiftShader): a shown
 * triplet's p_T and p_S are the values the worker sent (read through the test hook),
 * following it records its p_S, the teacher's local-classifier bars and the class-affinity
 * heatmap are there, and no main-thread task of the page's redraws uses over 200 ms of CPU.
 */
import { expect, hashFor, mainThreadTasks, test, TINY_RUN } from './fixtures';

/** The page's responsiveness budget: no main-thread task over this (its CPU time, see below). */
const TASK_MS = 200;

/** Two student classes, 3 shots, one batch of 6: a report every step. */
const CONFIG = { ...TINY_RUN, studentClasses: [8, 9], shotsPerClass: 3, batchSize: 6, 'stage1.epochs': 3, 'runtime.reportIntervalSteps': 1 };

interface ExplorerSnapshot {
  triplets: { anchor: number; positive: number; negative: number; pT: number; pS: number }[];
  followed: unknown[];
  history: Record<string, { step: number; pS: number }[]>;
  local: { q: number[]; p: number[] } | null;
  affinity: { matrix: number[][]; studentClasses: string[]; teacherClasses: string[] } | null;
}

for (const backend of ['wasm', 'webgpu'] as const) {
test(`on ${backend}: the explorer shows the worker’s triplets, follows one, and draws the local classifier and the affinity`, async ({ playground, browser }) => {
  test.setTimeout(6 * 60_000);
  const page = playground.page;
  await playground.open(`/${hashFor({ backend, ...CONFIG })}`);
  expect((await playground.backend()).name).toBe(backend);
  await page.getByTestId('explorer-open').click();
  // Main-thread tasks from here on: the explorer's redraws while the worker trains. Their CPU
  // time is asserted; wall time on this shared 2-core machine includes the scheduler's delays.
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  // Configure and take one stage-1 step: the first sample arrives, the run pauses.
  await playground.configure(CONFIG);
  await playground.step(1, 1);
  const explorer = () => page.evaluate(() => window.__refilledTest!.getExplorer() as ExplorerSnapshot);
  await expect.poll(async () => (await explorer()).triplets.length, { timeout: 3 * 60_000 }).toBeGreaterThan(0);

  const sent = await explorer();
  const rows = page.getByTestId('explorer-triplet');
  await expect(rows).toHaveCount(sent.triplets.length);
  // Sorted by |p_T − p_S|: the first row shows the sent triplet with the largest gap, with its values.
  const top = [...sent.triplets].sort((a, b) => Math.abs(b.pT - b.pS) - Math.abs(a.pT - a.pS))[0];
  const first = rows.first();
  await expect(first).toHaveAttribute('data-key', `${top.anchor}-${top.positive}-${top.negative}`);
  expect(Number(await first.getAttribute('data-pt'))).toBe(top.pT);
  expect(Number(await first.getAttribute('data-ps'))).toBe(top.pS);
  await expect(first).toContainText(top.pT.toFixed(4));
  await expect(first).toContainText(top.pS.toFixed(4));
  await expect(first.locator('canvas')).toHaveCount(3);

  // Follow it, then two more steps: its p_S is recorded at each reporting step.
  await first.getByTestId('explorer-follow').click();
  await expect(first.getByTestId('explorer-follow')).toHaveAttribute('aria-pressed', 'true');
  await playground.step(1, 2);
  const key = `${top.anchor}-${top.positive}-${top.negative}`;
  await expect.poll(async () => (await explorer()).history[key]?.length ?? 0, { timeout: 2 * 60_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('explorer-follow-chart')).toBeVisible();

  // The teacher's local classifier: q and p over the two student classes.
  const bars = page.getByTestId('explorer-local-bars');
  await expect(bars.getByTestId('explorer-local-row')).toHaveCount(2);
  const local = (await explorer()).local!;
  expect(local.q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  // The class affinity: 2 student classes × the teacher's 5.
  await expect(page.getByTestId('explorer-affinity-cell')).toHaveCount(10);
  await expect(page.getByTestId('explorer-affinity-sentences')).toContainText('8 looks like');

  const tasks = mainThreadTasks(await browser.stopTracing());
  console.log(`[explorer, ${backend}] main-thread tasks over 50 ms: ${tasks.map((t) => `${Math.round(t.wallMs)} ms wall / ${Math.round(t.cpuMs)} ms CPU`).join(', ') || 'none'}`);
  expect(tasks.filter((t) => t.cpuMs > TASK_MS), `main-thread tasks using over ${TASK_MS} ms of CPU`).toEqual([]);
  expect(playground.pageErrors).toEqual([]);
});
}
