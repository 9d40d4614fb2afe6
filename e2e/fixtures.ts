/**
 * Fixtures for the browser tests: a page object that drives runs through the app's test
 * hook (`window.__refilledTest`) and reads the run store through it, plus main-thread
 * responsiveness probes (long tasks, animation frames) installed before the app loads.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { Banners } from './pages/Banners';
import { Charts } from './pages/Charts';
import { ComparePanel } from './pages/ComparePanel';
import { ConfigPanel } from './pages/ConfigPanel';
import { Header } from './pages/Header';
import { RunPanel } from './pages/RunPanel';

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

/** A task of the page's main thread, from a Chromium trace: wall-clock time and the thread's CPU time in it. */
export interface MainThreadTask {
  startMs: number;
  wallMs: number;
  cpuMs: number;
  /** Time spent inside the task in V8 garbage collections (MajorGC and MinorGC events, wall time). */
  gcMs: number;
}

/**
 * The main-thread tasks longer than `minWallMs` in a trace taken with `browser.startTracing`
 * (categories `devtools.timeline` and `disabled-by-default-devtools.timeline`). On a machine whose cores are oversubscribed, a task's wall
 * time (what a 'longtask' observer sees) also counts the time the OS ran other processes; its
 * thread time counts only the page's own work.
 */
export function mainThreadTasks(trace: Buffer, minWallMs = 50): MainThreadTask[] {
  type TraceEvent = { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: { name?: string } };
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const busiest = mains
    .map((m) => ({ m, busy: events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.name === 'RunTask').reduce((a, e) => a + (e.dur ?? 0), 0) }))
    .sort((a, b) => b.busy - a.busy)[0]?.m;
  if (!busiest) return [];
  const gcs = events.filter((e) => e.pid === busiest.pid && e.tid === busiest.tid && (e.name === 'MajorGC' || e.name === 'MinorGC') && e.ph === 'X');
  return events
    .filter((e) => e.pid === busiest.pid && e.tid === busiest.tid && e.name === 'RunTask' && e.ph === 'X' && (e.dur ?? 0) / 1000 > minWallMs)
    .map((e) => {
      const end = e.ts + (e.dur ?? 0);
      const gcMs = gcs.filter((g) => g.ts >= e.ts && g.ts < end).reduce((a, g) => a + (g.dur ?? 0), 0) / 1000;
      return { startMs: e.ts / 1000, wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? e.dur ?? 0) / 1000, gcMs };
    })
    .sort((a, b) => a.startMs - b.startMs);
}

/**
 * A link's hash for `partial` (dotted config keys and the link's extras such as `backend`,
 * `autorun`, `advanced_hide`); class lists as comma lists. Unnamed fields keep their defaults.
 */
export function hashFor(partial: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(partial)) params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  return `#${params.toString().replace(/%2C/g, ',')}`;
}

export class Playground {
  /** The most live tensors the worker reported while `waitForRun` watched. */
  peakTensors = 0;
  /** Uncaught exceptions of the page (`pageerror`), in order. */
  readonly pageErrors: string[] = [];

  constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.pageErrors.push(e.message));
  }

  /** Opens the app (with a query such as `?nogpu=1` and/or a hash such as `#backend=cpu`) and waits for the hook. */
  async open(path = '/'): Promise<void> {
    await this.page.goto(path);
    await this.page.waitForFunction(() => window.__refilledTest !== undefined, undefined, { timeout: 60_000 });
  }

  state(): Promise<StoreSnapshot> {
    return this.page.evaluate(() => window.__refilledTest!.getState() as StoreSnapshot);
  }

  /** The configuration the controls show (the config store's). */
  config(): Promise<Record<string, unknown>> {
    return this.page.evaluate(() => window.__refilledTest!.getConfig() as Record<string, unknown>);
  }

  /** The active run's record, or undefined before the first run. */
  async activeRun(): Promise<RunSnapshot | undefined> {
    const state = await this.state();
    return state.runs.find((r) => r.runId === state.activeRunId);
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

/** The page objects, one per panel, all on the test's page (tldraw's shape). */
interface Panels {
  configPanel: ConfigPanel;
  runPanel: RunPanel;
  charts: Charts;
  comparePanel: ComparePanel;
  header: Header;
  banners: Banners;
}

export const test = base.extend<{ playground: Playground } & Panels>({
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
  configPanel: async ({ playground }, use) => use(new ConfigPanel(playground.page)),
  runPanel: async ({ playground }, use) => use(new RunPanel(playground.page)),
  charts: async ({ playground }, use) => use(new Charts(playground.page)),
  comparePanel: async ({ playground }, use) => use(new ComparePanel(playground.page)),
  header: async ({ playground }, use) => use(new Header(playground.page)),
  banners: async ({ playground }, use) => use(new Banners(playground.page)),
});

export { expect };
