/** How the page is laid out and shown: columns, the projector view, themes, the shortcuts dialog. */
import type { Locator, Page } from '@playwright/test';

export class View {
  readonly sidebar: Locator;
  readonly main: Locator;
  readonly presentButton: Locator;
  readonly themeSelect: Locator;
  readonly shortcutsButton: Locator;
  readonly shortcutsDialog: Locator;

  constructor(readonly page: Page) {
    this.sidebar = page.locator('aside.config');
    this.main = page.locator('main.main');
    this.presentButton = page.getByTestId('present-button');
    this.themeSelect = page.getByTestId('theme-select');
    this.shortcutsButton = page.getByTestId('shortcuts-button');
    this.shortcutsDialog = page.getByTestId('shortcuts-dialog');
  }

  /** `data-theme` of <html>: the theme in force. */
  theme(): Promise<string | null> {
    return this.page.evaluate(() => document.documentElement.dataset.theme ?? null);
  }

  /**
   * What sticks out sideways: the page or a column scrolling horizontally, or a control or chart
   * whose right edge is past the window's (inside a table that scrolls on its own excepted).
   * Empty when nothing does.
   */
  sidewaysOverflow(): Promise<string[]> {
    return this.page.evaluate(() => {
      const out: string[] = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > doc.clientWidth) out.push(`the page is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
      const name = (el: Element) => `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : el.className ? `.${String(el.className).split(' ')[0]}` : ''}`;
      for (const el of document.querySelectorAll('.topbar, .config, .main, .run-panel, .chart, .compare, .final, .banner')) {
        if (el.scrollWidth > el.clientWidth + 1) out.push(`${name(el)} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
      }
      for (const el of document.querySelectorAll('button, input, select, label, h1, h2, h3, .chart, .chip, .field__error')) {
        if (el.closest('.results, .confusion__scroll, dialog')) continue;
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > window.innerWidth + 1) out.push(`${name(el)} "${(el.textContent ?? '').trim().slice(0, 30)}" ends at ${Math.round(r.right)} px of ${window.innerWidth}`);
      }
      return out;
    });
  }

  /** Whether the element is wholly inside the window as it is now (nothing scrolled). */
  async inFirstScreen(target: Locator): Promise<{ bottom: number; right: number; height: number; width: number; scrolled: number }> {
    const box = await target.boundingBox();
    const scrolled = await this.page.evaluate(() => window.scrollY + (document.querySelector('main.main')?.scrollTop ?? 0));
    const size = this.page.viewportSize()!;
    return { bottom: box ? box.y + box.height : Infinity, right: box ? box.x + box.width : Infinity, height: size.height, width: size.width, scrolled };
  }
}
