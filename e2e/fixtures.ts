/**
 * Fixtures for the browser tests: a page object that drives runs through the app's test
 * hook (`window.__refilledTest`) and reads the run store through it, plus main-thread
 * responsiveness probes (long tasks, animation frames) installed before the app loads.
 */
import { test as base, expect, type Page } from '@playwright/test';

/** The parts of the run store snapshot the tests read (see src/state/runStore.ts). */
export interface RunSnapshot {
  runId: number;
  label: string;
  status: string;
  detail?: string;
  prepared?: { totalSteps: number; stage1Steps: number; stage2Steps: number; batchSize: number };
  metrics: { stage: 1 | 2; step: number; loss: number; stepMs: number }[];
  evals: { stage: 1 | 2; step: number; ncmValAccuracy: number }[];
  embeddings: { student?: { points: number[] }; teacher?: { points: number[] } };
  result?: { readbacks: number; final: { testAccuracy: number; steps: number }; timing: { msPerStep: number; totalMs: number; teacherCacheMs: number } };
  error?: { code: string; message: string };
}

export interface StoreSnapshot {
  backend: { name: string; reason: string; adapter?: string; forced: boolean } | null;
  numTensors: number;
  readbacks: number;
  runs: RunSnapshot[];
  activeRunId: number | null;
}

interface Probes {
  longTasks: { startTime: number; duration: number }[];
  frames: number;
  now: number;
}

declare global {
  interface Window {
    __probes?: { longTasks: { startTime: number; duration: number }[]; frames: number };
  }
}

/**
 * The smallest run with stage-1 triplets: 2 shots of 5 MNIST digits (two of a class per
 * batch), width 0.25, 2 epochs per stage with 1 step each, a report after every step.
 */
export const TINY_RUN = {
  dataset: 'mnist',
  teacher: 'mnist-0-4',
  studentClasses: [5, 6, 7, 8, 9],
  shotsPerClass: 2,
  validationFraction: 0.05,
  studentWidth: 0.25,
  batchSize: 10,
  'stage1.epochs': 2,
  'stage2.epochs': 2,
  'runtime.reportIntervalSteps': 1,
};

export class Playground {
  /** The most live tensors the worker reported while `waitForRun` watched. */
  peakTensors = 0;

  constructor(readonly page: Page) {}

  /** Opens the app (with a query such as `?nogpu=1` and/or a hash such as `#backend=cpu`) and waits for the hook. */
  async open(path = '/'): Promise<void> {
    await this.page.goto(path);
    await this.page.waitForFunction(() => window.__refilledTest !== undefined, undefined, { timeout: 60_000 });
  }

  state(): Promise<StoreSnapshot> {
    return this.page.evaluate(() => window.__refilledTest!.getState() as StoreSnapshot);
  }

  /**
   * Waits for the worker's 'ready' and returns the backend it chose. Tolerates a reload
   * meanwhile (the Vite dev server reloads the page when it optimises a dependency that
   * the worker is the first to import).
   */
  async backend(): Promise<NonNullable<StoreSnapshot['backend']>> {
    const read = () =>
      this.page.evaluate(() => (window.__refilledTest?.getState() as StoreSnapshot | undefined)?.backend ?? null).catch((e: Error) => {
        if (/Execution context was destroyed|navigation/i.test(e.message)) return null;
        throw e;
      });
    await expect.poll(read, { timeout: 120_000, intervals: [250, 500, 1000] }).not.toBeNull();
    return (await read())!;
  }

  run(partial: Record<string, unknown>): Promise<number> {
    return this.page.evaluate((p) => window.__refilledTest!.run(p), partial);
  }

  configure(partial: Record<string, unknown>): Promise<number> {
    return this.page.evaluate((p) => window.__refilledTest!.configure(p), partial);
  }

  step(stage: 1 | 2, steps: number): Promise<void> {
    return this.page.evaluate(([s, n]) => window.__refilledTest!.step(s as 1 | 2, n), [stage, steps] as const);
  }

  async runRecord(runId: number): Promise<RunSnapshot | undefined> {
    return (await this.state()).runs.find((r) => r.runId === runId);
  }

  /** Waits until the run satisfies `done` (or fails), polling the store; returns the record. */
  async waitForRun(runId: number, done: (r: RunSnapshot) => boolean, timeoutMs = 8 * 60_000): Promise<RunSnapshot> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.state();
      this.peakTensors = Math.max(this.peakTensors, state.numTensors);
      const record = state.runs.find((r) => r.runId === runId);
      if (record?.error) throw new Error(`Run ${runId} failed: ${record.error.code}: ${record.error.message}`);
      if (record && done(record)) return record;
      if (Date.now() > deadline) throw new Error(`Run ${runId} did not get there in ${timeoutMs} ms; last status ${record?.status}, ${record?.metrics.length ?? 0} metric points`);
      await this.page.waitForTimeout(500);
    }
  }

  probes(): Promise<Probes> {
    return this.page.evaluate(() => ({ longTasks: window.__probes?.longTasks ?? [], frames: window.__probes?.frames ?? 0, now: performance.now() }));
  }
}

export const test = base.extend<{ playground: Playground }>({
  playground: async ({ page }, use) => {
    // Before any app code: record long tasks on the main thread and count animation frames.
    await page.addInitScript(() => {
      const probes = { longTasks: [] as { startTime: number; duration: number }[], frames: 0 };
      window.__probes = probes;
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) probes.longTasks.push({ startTime: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      } catch {
        // No long-task timing in this browser: the frame counter still tells.
      }
      const tick = () => {
        probes.frames += 1;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.log(`[console.${m.type()}] ${m.text()}`);
    });
    await use(new Playground(page));
  },
});

export { expect };
