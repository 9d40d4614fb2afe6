/** The guided tour: its button, the callout (a non-modal dialog), the spotlight and the live region. */
import { expect, type Locator, type Page } from '@playwright/test';

export interface Rect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export class Tour {
  readonly button: Locator;
  readonly dialog: Locator;
  readonly spotlight: Locator;
  readonly live: Locator;
  readonly next: Locator;
  readonly waiting: Locator;

  constructor(readonly page: Page) {
    this.button = page.getByTestId('tour-button');
    this.dialog = page.getByTestId('tour-dialog');
    this.spotlight = page.getByTestId('tour-spotlight');
    this.live = page.getByTestId('tour-live');
    this.next = page.getByTestId('tour-next');
    this.waiting = page.getByTestId('tour-waiting');
  }

  /** Waits for the callout to show step `id`. */
  async expectStep(id: string): Promise<void> {
    await expect(this.dialog).toHaveAttribute('data-step', id);
  }

  /** Waits until the step no longer waits for the run (→ is enabled). */
  async waitForRun(timeoutMs: number): Promise<void> {
    await expect(this.dialog).toHaveAttribute('data-waiting', 'false', { timeout: timeoutMs });
  }

  /** Whether the callout holds the focus (so that the page's keys reach the tour). */
  focused(): Promise<boolean> {
    return this.dialog.evaluate((el) => el === document.activeElement);
  }

  /** The callout's and the spotlight's boxes in the window (null: no spotlight). */
  boxes(): Promise<{ callout: Rect; spotlight: Rect | null; window: { width: number; height: number }; scrollWidth: number }> {
    return this.page.evaluate(() => {
      const rect = (el: Element | null) => {
        if (!el) return null;
        const r = el.getBoundingClientRect();
        return { top: r.top, left: r.left, bottom: r.bottom, right: r.right };
      };
      return {
        callout: rect(document.querySelector('[data-testid="tour-dialog"]'))!,
        spotlight: rect(document.querySelector('[data-testid="tour-spotlight"]')),
        window: { width: window.innerWidth, height: window.innerHeight },
        scrollWidth: document.documentElement.scrollWidth,
      };
    });
  }

  /**
   * What covers the highlighted panel's top left corner (a sticky bar, another panel), or null
   * when the panel itself (or the callout) is what shows there.
   */
  panelTopCoveredBy(): Promise<string | null> {
    return this.page.evaluate(() => {
      const dialog = document.querySelector('[data-testid="tour-dialog"]') as HTMLElement | null;
      const anchor = dialog?.dataset.anchor;
      const panel = anchor ? document.querySelector(`[data-tour="${anchor}"]`) : null;
      if (!dialog || !panel) return 'no highlighted panel';
      const r = panel.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + 12, Math.max(r.top, 0) + 12);
      if (hit && (panel.contains(hit) || dialog.contains(hit))) return null;
      return hit ? `${hit.tagName.toLowerCase()}.${String(hit.className).split(' ')[0]}` : 'nothing';
    });
  }
}
