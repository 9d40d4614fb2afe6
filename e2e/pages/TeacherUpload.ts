/** The "Upload a teacher" control and the list of teachers kept in this browser. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';

const FIXTURE = fileURLToPath(new URL('../fixtures/teacher/', import.meta.url));

export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** The fixture teacher's files (scripts/make-fixture-teacher.ts), or altered copies of them. */
export const fixtureFiles = {
  modelJson: (): UploadFile => ({ name: 'model.json', mimeType: 'application/json', buffer: readFileSync(`${FIXTURE}model.json`) }),
  weights: (): UploadFile => ({ name: 'weights.bin', mimeType: 'application/octet-stream', buffer: readFileSync(`${FIXTURE}weights.bin`) }),
};

export class TeacherUploadPanel {
  readonly open: Locator;
  readonly files: Locator;
  readonly error: Locator;
  readonly summary: Locator;
  readonly measure: Locator;
  readonly keep: Locator;
  readonly card: Locator;
  readonly stored: Locator;

  constructor(readonly page: Page) {
    this.open = page.getByTestId('teacher-upload-open');
    this.files = page.getByTestId('teacher-upload-files');
    this.error = page.getByTestId('teacher-upload-error');
    this.summary = page.getByTestId('teacher-upload-summary');
    this.measure = page.getByTestId('teacher-upload-measure');
    this.keep = page.getByTestId('teacher-upload-keep');
    this.card = page.getByTestId('teacher-upload-card');
    this.stored = page.getByTestId('stored-teacher');
  }

  async pick(files: UploadFile[]): Promise<void> {
    if (await this.open.isVisible()) await this.open.click();
    await this.files.setInputFiles(files);
  }

  /** Names the head's classes in order (the chips of the upload's dataset). */
  async nameClasses(classes: number[]): Promise<void> {
    const unknown = this.page.getByTestId('teacher-upload-unknown');
    if (await unknown.isChecked()) await unknown.uncheck();
    for (const c of classes) await this.page.getByTestId(`teacher-upload-class-${c}`).click();
  }
}
