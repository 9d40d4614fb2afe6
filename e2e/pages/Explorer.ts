import { expect, type Locator, type Page } from '@playwright/test';

/** What the worker sent to the explorer, read through the page's test hook. */
export interface ExplorerSnapshot {
  triplets: { anchor: number; positive: number; negative: number; pT: number; pS: number }[];
  followed: unknown[];
  history: Record<string, { step: number; pS: number }[]>;
  local: { q: number[]; p: number[] } | null;
  affinity: { matrix: number[][]; studentClasses: string[]; teacherClasses: string[] } | null;
}

/** The "What is distilled" panel: mined triplets, the teacher's local classifier, class affinity. */
export class Explorer {
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId('explorer-triplet');
  }

  open(): Promise<void> {
    return this.page.getByTestId('explorer-open').click();
  }

  snapshot(): Promise<ExplorerSnapshot> {
    return this.page.evaluate(() => window.__refilledTest!.getExplorer() as ExplorerSnapshot);
  }

  /**
   * The rows show the triplets the worker sent, sorted by |p_T − p_S|: the first row is the
   * sent triplet with the largest gap, with its exact values. Returns that triplet's key.
   */
  async expectWorkerTriplets(): Promise<string> {
    await expect.poll(async () => (await this.snapshot()).triplets.length, { timeout: 3 * 60_000 }).toBeGreaterThan(0);
    const sent = await this.snapshot();
    await expect(this.rows).toHaveCount(sent.triplets.length);
    const top = [...sent.triplets].sort((a, b) => Math.abs(b.pT - b.pS) - Math.abs(a.pT - a.pS))[0];
    const key = `${top.anchor}-${top.positive}-${top.negative}`;
    const first = this.rows.first();
    await expect(first).toHaveAttribute('data-key', key);
    expect(Number(await first.getAttribute('data-pt'))).toBe(top.pT);
    expect(Number(await first.getAttribute('data-ps'))).toBe(top.pS);
    await expect(first).toContainText(top.pT.toFixed(4));
    await expect(first).toContainText(top.pS.toFixed(4));
    await expect(first.locator('canvas')).toHaveCount(3);
    return key;
  }

  /** The teacher's local classifier over `studentClasses` classes, and the affinity heatmap against `teacherClasses`. */
  async expectLocalAndAffinity(studentClasses: number, teacherClasses: number, sentence: string): Promise<void> {
    await expect(this.page.getByTestId('explorer-local-bars').getByTestId('explorer-local-row')).toHaveCount(studentClasses);
    const local = (await this.snapshot()).local!;
    expect(local.q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    await expect(this.page.getByTestId('explorer-affinity-cell')).toHaveCount(studentClasses * teacherClasses);
    await expect(this.page.getByTestId('explorer-affinity-sentences')).toContainText(sentence);
  }
}
