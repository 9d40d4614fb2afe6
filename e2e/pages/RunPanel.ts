/** Run, pause, resume, stop, reset and step; the run's status and per-stage progress. */
import { expect, type Locator, type Page } from '@playwright/test';

export class RunPanel {
  readonly runButton: Locator;
  readonly pauseButton: Locator;
  readonly resumeButton: Locator;
  readonly stopButton: Locator;
  readonly resetButton: Locator;
  readonly status: Locator;
  readonly stage1Progress: Locator;
  readonly stage2Progress: Locator;

  constructor(readonly page: Page) {
    this.runButton = page.getByTestId('run-button');
    this.pauseButton = page.getByTestId('pause-button');
    this.resumeButton = page.getByTestId('resume-button');
    this.stopButton = page.getByTestId('stop-button');
    this.resetButton = page.getByTestId('reset-button');
    this.status = page.getByTestId('run-status');
    this.stage1Progress = page.getByTestId('progress-stage1');
    this.stage2Progress = page.getByTestId('progress-stage2');
  }

  async run(): Promise<void> {
    await expect(this.runButton).toBeEnabled();
    await this.runButton.click();
  }

  /**
   * Waits for the active run's status badge to be `status` (the run store's status, its
   * `data-status`; the text may add the health checks' verdict, e.g. "failed: trained to chance").
   */
  async expectStatus(status: string | RegExp, timeoutMs = 60_000): Promise<void> {
    await expect(this.status).toHaveAttribute('data-status', status, { timeout: timeoutMs });
  }

  /** Presses Space with nothing focused (the page-wide run/pause shortcut). */
  async pressSpaceOnPage(): Promise<void> {
    await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await this.page.keyboard.press('Space');
  }
}
