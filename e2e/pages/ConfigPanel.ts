/** The left column: task, student and method, and the Advanced section (every hyperparameter). */
import { expect, type Locator, type Page } from '@playwright/test';

export class ConfigPanel {
  readonly advanced: Locator;

  constructor(readonly page: Page) {
    this.advanced = page.getByTestId('advanced');
  }

  /** The control of a FIELDS key (`shotsPerClass`, `method`, `stage1.tau1`…). */
  field(key: string): Locator {
    return this.page.getByTestId(`field-${key}`);
  }

  classChip(datasetClass: number): Locator {
    return this.page.getByTestId(`class-chip-${datasetClass}`);
  }

  /** Opens Advanced (closed when the page opens) if the field's control is inside it. */
  async reveal(key: string): Promise<void> {
    if ((await this.advanced.count()) === 0) return;
    const inside = (await this.advanced.getByTestId(`field-${key}`).count()) > 0;
    if (inside && !(await this.advanced.evaluate((d) => (d as HTMLDetailsElement).open))) await this.advanced.locator('summary').click();
  }

  /** Types into a number (or shots) box, replacing what it held. */
  async type(key: string, text: string): Promise<void> {
    await this.reveal(key);
    await this.field(key).fill(text);
  }

  async choose(key: string, value: string): Promise<void> {
    await this.reveal(key);
    await this.field(key).selectOption(value);
  }

  /** What the control shows: the text of a box, the chosen option of a list, 'true'/'false' of a checkbox. */
  async value(key: string): Promise<string> {
    const control = this.field(key);
    const type = await control.getAttribute('type');
    if (type === 'checkbox') return String(await control.isChecked());
    return control.inputValue();
  }

  async values(keys: readonly string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const key of keys) out[key] = await this.value(key);
    return out;
  }

  /** The student's classes as the chips show them (pressed chips). */
  async pickedClasses(): Promise<number[]> {
    const pressed = await this.page.locator('[data-testid^="class-chip-"][aria-pressed="true"]').evaluateAll((chips) => chips.map((c) => Number(c.getAttribute('data-testid')!.slice('class-chip-'.length))));
    return pressed.sort((a, b) => a - b);
  }

  async expectShown(key: string, text: string): Promise<void> {
    await expect(this.field(key)).toHaveValue(text);
  }
}
