/** The live charts of the active run and its final results; each chart says how many points it plots. */
import { expect, type Locator, type Page } from '@playwright/test';

export const LINE_CHARTS = ['chart-stage1-loss', 'chart-stage2-loss', 'chart-ncm', 'chart-triplets', 'chart-accuracy'] as const;

export class Charts {
  readonly testAccuracy: Locator;

  constructor(readonly page: Page) {
    this.testAccuracy = page.getByTestId('result-test-accuracy');
  }

  chart(testId: string): Locator {
    return this.page.getByTestId(testId);
  }

  /** `data-points` of a chart: the points it plots now. */
  async points(testId: string): Promise<number> {
    return Number(await this.chart(testId).getAttribute('data-points'));
  }

  async expectPoints(testId: string, atLeast: number, timeoutMs = 30_000): Promise<void> {
    await expect.poll(() => this.points(testId), { timeout: timeoutMs, message: `${testId} data-points` }).toBeGreaterThanOrEqual(atLeast);
  }

  /** Whether the chart's svg was drawn (it is mounted even while empty, and hidden). */
  async drawn(testId: string): Promise<boolean> {
    return (await this.chart(testId).locator('svg.recharts-surface').count()) > 0;
  }
}
