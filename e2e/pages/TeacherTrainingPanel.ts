/** The *Train a teacher* section of the left column, and the stored teachers it lists. */
import { expect, type Locator, type Page } from '@playwright/test';

export class TeacherTrainingPanel {
  readonly root: Locator;
  readonly job: Locator;
  readonly stored: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('teacher-training');
    this.job = page.getByTestId('tt-job');
    this.stored = page.getByTestId('stored-teacher');
  }

  async openPanel(): Promise<void> {
    if (!(await this.root.evaluate((d) => (d as HTMLDetailsElement).open))) await this.root.locator('summary').click();
  }

  /** Sets the teacher's data set, exactly these classes, width and epochs. */
  async configure(options: { dataset: string; classes: number[]; width: string; epochs: number }): Promise<void> {
    await this.openPanel();
    await this.page.getByTestId('tt-dataset').selectOption(options.dataset);
    const chips = this.root.locator('[data-testid^="tt-class-"]');
    for (let c = 0; c < (await chips.count()); c++) {
      const chip = this.page.getByTestId(`tt-class-${c}`);
      const on = (await chip.getAttribute('aria-pressed')) === 'true';
      if (on !== options.classes.includes(c)) await chip.click();
    }
    await this.page.getByTestId('tt-width').selectOption(options.width);
    await this.page.getByTestId('tt-epochs').fill(String(options.epochs));
  }

  async train(): Promise<void> {
    await this.page.getByTestId('tt-train').click();
  }

  async waitForStatus(status: string, timeout = 120_000): Promise<void> {
    await expect(this.job).toHaveAttribute('data-status', status, { timeout });
  }

  /** The ids of the stored teachers listed. */
  async storedIds(): Promise<string[]> {
    return this.stored.evaluateAll((items) => items.map((i) => i.getAttribute('data-id') ?? ''));
  }
}
