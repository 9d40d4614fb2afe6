/**
 * What a first visitor waits for: the default link opened in a fresh browser profile (no
 * cached backend choice), then *Run*. Times, from navigation: the worker ready (backend
 * measured and started), the first chart point after the click, and the default demo's end.
 * Read through the page's test hook (window.__refilledTest), polled every 50 ms.
 */
import type { Browser } from 'playwright';

export interface FirstVisit {
  backend: string;
  reason: string;
  /** Navigation → the worker reported its backend (the probe included). */
  readyMs: number;
  /** The click on Run → the first metric point in the page's store. */
  firstPointMs: number;
  /** The click on Run → the run finished (done or failed). */
  doneMs: number;
  steps: number;
  status: string;
}

interface Snap {
  backend: { name: string; reason: string } | null;
  activeRunId: number | null;
  runs: { runId: number; status: string; metrics: unknown[] }[];
}

export async function firstVisit(browser: Browser, url: string, timeoutMs = 5 * 60_000): Promise<FirstVisit> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    const snap = () => page.evaluate(() => (window as unknown as { __refilledTest?: { getState(): unknown } }).__refilledTest?.getState() ?? null) as Promise<Snap | null>;
    const until = async <T>(what: string, f: (s: Snap) => T | null | undefined | false): Promise<T> => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const s = await snap();
        const v = s ? f(s) : null;
        if (v !== null && v !== undefined && v !== false) return v;
        if (Date.now() > end) throw new Error(`first visit: ${what} did not happen within ${timeoutMs / 1000} s`);
        await page.waitForTimeout(50);
      }
    };
    const t0 = Date.now();
    await page.goto(url);
    const backend = await until('the worker ready', (s) => s.backend);
    const readyMs = Date.now() - t0;
    await page.getByTestId('run-button').click();
    const t1 = Date.now();
    const active = (s: Snap) => s.runs.find((r) => r.runId === s.activeRunId);
    await until('the first chart point', (s) => (active(s)?.metrics.length ?? 0) > 0);
    const firstPointMs = Date.now() - t1;
    const run = await until('the end of the run', (s) => {
      const r = active(s);
      return r && /^(done|failed)$/.test(r.status) ? r : null;
    });
    return { backend: backend.name, reason: backend.reason, readyMs, firstPointMs, doneMs: Date.now() - t1, steps: run.metrics.length, status: run.status };
  } finally {
    await context.close();
  }
}
