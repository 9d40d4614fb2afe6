import { useEffect, useRef } from 'react';
import type { EmbeddingGroup } from '../../state/selectors';
import { CHART_INK, CLASS_COLOURS, CLASS_SHAPES, GRID_STROKE, resolveColour } from '../palette';
import { useTheme } from '../theme/theme';
import { markerPath } from './markers';

const MARKER_RADIUS = 4.5;
/** Share of the data range left empty around the points. */
const PAD = 0.06;
const GRID_LINES = 4;

/**
 * A scatter of a few hundred points drawn on a canvas. As SVG (recharts), two such pictures
 * took most of a second to draw on the main thread; on a canvas they take a few milliseconds.
 * Redrawn when the groups or the element's size change.
 */
export function ScatterCanvas({ groups, label }: { groups: readonly EmbeddingGroup[]; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  // Colours come from the theme (resolved at draw time): redraw when it changes.
  const theme = useTheme();
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const draw = () => drawScatter(canvas, groups);
    draw();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(draw);
    observer?.observe(canvas);
    return () => observer?.disconnect();
  }, [groups, theme]);
  return <canvas ref={ref} className="scatter-canvas" role="img" aria-label={label} />;
}

function drawScatter(canvas: HTMLCanvasElement, groups: readonly EmbeddingGroup[]): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (width === 0 || height === 0) return;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);

  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const g of groups) {
    for (const p of g.points) {
      xMin = Math.min(xMin, p.x);
      xMax = Math.max(xMax, p.x);
      yMin = Math.min(yMin, p.y);
      yMax = Math.max(yMax, p.y);
    }
  }
  if (!Number.isFinite(xMin) || !Number.isFinite(yMin)) return;
  const xSpan = xMax - xMin || 1;
  const ySpan = yMax - yMin || 1;
  const inset = MARKER_RADIUS * 2;
  const sx = (x: number) => inset + ((x - xMin + PAD * xSpan) / (xSpan * (1 + 2 * PAD))) * (width - 2 * inset);
  const sy = (y: number) => height - inset - ((y - yMin + PAD * ySpan) / (ySpan * (1 + 2 * PAD))) * (height - 2 * inset);

  ctx.strokeStyle = resolveColour(canvas, GRID_STROKE);
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  for (let i = 0; i <= GRID_LINES; i++) {
    const x = Math.round((i / GRID_LINES) * (width - 1)) + 0.5;
    const y = Math.round((i / GRID_LINES) * (height - 1)) + 0.5;
    ctx.moveTo(x, 0);
    ctx.lineTo(x, height);
    ctx.moveTo(0, y);
    ctx.lineTo(width, y);
  }
  ctx.stroke();
  ctx.setLineDash([]);

  ctx.lineWidth = 0.6;
  ctx.strokeStyle = resolveColour(canvas, CHART_INK);
  for (const g of groups) {
    const marker = new Path2D(markerPath(CLASS_SHAPES[g.label % CLASS_SHAPES.length], MARKER_RADIUS));
    ctx.fillStyle = resolveColour(canvas, CLASS_COLOURS[g.label % CLASS_COLOURS.length]);
    for (const p of g.points) {
      ctx.setTransform(ratio, 0, 0, ratio, sx(p.x) * ratio, sy(p.y) * ratio);
      ctx.fill(marker);
      ctx.stroke(marker);
    }
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

/** The classes of a scatter: each one's marker, colour and name. */
export function MarkerLegend({ groups }: { groups: readonly EmbeddingGroup[] }) {
  return (
    <ul className="marker-legend">
      {groups.map((g) => (
        <li key={g.label}>
          <svg width={18} height={18} viewBox="-9 -9 18 18" aria-hidden>
            <path d={markerPath(CLASS_SHAPES[g.label % CLASS_SHAPES.length], 6)} fill={CLASS_COLOURS[g.label % CLASS_COLOURS.length]} stroke={CHART_INK} strokeWidth={0.6} />
          </svg>
          {g.name}
        </li>
      ))}
    </ul>
  );
}
