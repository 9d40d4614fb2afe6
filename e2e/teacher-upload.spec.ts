/**
 * A teacher of your own: bad files are refused with what was expected; the fixture teacher
 * (a small MLP of digits 0–4, e2e/fixtures/teacher) is checked, measured in a worker and
 * kept; a run trains with it; after a reload it is still listed and still picked; a link
 * to it opened in another browser (a fresh context: empty storage) says the teacher's files
 * are needed and keeps the rest of the settings; deleting it removes it.
 */
import { expect, hashFor, test, TINY_RUN } from './fixtures';
import { fixtureFiles, TeacherUploadPanel } from './pages/TeacherUpload';

const HASH = hashFor({ backend: 'wasm', ...TINY_RUN });

test('upload a teacher: bad files refused, card measured, a run trains with it, kept across reloads', async ({ playground, browser, baseURL }) => {
  test.setTimeout(4 * 60_000);
  const page = playground.page;
  const upload = new TeacherUploadPanel(page);
  const started = Date.now();
  const phases: string[] = [];
  const phase = (name: string) => phases.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await playground.open(`/${HASH}`);
  phase('opened');

  // Bad files: each refusal names the problem and what was expected.
  await upload.pick([fixtureFiles.modelJson()]);
  await expect(upload.error).toHaveAttribute('data-code', 'missing-weight-file');
  await expect(upload.error).toContainText('names weight file "weights.bin", which is missing: give model.json together with all its .bin weight files');
  await upload.pick([{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('<html>not a model</html>') }, fixtureFiles.weights()]);
  await expect(upload.error).toHaveAttribute('data-code', 'not-json');
  const short = fixtureFiles.weights();
  short.buffer = short.buffer.subarray(0, 1000);
  await upload.pick([fixtureFiles.modelJson(), short]);
  await expect(upload.error).toContainText('weights.bin holds 1000 bytes, 100140 short of the 101140 bytes that model.json declares');
  const nan = fixtureFiles.weights();
  nan.buffer = Buffer.from(nan.buffer);
  nan.buffer.writeFloatLE(NaN, 8);
  await upload.pick([fixtureFiles.modelJson(), nan]);
  await expect(upload.error).toContainText('Weight "embedding/kernel" holds NaN at element 2');

  phase('bad files');
  // The fixture: checked, its classes named, its card measured in a worker, kept and picked.
  await upload.pick([fixtureFiles.modelJson(), fixtureFiles.weights()]);
  await expect(upload.summary).toContainText('embedding: embedding · 25,285 weights · head of 5 outputs');
  await upload.nameClasses([0, 1, 2, 3, 4]);
  await upload.measure.click();
  await expect(upload.card).toContainText(/Test accuracy on its own classes \d+(\.\d+)?% \(\d[\d,]* images\) · its NCM on classes 5, 6, 7, 8, 9 \d+(\.\d+)?% · 25,285 weights · embedding of 32/);
  const cardText = await upload.card.innerText();
  phase('card');
  await upload.keep.click();
  await expect(upload.stored).toHaveCount(1);
  const id = (await upload.stored.getAttribute('data-id')) ?? '';
  expect(id).toMatch(/^user:[a-z0-9]+$/);
  await expect.poll(async () => (await playground.config()).teacher).toBe(id);
  await expect(page.getByTestId('field-teacher')).toHaveValue(id);
  await expect(page.getByTestId('relation-badge')).toHaveText('cross-task');
  await expect(page.getByTestId('teacher-meta')).toHaveText(cardText);

  // A tiny run with it trains to the end.
  const runId = await playground.run({ ...TINY_RUN, teacher: id, teacherClasses: [0, 1, 2, 3, 4] });
  const record = await playground.waitForRun(runId, (r) => r.result !== undefined || r.status === 'error', 3 * 60_000);
  expect(record.error).toBeUndefined();
  expect(record.result?.final.steps).toBeGreaterThan(0);

  phase('run');
  // After a reload it is still kept, and the link still picks it.
  await page.reload();
  await page.waitForFunction(() => window.__refilledTest !== undefined);
  await expect(upload.stored).toHaveCount(1);
  await expect.poll(async () => (await playground.config()).teacher).toBe(id);
  await expect(page.getByTestId('url-notice')).toHaveCount(0);

  phase('reload');
  // The same link in another browser: the teacher's files are needed; the rest is kept.
  const other = await browser.newContext({ baseURL });
  const stranger = await other.newPage();
  await stranger.goto(`/${page.url().slice(page.url().indexOf('#'))}`);
  await expect(stranger.getByTestId('url-notice')).toContainText(`Teacher (teacher) is ${id}, a teacher uploaded in another browser (or deleted here): its model files are not in this browser; using the default fashion-0-4.`);
  await expect(stranger.getByTestId('field-shotsPerClass')).toHaveValue(String(TINY_RUN.shotsPerClass));
  await expect(stranger.getByTestId('field-studentWidth')).toHaveValue(String(TINY_RUN.studentWidth));
  await other.close();
  phase('other browser');

  // Deleted: gone from the list, and the picker is back on a shipped teacher.
  await page.getByTestId('stored-teacher-delete').click();
  await expect(upload.stored).toHaveCount(0);
  await expect.poll(async () => (await playground.config()).teacher).toBe('mnist-0-4');
  expect(playground.pageErrors).toEqual([]);
  console.log(`[teacher upload] ${phases.join(' · ')}`);
});
