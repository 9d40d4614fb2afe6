/**
 * Marker shapes as SVG path data centred on (0, 0), so that the same shape is drawn on a
 * canvas (`new Path2D(d)`) and in an SVG legend. Classes differ by shape as well as colour.
 */
import type { CLASS_SHAPES } from '../palette';

export type MarkerShape = (typeof CLASS_SHAPES)[number];

const round = (v: number) => Math.round(v * 100) / 100;
const polygon = (points: [number, number][]) => `M${points.map(([x, y]) => `${round(x)},${round(y)}`).join('L')}Z`;

/** Path data of `shape` with radius about `r` (all shapes cover a similar area). */
export function markerPath(shape: MarkerShape, r: number): string {
  switch (shape) {
    case 'circle':
      return `M${r},0A${r},${r} 0 1,1 ${-r},0A${r},${r} 0 1,1 ${r},0Z`;
    case 'square': {
      const h = r * 0.9;
      return polygon([[-h, -h], [h, -h], [h, h], [-h, h]]);
    }
    case 'triangle':
      return polygon([[0, -r * 1.2], [r * 1.1, r * 0.75], [-r * 1.1, r * 0.75]]);
    case 'diamond':
      return polygon([[0, -r * 1.3], [r * 0.85, 0], [0, r * 1.3], [-r * 0.85, 0]]);
    case 'star': {
      const points: [number, number][] = [];
      for (let i = 0; i < 10; i++) {
        const radius = i % 2 === 0 ? r * 1.35 : r * 0.58;
        const angle = -Math.PI / 2 + (i * Math.PI) / 5;
        points.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
      }
      return polygon(points);
    }
    case 'cross': {
      const a = r * 1.2;
      const w = r * 0.42;
      return polygon([[-w, -a], [w, -a], [w, -w], [a, -w], [a, w], [w, w], [w, a], [-w, a], [-w, w], [-a, w], [-a, -w], [-w, -w]]);
    }
    case 'wye': {
      // Three arms 120° apart; the inner corners lie on the bisectors at 2w/√3.
      const length = r * 1.25;
      const w = r * 0.42;
      const points: [number, number][] = [];
      for (let i = 0; i < 3; i++) {
        const t = -Math.PI / 2 + (i * 2 * Math.PI) / 3;
        const [dx, dy, px, py] = [Math.cos(t), Math.sin(t), -Math.sin(t), Math.cos(t)];
        points.push([length * dx - w * px, length * dy - w * py], [length * dx + w * px, length * dy + w * py]);
        const bisector = t + Math.PI / 3;
        points.push([((2 * w) / Math.sqrt(3)) * Math.cos(bisector), ((2 * w) / Math.sqrt(3)) * Math.sin(bisector)]);
      }
      return polygon(points);
    }
    default: {
      const unknown: never = shape;
      throw new Error(`Unknown marker ${String(unknown)}`);
    }
  }
}
