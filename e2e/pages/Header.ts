/** The top bar: the runtime badge (backend, ms per step, live tensors) and the share controls. */
import type { Locator, Page } from '@playwright/test';

export class Header {
  readonly backendBadge: Locator;
  readonly backendReason: Locator;
  readonly stepMs: Locator;
  readonly tensorCount: Locator;
  readonly softwareHint: Locator;
  readonly useWasmButton: Locator;
  readonly copyLinkButton: Locator;
  readonly copyStatus: Locator;

  constructor(readonly page: Page) {
    this.backendBadge = page.getByTestId('backend-badge');
    this.backendReason = page.getByTestId('backend-reason');
    this.stepMs = page.getByTestId('step-ms');
    this.tensorCount = page.getByTestId('tensor-count');
    this.softwareHint = page.getByTestId('software-hint');
    this.useWasmButton = page.getByTestId('use-wasm');
    this.copyLinkButton = page.getByTestId('copy-link-button');
    this.copyStatus = page.getByTestId('copy-status');
  }

  /** Clicks "Copy link" and returns what landed on the clipboard (the context needs clipboard permissions). */
  async copyLink(): Promise<string> {
    await this.copyLinkButton.click();
    await this.copyStatus.filter({ hasText: 'Copied' }).waitFor();
    return this.page.evaluate(() => navigator.clipboard.readText());
  }
}
