/** The History panel: stored runs (a row each), re-open, show in Compare, rename, delete with undo. */
import type { Locator, Page } from '@playwright/test';

export class HistoryPanel {
  readonly panel: Locator;
  readonly rows: Locator;
  readonly reopenLast: Locator;
  readonly undo: Locator;
  readonly notice: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('history-panel');
    this.rows = page.getByTestId('history-row');
    this.reopenLast = page.getByTestId('history-reopen-last');
    this.undo = page.getByTestId('history-undo');
    this.notice = page.getByTestId('storage-notice');
  }

  row(index = 0): Locator {
    return this.rows.nth(index);
  }

  async rename(row: Locator, name: string): Promise<void> {
    await row.getByTestId('history-rename').click();
    const input = row.getByTestId('history-name-input');
    await input.fill(name);
    await input.press('Enter');
  }

  async delete(row: Locator): Promise<void> {
    await row.getByTestId('history-delete').click();
    await row.getByTestId('history-delete-confirm').click();
  }
}
