/**
 * Exports and imports in a real Chromium, on WebAssembly (the backend does not matter here):
 * a tiny run, then its metrics CSV, run file, a chart as SVG and PNG, the student
 * (model.json + weights.bin), the HTML report and the bundle are downloaded and parsed, and
 * checked against what the page shows. The bundle imported into a fresh context shows the
 * same results row; bad files (a PNG, another JSON, a 1 GB drop) give their message and
 * change nothing.
 */
import type { Download, Page } from '@playwright/test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { nodeFileModel } from '../src/cli/outputs';
import { loadDataset } from '../src/core/data/loader';
import { nodeFetchBytes } from '../src/core/data/node-fs';
import { sampleExperimentSplits } from '../src/core/data/splits';
import type { RunFile } from '../src/protocol/runFile';
import { parseRunFile } from '../src/protocol/runFileIo';
import { expect, hashFor, test, TINY_RUN } from './fixtures';

const RUN = { ...TINY_RUN, studentClasses: [8, 9], shotsPerClass: 3, batchSize: 6 };

/**
 * Loads the downloaded student with tf.loadLayersModel (here, in Node, on tfjs's cpu backend)
 * and returns its accuracy on the run's own test split.
 */
async function reloadedTestAccuracy(files: Record<string, Buffer>, file: RunFile): Promise<{ accuracy: number; images: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'refilled-student-'));
  try {
    await Promise.all(Object.entries(files).map(([name, bytes]) => writeFile(path.join(dir, name), bytes)));
    await tf.setBackend('cpu');
    const model = await tf.loadLayersModel(nodeFileModel(path.join(dir, 'model.json')));
    const c = file.config;
    const dataset = await loadDataset(c.dataset, nodeFetchBytes(path.resolve('public/data')));
    const { test } = sampleExperimentSplits(dataset, { studentClasses: c.studentClasses, shotsPerClass: c.shotsPerClass, validationFraction: c.validationFraction, seed: c.seed });
    const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(test.images, [test.count, 28, 28, 1])) as tf.Tensor, 1));
    const pred = Array.from(await predicted.data());
    predicted.dispose();
    model.dispose();
    return { accuracy: pred.filter((p, i) => p === test.labels[i]).length / test.count, images: test.count };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return read(d);
}

async function read(d: Download): Promise<{ name: string; bytes: Buffer }> {
  return { name: d.suggestedFilename(), bytes: await readFile((await d.path())!) };
}

async function exportItem(page: Page, testId: string): Promise<void> {
  await page.getByTestId('run-export').locator('summary').click();
  await page.getByTestId(testId).click();
}

