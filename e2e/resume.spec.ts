/**
 * Runs that survive their backend, in a real Chromium: the WebGPU device (SwiftShader) is
 * destroyed mid-run by the test hook (`?loseDeviceAtStep=2`), and the worker carries the run
 * on to the next backend from its last checkpoint; the user switches the backend of a
 * paused run from the badge; and, after a loss, switches back to WebGPU, which starts on a
 * new device. The series stay one point per step, and no page error occurs.
 */
import { expect, test, TINY_RUN } from './fixtures';

interface ResumeSnapshot {
  runs: { runId: number; status: string; metrics: { step: number }[]; resumes?: { cause: string; atStep: number; fromStep: number; backend: string; message: string }[] }[];
}

const LABELS: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (plain JavaScript)' };

test('a lost WebGPU device moves the run to the next backend, which finishes it from the last checkpoint', async ({ playground }) => {
  const t0 = Date.now();
  // embeddings=0: no PCA pictures, whose kernels would compile on both backends (slow on SwiftShader).
  await playground.open('/?probe=0&embeddings=0&loseDeviceAtStep=2#backend=webgpu');
  expect((await playground.backend()).name).toBe('webgpu');
  const t1 = Date.now();
  const runId = await playground.run(TINY_RUN);
  await playground.waitForRun(runId, (r) => r.metrics.length >= 1);
  const t2 = Date.now();
  await expect.poll(async () => (await playground.page.evaluate(() => window.__refilledTest!.getState() as ResumeSnapshot)).runs[0]?.resumes?.length ?? 0, { timeout: 120_000 }).toBe(1);
  const t3 = Date.now();
  // 'failed': the health checks may find this 4-step run at chance; it finished all the same.
  const record = await playground.waitForRun(runId, (r) => (r.status === 'done' || r.status === 'failed') && r.result !== undefined, 3 * 60_000);
  expect(record.metrics.map((p) => p.step)).toEqual([1, 2, 3, 4]);
  expect(record.error).toBeUndefined();

  const state = await playground.page.evaluate(() => window.__refilledTest!.getState() as ResumeSnapshot);
  const resumes = state.runs.find((r) => r.runId === runId)?.resumes ?? [];
  expect(resumes).toHaveLength(1);
  const [moved] = resumes;
  expect(moved).toMatchObject({ cause: 'device-lost', fromStep: 1 });
  // The hook destroys the device before step 2; Dawn reports the loss asynchronously, during
  // step 2 or (a fast step) during step 3: the notice names the step in flight at the report.
  expect([2, 3]).toContain(moved.atStep);
  expect(moved.backend).not.toBe('webgpu');
  expect(moved.message).toBe(`The GPU device was lost at step ${moved.atStep}; the run continues from step 1 on ${LABELS[moved.backend]}`);
  console.log(`[resume] ${moved.message}; page ${t1 - t0} ms, to step 1 ${t2 - t1} ms, to the move ${t3 - t2} ms, to the end ${Date.now() - t3} ms`);

  // A notice on the run, not an error; the badge names the backend that finished the run.
  await expect(playground.page.getByTestId('resume-notice')).toContainText(`lost at step ${moved.atStep}; the run continues from step 1 on ${LABELS[moved.backend]}`);
  await expect(playground.page.getByTestId('error-banner')).toHaveCount(0);
  await expect(playground.page.getByTestId('backend-badge')).toContainText(moved.backend);
  expect((await playground.backend()).name).toBe(moved.backend);
  expect(playground.pageErrors).toEqual([]);
});

test('switching the backend of a paused run asks first, then continues it there from its checkpoint', async ({ playground }) => {
  const page = playground.page;
  const t0 = Date.now();
  await playground.open('/?probe=0#backend=wasm');
  expect((await playground.backend()).name).toBe('wasm');
  const t1 = Date.now();
  const questions: string[] = [];
  page.on('dialog', (d) => {
    questions.push(d.message());
    void d.accept();
  });
  const runId = await playground.configure(TINY_RUN);
  // Stage 1's two steps, then one of stage 2: paused at step 3 of 4.
  await playground.step(2, 1);
  await playground.waitForRun(runId, (r) => r.status === 'paused' && r.metrics.length === 3);

  const t2 = Date.now();
  await page.getByTestId('backend-switch').selectOption('cpu');
  expect(questions).toEqual(['Switch to CPU (plain JavaScript)? The run continues from its last checkpoint.']);
  await expect(page.getByTestId('resume-notice')).toContainText('Switched to CPU (plain JavaScript) at step 3; the run continues from step 3');
  await expect(page.getByTestId('backend-badge')).toContainText('cpu');
  await expect.poll(async () => (await playground.runRecord(runId))?.status).toBe('paused');

  const t3 = Date.now();
  await page.evaluate(() => window.__refilledTest!.resume());
  // The last step trains on the CPU backend (its final evaluation there is left out: slow, and not what this flow is about).
  const record = await playground.waitForRun(runId, (r) => r.metrics.length === 4, 3 * 60_000);
  expect(record.metrics.map((p) => p.step)).toEqual([1, 2, 3, 4]);
  console.log(`[switch] page ${t1 - t0} ms, three steps ${t2 - t1} ms, the switch ${t3 - t2} ms, the last step on cpu ${Date.now() - t3} ms`);
  expect(page.url()).toContain('backend=cpu');
  expect(playground.pageErrors).toEqual([]);
});

test('after a lost device, switching back to WebGPU moves the run there, onto a new device', async ({ playground }) => {
  const page = playground.page;
  await playground.open('/?probe=0&embeddings=0&loseDeviceAtStep=2#backend=webgpu');
  expect((await playground.backend()).name).toBe('webgpu');
  page.on('dialog', (d) => void d.accept());
  const runId = await playground.configure(TINY_RUN);
  // One step, then paused: the test hook destroys the device before step 2, and the paused run moves.
  await playground.step(1, 1);
  const resumes = async () => (await page.evaluate(() => window.__refilledTest!.getState() as ResumeSnapshot)).runs.find((r) => r.runId === runId)?.resumes ?? [];
  await expect.poll(async () => (await resumes()).length, { timeout: 120_000 }).toBe(1);
  const away = (await resumes())[0].backend;
  expect(away).not.toBe('webgpu');
  await expect.poll(async () => (await playground.runRecord(runId))?.status).toBe('paused');

  const t0 = Date.now();
  await page.getByTestId('backend-switch').selectOption('webgpu');
  await expect.poll(async () => (await resumes()).length, { timeout: 120_000 }).toBe(2);
  const back = (await resumes())[1];
  expect(back).toMatchObject({ cause: 'switched', backend: 'webgpu', fromStep: 1 });
  expect(back.message).toBe('Switched to WebGPU at step 1; the run continues from step 1');
  await expect(page.getByTestId('backend-badge')).toContainText('webgpu');
  expect((await playground.backend()).name).toBe('webgpu');

  // The run was rebuilt on the new device (the teacher's cache computed there, the checkpoint
  // restored) and waits, paused, at its checkpoint. Training on from here would only compile
  // the same shaders again on SwiftShader (about a minute), as the first flow does.
  const record = await playground.runRecord(runId);
  expect(record?.status).toBe('paused');
  expect(record?.metrics.map((p) => p.step)).toEqual([1]);
  expect(record?.error).toBeUndefined();
  console.log(`[resume] lost on WebGPU, moved to ${away}, back on WebGPU in ${Date.now() - t0} ms`);
  expect(playground.pageErrors).toEqual([]);
});
