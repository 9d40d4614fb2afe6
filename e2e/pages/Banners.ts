/** The banners above the charts: what a link got wrong, and a run's (or the worker's) error. */
import type { Locator, Page } from '@playwright/test';

export class Banners {
  readonly urlNotice: Locator;
  readonly urlNoticeItems: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.urlNotice = page.getByTestId('url-notice');
    this.urlNoticeItems = page.getByTestId('url-notice-item');
    this.error = page.getByTestId('error-banner');
  }

  async noticeTexts(): Promise<string[]> {
    return this.urlNoticeItems.allTextContents();
  }
}
