/**
 * Runs that survive their backend, in a real Chromium: the WebGPU device (SwiftShader) is
 * destroyed mid-run by the test hook (`?loseDeviceAtStep=2`), and the worker carries the run
 * on to the next backend from its last checkpoint; and the user switches the backend of a
 * paused run from the badge. The series stay one point per step, and no page error occurs.
 */
import { expect, test, TINY_RUN } from './fixtures';

interface ResumeSnapshot {
  runs: { runId: number; status: string; metrics: { step: number }[]; resumes?: { cause: string; atStep: number; fromStep: number; backend: string; message: string }[] }[];
}

const LABELS: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (plain JavaScript)' };

test('a lost WebGPU device moves the run to the next backend, which finishes it from the last checkpoint', async ({ playground }) => {
  await playground.open('/?probe=0&loseDeviceAtStep=2#backend=webgpu');
  expect((await playground.backend()).name).toBe('webgpu');
  const runId = await playground.run(TINY_RUN);
  // 'failed': the health checks may find this 4-step run at chance; it finished all the same.
  const record = await playground.waitForRun(runId, (r) => (r.status === 'done' || r.status === 'failed') && r.result !== undefined, 3 * 60_000);
  expect(record.metrics.map((p) => p.step)).toEqual([1, 2, 3, 4]);
  expect(record.error).toBeUndefined();

  const state = await playground.page.evaluate(() => window.__refilledTest!.getState() as ResumeSnapshot);
  const resumes = state.runs.find((r) => r.runId === runId)?.resumes ?? [];
  expect(resumes).toHaveLength(1);
  const [moved] = resumes;
  expect(moved).toMatchObject({ cause: 'device-lost', atStep: 2, fromStep: 1 });
  expect(moved.backend).not.toBe('webgpu');
  expect(moved.message).toBe(`The GPU device was lost at step 2; the run continues from step 1 on ${LABELS[moved.backend]}`);
  console.log(`[resume] ${moved.message}`);

  // A notice on the run, not an error; the badge names the backend that finished the run.
  await expect(playground.page.getByTestId('resume-notice')).toContainText(`lost at step 2; the run continues from step 1 on ${LABELS[moved.backend]}`);
  await expect(playground.page.getByTestId('error-banner')).toHaveCount(0);
  await expect(playground.page.getByTestId('backend-badge')).toContainText(moved.backend);
  expect((await playground.backend()).name).toBe(moved.backend);
  expect(playground.pageErrors).toEqual([]);
});

test('switching the backend of a paused run asks first, then continues it there from its checkpoint', async ({ playground }) => {
  const page = playground.page;
  await playground.open('/?probe=0#backend=wasm');
  expect((await playground.backend()).name).toBe('wasm');
  const questions: string[] = [];
  page.on('dialog', (d) => {
    questions.push(d.message());
    void d.accept();
  });
  const run = { ...TINY_RUN, 'stage1.epochs': 3, 'stage2.epochs': 3 };
  const runId = await playground.configure(run);
  await playground.step(1, 2);
  await playground.waitForRun(runId, (r) => r.status === 'paused' && r.metrics.length === 2);

  await page.getByTestId('backend-switch').selectOption('cpu');
  expect(questions).toEqual(['Switch to CPU (plain JavaScript)? The run continues from its last checkpoint.']);
  await expect(page.getByTestId('resume-notice')).toContainText('Switched to CPU (plain JavaScript) at step 2; the run continues from step 2');
  await expect(page.getByTestId('backend-badge')).toContainText('cpu');
  await expect.poll(async () => (await playground.runRecord(runId))?.status).toBe('paused');

  await page.evaluate(() => window.__refilledTest!.resume());
  const record = await playground.waitForRun(runId, (r) => (r.status === 'done' || r.status === 'failed') && r.result !== undefined, 3 * 60_000);
  expect(record.metrics.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(page.url()).toContain('backend=cpu');
  expect(playground.pageErrors).toEqual([]);
});
