/**
 * Training a teacher in the browser (backend=wasm, its own worker): a 2-class MNIST teacher
 * of width 0.125 trains for one epoch, reports progress, is measured and saved, is listed
 * and offered by the teacher picker (also after a reload), and a tiny student run uses it.
 * Then the class-overlap control walks the student's classes from disjoint to identical,
 * and the chips and relation badge follow.
 */
import { expect, test, TINY_RUN } from './fixtures';
import { TeacherTrainingPanel } from './pages/TeacherTrainingPanel';

test('a teacher trained in the browser is kept, selectable and teaches a student; the overlap control picks classes', async ({ playground, configPanel }) => {
  const page = playground.page;
  await playground.open('/#backend=wasm');
  const panel = new TeacherTrainingPanel(page);
  await panel.configure({ dataset: 'mnist', classes: [0, 1], width: '0.125', epochs: 1 });
  await expect(page.getByTestId('tt-data-note')).toContainText('600 here');
  const started = Date.now();
  await panel.train();
  await expect(page.getByTestId('tt-cancel')).toBeVisible();
  await panel.waitForStatus('saved');
  const trainSeconds = (Date.now() - started) / 1000;
  const result = await page.getByTestId('tt-result').textContent();
  console.log(`[teacher-training] trained and saved in ${trainSeconds.toFixed(1)} s: ${result}`);
  const accuracy = Number(/classes ([\d.]+)%/.exec(result ?? '')?.[1]);
  expect(accuracy).toBeGreaterThan(60); // two digits: chance is 50 %

  // Listed, offered by the teacher picker, and kept across a reload.
  await expect(panel.stored).toHaveCount(1);
  const [id] = await panel.storedIds();
  expect(id).toMatch(/^user:/);
  await expect(configPanel.field('teacher').locator(`option[value="${id}"]`)).toHaveCount(1);
  await page.reload();
  await page.waitForFunction(() => window.__refilledTest !== undefined);
  await panel.openPanel();
  await expect(panel.stored).toHaveCount(1);

  // Picked from the picker: data set, teacher and its classes follow.
  await configPanel.field('teacher').selectOption(id);
  await expect.poll(async () => (await playground.config()).teacher).toBe(id);
  expect(await playground.config()).toMatchObject({ dataset: 'mnist', teacherClasses: [0, 1] });
  await expect(page.getByTestId('stored-teacher-card')).toContainText('knows 0, 1');

  // The overlap control: identical → disjoint → one shared, for the teacher's digits 0 and 1.
  // Moved with the keyboard, as a user would.
  const slider = page.getByTestId('overlap-slider');
  await slider.focus();
  await page.keyboard.press('End');
  await expect.poll(() => configPanel.pickedClasses()).toEqual([0, 1]);
  await expect(page.getByTestId('relation-badge')).toHaveText('same-task');
  await expect(page.getByTestId('overlap-readout')).toHaveText('2 of 2 shared');
  await page.keyboard.press('Home');
  await expect.poll(() => configPanel.pickedClasses()).toEqual([2, 3]);
  await expect(page.getByTestId('relation-badge')).toHaveText('cross-task');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => configPanel.pickedClasses()).toEqual([0, 2]);
  await expect(page.getByTestId('relation-badge')).toHaveText('partial-overlap');

  // A tiny student distils from it in the student's worker.
  const runId = await playground.run({ ...TINY_RUN, teacher: id, teacherClasses: [0, 1], studentClasses: [5, 6, 7, 8, 9] });
  const record = await playground.waitForRun(runId, (r) => r.result !== undefined || r.status === 'error', 120_000);
  expect(record.error).toBeUndefined();
  expect(record.result?.final.steps).toBe(2);
});
