/**
 * A chart card as a standalone image: the recharts SVG (or the scatter's canvas) with the
 * card's title above and its legend below, colours and fonts inlined from the computed
 * styles (the theme's CSS variables do not travel), and nothing scripted or external.
 * PNG is that SVG rasterised on a canvas.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';
const TITLE_H = 28;
const LEGEND_ROW_H = 20;
const INLINED = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'visibility'] as const;

export interface ChartPicture {
  title: string;
  svg: string;
  width: number;
  height: number;
}

/** The chart card's title (its h3) and its figure element, from any element inside it. */
export function chartFigure(inside: Element): HTMLElement | null {
  return inside.closest('figure');
}

/** Inlines the computed values that differ from the parent's (the rest is inherited), and drops `var(--…)` attributes. */
function inlineStyles(original: Element, clone: Element, parent: Record<string, string> = {}): void {
  const style = getComputedStyle(original);
  const own: Record<string, string> = {};
  const parts: string[] = [];
  for (const p of INLINED) {
    own[p] = style.getPropertyValue(p);
    if (own[p] && own[p] !== parent[p]) parts.push(`${p}:${own[p]}`);
  }
  for (const attr of Array.from(clone.attributes)) if (attr.value.includes('var(')) clone.removeAttribute(attr.name);
  if (parts.length > 0) clone.setAttribute('style', parts.join(';'));
  else clone.removeAttribute('style');
  const a = original.children;
  const b = clone.children;
  for (let i = 0; i < a.length && i < b.length; i++) inlineStyles(a[i], b[i], own);
}

/** The first opaque background from `el` up, else white. */
function backgroundOf(el: Element | null): string {
  for (let n = el; n; n = n.parentElement) {
    const bg = getComputedStyle(n).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\([^)]*,\s*0\)$/.test(bg)) return bg;
  }
  return '#ffffff';
}

/** Removes anything that could run or fetch: scripts, foreign HTML, handlers, outside links. */
function sanitise(root: Element): void {
  root.querySelectorAll('script, foreignObject, iframe').forEach((n) => n.remove());
  for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) el.removeAttribute(attr.name);
      else if ((name === 'href' || name === 'xlink:href' || name === 'src') && !/^(#|data:image\/)/.test(attr.value)) el.removeAttribute(attr.name);
    }
  }
}

function legendItems(figure: HTMLElement): { colour: string; text: string }[] {
  return Array.from(figure.querySelectorAll('.recharts-legend-item, .marker-legend li')).map((li) => {
    const mark = Array.from(li.querySelectorAll('path, line, rect, circle')).find((n) => {
      const s = getComputedStyle(n);
      return (s.fill && s.fill !== 'none') || (s.stroke && s.stroke !== 'none');
    });
    const s = mark ? getComputedStyle(mark) : null;
    const colour = s ? (s.fill && s.fill !== 'none' && s.fill !== 'rgba(0, 0, 0, 0)' ? s.fill : s.stroke) : '#777';
    return { colour, text: (li.textContent ?? '').trim() };
  });
}

/**
 * The card as SVG text, or null when it has nothing drawn (an empty chart). The plot keeps
 * its on-screen size; the title goes above it and the legend in rows below.
 */
export function chartSvg(figure: HTMLElement): ChartPicture | null {
  const title = (figure.querySelector('.chart__title')?.textContent ?? 'Chart').trim();
  const plot = Array.from(figure.querySelectorAll<SVGSVGElement>('svg.recharts-surface')).find((s) => !s.closest('.recharts-legend-wrapper'));
  const canvas = figure.querySelector('canvas');
  const source = plot ?? canvas;
  if (!source || figure.dataset.points === '0') return null;
  const rect = source.getBoundingClientRect();
  const width = Math.max(1, Math.round(rect.width));
  const plotH = Math.max(1, Math.round(rect.height));
  const items = legendItems(figure);
  // Legend rows: items flow left to right, about 7 px per character.
  const rows: { colour: string; text: string; x: number }[][] = [[]];
  let x = 8;
  for (const item of items) {
    const w = 28 + item.text.length * 7;
    if (x + w > width && rows[rows.length - 1].length > 0) {
      rows.push([]);
      x = 8;
    }
    rows[rows.length - 1].push({ ...item, x });
    x += w;
  }
  const legendH = items.length > 0 ? rows.length * LEGEND_ROW_H + 6 : 0;
  const height = TITLE_H + plotH + legendH;
  const ink = getComputedStyle(figure).color || '#222';
  const background = backgroundOf(figure);

  const doc = document.implementation.createDocument(SVG_NS, 'svg', null);
  const root = doc.documentElement;
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const el = (name: string, attrs: Record<string, string | number>, text?: string) => {
    const n = doc.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    return n;
  };
  root.append(el('rect', { x: 0, y: 0, width, height, fill: background }));
  root.append(el('text', { x: 8, y: 19, fill: ink, 'font-family': 'system-ui, sans-serif', 'font-size': 15, 'font-weight': 600 }, title));
  const g = el('g', { transform: `translate(0 ${TITLE_H})` });
  if (plot) {
    const clone = plot.cloneNode(true) as SVGSVGElement;
    inlineStyles(plot, clone);
    clone.setAttribute('width', String(width));
    clone.setAttribute('height', String(plotH));
    g.append(doc.importNode(clone, true));
  } else if (canvas) {
    g.append(el('image', { x: 0, y: 0, width, height: plotH, href: canvas.toDataURL('image/png') }));
  }
  root.append(g);
  rows.forEach((row, r) => {
    const y = TITLE_H + plotH + 4 + r * LEGEND_ROW_H;
    for (const item of row) {
      root.append(el('rect', { x: item.x, y: y + 4, width: 14, height: 10, fill: item.colour }));
      root.append(el('text', { x: item.x + 20, y: y + 13, fill: ink, 'font-family': 'system-ui, sans-serif', 'font-size': 12 }, item.text));
    }
  });
  sanitise(root);
  return { title, svg: new XMLSerializer().serializeToString(root), width, height };
}

/** The SVG rasterised at `scale` × its size, as a PNG Blob. */
export async function svgToPng(picture: ChartPicture, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([picture.svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.width = picture.width;
    img.height = picture.height;
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(picture.width * scale);
    canvas.height = Math.round(picture.height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser gives no 2-D canvas to draw the PNG on.');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, picture.width, picture.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The PNG could not be encoded.'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Every chart card under `root` that has something drawn, as SVG (for the report). */
export function allChartSvgs(root: ParentNode = document): ChartPicture[] {
  return Array.from(root.querySelectorAll<HTMLElement>('figure.chart'))
    .map((f) => chartSvg(f))
    .filter((p): p is ChartPicture => p !== null);
}
