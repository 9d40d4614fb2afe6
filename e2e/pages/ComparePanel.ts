/** The comparison: the Compare button, the results table (a row per run) and the overlaid curves. */
import type { Locator, Page } from '@playwright/test';

export interface ResultsRowInfo {
  runId: number;
  method: string;
  status: string;
  testAccuracy: string;
}

export class ComparePanel {
  readonly compareButton: Locator;
  readonly table: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.compareButton = page.getByTestId('compare-button');
    this.table = page.getByTestId('results-table');
    this.rows = page.getByTestId('results-row');
  }

  async rowInfo(): Promise<ResultsRowInfo[]> {
    const out: ResultsRowInfo[] = [];
    for (const row of await this.rows.all()) {
      out.push({
        runId: Number(await row.getAttribute('data-run-id')),
        method: (await row.getAttribute('data-method')) ?? '',
        status: (await row.getAttribute('data-status')) ?? '',
        testAccuracy: (await row.getByTestId('results-test-accuracy').textContent()) ?? '',
      });
    }
    return out;
  }
}
