/**
 * Colours and type sizes of the charts. Okabe–Ito: a palette that stays distinguishable under
 * the common colour-vision deficiencies (Okabe & Ito 2008); yellow is avoided on white for lines.
 */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
} as const;

/**
 * Okabe–Ito black as the theme's ink: black on light pages, near-white on the dark theme
 * (styles/themes.css). A CSS variable works in SVG attributes; a canvas resolves it first
 * (`resolveColour`).
 */
export const THEME_BLACK = 'var(--series-black)';

/** Class colours for scatter plots and per-class bars, in class order. */
export const CLASS_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', THEME_BLACK, '#F0E442', '#7F7F7F', '#8B4513'];

/** Marker shapes, so that classes differ by more than colour. */
export const CLASS_SHAPES = ['circle', 'triangle', 'square', 'diamond', 'star', 'cross', 'wye', 'circle', 'triangle', 'square'] as const;

/** Series colours, so the same quantity has the same colour on every chart. */
export const SERIES = {
  stage1Loss: OKABE_ITO.blue,
  ce: OKABE_ITO.blue,
  kd: OKABE_ITO.vermillion,
  total: THEME_BLACK,
  lambda: OKABE_ITO.purple,
  ncm: OKABE_ITO.blue,
  teacher: OKABE_ITO.vermillion,
  mined: THEME_BLACK,
  meanPT: OKABE_ITO.vermillion,
  meanPS: OKABE_ITO.blue,
  agreement: OKABE_ITO.green,
  absDiff: OKABE_ITO.orange,
  train: OKABE_ITO.orange,
  val: OKABE_ITO.blue,
  stepMs: OKABE_ITO.green,
  boundary: 'var(--chart-boundary)',
} as const;

/** Colours of runs overlaid in the comparison chart, by method. */
export const METHOD_COLOURS: Record<string, string> = {
  refilled: OKABE_ITO.blue,
  vanilla: THEME_BLACK,
  'stage1-only': OKABE_ITO.orange,
  kd: OKABE_ITO.green,
  rkd: OKABE_ITO.purple,
};

export const CHART_FONT_PX = 16;
/** Text and outlines on charts: the theme's chart ink. */
export const CHART_INK = 'var(--chart-ink)';
export const AXIS_TICK = { fontSize: CHART_FONT_PX, fill: CHART_INK } as const;
export const GRID_STROKE = 'var(--chart-grid)';

/** A colour a canvas can take: `var(--x)` resolved on `element`, anything else as it is. */
export function resolveColour(element: Element, colour: string): string {
  const m = /^var\((--[\w-]+)\)$/.exec(colour);
  if (!m) return colour;
  return getComputedStyle(element).getPropertyValue(m[1]).trim() || '#000';
}
