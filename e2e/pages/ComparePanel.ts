/** The comparison: the seed count, the Compare button, the summary over seeds, the results table (a row per run) and the curves. */
import type { Locator, Page } from '@playwright/test';

export interface ResultsRowInfo {
  runId: number;
  method: string;
  status: string;
  testAccuracy: string;
}

/** A method's line of the summary: the raw numbers (data attributes) and the text shown. */
export interface SummaryMethodInfo {
  method: string;
  n: number;
  mean: number;
  std: number;
  text: string;
}

/** A paired gain of the summary: the raw numbers and the sentence and verdict shown. */
export interface SummaryGainInfo {
  method: string;
  baseline: string;
  n: number;
  wins: number;
  mean: number;
  std: number;
  low: number;
  high: number;
  verdict: string;
  sentence: string;
  verdictText: string;
}

export class ComparePanel {
  readonly compareButton: Locator;
  readonly seedsSelect: Locator;
  readonly summary: Locator;
  readonly table: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.compareButton = page.getByTestId('compare-button');
    this.seedsSelect = page.getByTestId('compare-seeds');
    this.summary = page.getByTestId('compare-summary');
    this.table = page.getByTestId('results-table');
    this.rows = page.getByTestId('results-row');
  }

  async summaryMethods(): Promise<SummaryMethodInfo[]> {
    const out: SummaryMethodInfo[] = [];
    for (const row of await this.summary.getByTestId('summary-method').all()) {
      const num = async (name: string) => Number(await row.getAttribute(`data-${name}`));
      out.push({
        method: (await row.getAttribute('data-method')) ?? '',
        n: await num('n'),
        mean: await num('mean'),
        std: await num('std'),
        text: (await row.getByTestId('summary-method-text').textContent()) ?? '',
      });
    }
    return out;
  }

  async summaryGains(): Promise<SummaryGainInfo[]> {
    const out: SummaryGainInfo[] = [];
    for (const line of await this.summary.getByTestId('summary-gain').all()) {
      const num = async (name: string) => Number(await line.getAttribute(`data-${name}`));
      out.push({
        method: (await line.getAttribute('data-method')) ?? '',
        baseline: (await line.getAttribute('data-baseline')) ?? '',
        n: await num('n'),
        wins: await num('wins'),
        mean: await num('mean'),
        std: await num('std'),
        low: await num('low'),
        high: await num('high'),
        verdict: (await line.getAttribute('data-verdict')) ?? '',
        sentence: (await line.getByTestId('summary-gain-sentence').textContent()) ?? '',
        verdictText: (await line.getByTestId('summary-gain-verdict').textContent()) ?? '',
      });
    }
    return out;
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