test('exports of a run parse back to what the page shows; a bundle imports into a fresh page; bad files are refused', async ({ playground, charts, comparePanel, browser }) => {
  test.setTimeout(5 * 60_000);
  const { page } = playground;
  await playground.open(`/${hashFor({ backend: 'wasm' })}`);
  await playground.backend();
  const runId = await playground.run(RUN);
  const run = await playground.waitForRun(runId, (r) => r.result !== undefined);
  await expect(charts.testAccuracy).toHaveText(/%$/);
  const shownAccuracy = (await charts.testAccuracy.textContent())!.trim();

  // Metrics CSV: one row per reported metric, the evaluations too.
  const csv = await download(page, () => exportItem(page, 'export-csv'));
  expect(csv.name).toMatch(/\.csv$/);
  const lines = csv.bytes.toString('utf8').trim().split('\r\n');
  expect(lines[0]).toBe('run,stage,step,epoch,metric,value');
  const rows = lines.slice(1).map((l) => l.split(','));
  const losses = rows.filter((r) => r[4] === 'loss');
  expect(losses.map((r) => Number(r[5]))).toEqual(run.metrics.map((m) => m.loss));
  expect(losses.map((r) => Number(r[2]))).toEqual(run.metrics.map((m) => m.step));
  expect(rows.filter((r) => r[4] === 'ncmValAccuracy').map((r) => Number(r[5]))).toEqual(run.evals.map((e) => e.ncmValAccuracy));

  // Results JSON: a run file the strict parser accepts, with the accuracy the page shows.
  const json = await download(page, () => exportItem(page, 'export-json'));
  const parsed = parseRunFile(json.bytes.toString('utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  expect(parsed.file.origin.tool).toBe('app');
  expect(parsed.file.origin.backend?.name).toBe('wasm');
  expect(`${(parsed.file.result!.final.testAccuracy * 100).toFixed(1)}%`).toBe(shownAccuracy);

  // A chart as SVG (title, axes, legend) and as PNG.
  const chart = page.getByTestId('chart-ncm');
  await chart.getByTestId('chart-ncm-export').locator('summary').click();
  const svg = await download(page, () => chart.getByTestId('chart-ncm-export-svg').click());
  const svgText = svg.bytes.toString('utf8');
  const title = (await chart.locator('.chart__title').textContent())!.trim();
  expect(svgText).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svgText).toContain(`>${title}</text>`);
  expect(svgText).toContain('recharts-cartesian-axis');
  expect(svgText).toContain('recharts-line');
  expect(svgText).not.toMatch(/<script|var\(--/);
  await chart.getByTestId('chart-ncm-export').locator('summary').click();
  const png = await download(page, () => chart.getByTestId('chart-ncm-export-png').click());
  expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.bytes.readUInt32BE(16)).toBeGreaterThan(100);

  // The student: model.json's weight specs account for every byte of weights.bin.
  const files: Download[] = [];
  const collect = (d: Download) => files.push(d);
  page.on('download', collect);
  await exportItem(page, 'export-student');
  await expect.poll(() => files.length, { timeout: 30_000 }).toBe(2);
  page.off('download', collect);
  const byName = Object.fromEntries(await Promise.all(files.map(async (d) => [d.suggestedFilename(), (await read(d)).bytes] as const)));
  const model = JSON.parse(byName['model.json'].toString('utf8'));
  expect(model.format).toBe('layers-model');
  const specs = model.weightsManifest[0].weights as { shape: number[] }[];
  expect(specs.length).toBe(17);
  expect(byName['weights.bin'].length).toBe(specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0));
  // Reloaded with tf.loadLayersModel, it reproduces the run's test accuracy (the run trained on
  // wasm in the page, the reload runs on cpu: one image of float disagreement is allowed).
  const reloaded = await reloadedTestAccuracy(byName, parsed.file);
  expect(Math.abs(reloaded.accuracy - parsed.file.result!.final.testAccuracy)).toBeLessThanOrEqual(1 / reloaded.images + 1e-9);

  // The report: self-contained, no script, the run's numbers and the charts inline.
  const report = (await download(page, () => exportItem(page, 'export-report'))).bytes.toString('utf8');
  expect(report).not.toMatch(/<script/i);
  expect(report).toContain(`<td>${(parsed.file.result!.final.testAccuracy * 100).toFixed(2)}%</td>`);
  expect(report).toContain(`>${title}</text>`);

  // The bundle, imported into a fresh page: the same results row.
  const bundle = await download(page, () => exportItem(page, 'export-bundle'));
  expect(bundle.name).toMatch(/\.refilled\.json$/);
  const row = (await comparePanel.rows.first().getByTestId('results-test-accuracy').textContent())!.trim();
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await fresh.goto(new URL(`/${hashFor({ backend: 'wasm' })}`, page.url()).href);
  await fresh.getByTestId('import-input').setInputFiles({ name: bundle.name, mimeType: 'application/json', buffer: bundle.bytes });
  await expect(fresh.getByTestId('import-message')).toHaveAttribute('data-ok', 'true');
  await expect(fresh.getByTestId('results-row')).toHaveCount(1);
  await expect(fresh.getByTestId('results-row').getByTestId('results-test-accuracy')).toHaveText(row);
  await expect(fresh.getByTestId('result-test-accuracy')).toHaveText(shownAccuracy);

  // Bad files: a PNG, a JSON of another kind, a 1 GB drop. Each says why; the table stays as it was.
  await fresh.getByTestId('import-input').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: png.bytes });
  await expect(fresh.getByTestId('import-message')).toHaveText(/chart\.png is not a run file/);
  await fresh.getByTestId('import-input').setInputFiles({ name: 'model.json', mimeType: 'application/json', buffer: byName['model.json'] });
  await expect(fresh.getByTestId('import-message')).toHaveText(/model\.json: This is not a run file: its "schema" is missing/);
  await fresh.evaluate(() => {
    const mb = new Blob([new Uint8Array(1024 * 1024)]);
    const file = new File(new Array<Blob>(1024).fill(mb), 'huge.json', { type: 'application/json' });
    const dt = new DataTransfer();
    dt.items.add(file);
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
  });
  await expect(fresh.getByTestId('import-message')).toHaveText('huge.json is too large to be a run file (1.0 GB; at most 50.0 MB). It was not read.');
  await expect(fresh.getByTestId('results-row')).toHaveCount(1);
  await context.close();
  expect(playground.pageErrors).toEqual([]);
});
