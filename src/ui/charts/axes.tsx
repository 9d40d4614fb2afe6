/** Shared axis, grid and legend settings: large type, the step axis and the stage boundary. */
import { CHART_FONT_PX, CHART_INK, GRID_STROKE, SERIES } from '../palette';

/** Room above the plot for the stage label; the x axis holds its title, and the legend goes under it. */
export const MARGIN = { top: 26, right: 16, bottom: 4, left: 4 };

export const gridProps = { stroke: GRID_STROKE, strokeDasharray: '3 3' } as const;

export const legendProps = {
  wrapperStyle: { fontSize: CHART_FONT_PX, paddingTop: 4 },
  iconSize: 14,
  // Below the axis title: a legend in the plot's corner sat on top of curves and the stage label.
  verticalAlign: 'bottom' as const,
  align: 'center' as const,
  /** Keep the series order (recharts sorts by name by default). */
  itemSorter: null,
};

export const tooltipProps = {
  contentStyle: { fontSize: CHART_FONT_PX, border: '1px solid var(--line)', background: 'var(--panel)', color: 'var(--ink)' },
  labelStyle: { fontWeight: 600 },
  isAnimationActive: false,
};

/** X domain of a step-axis chart: up to `lastStep` (the run's, or stage 1's), so charts of a stage line up. */
export function stepDomain(lastStep: number | undefined): [number, number | 'dataMax'] {
  return [0, lastStep && lastStep > 0 ? lastStep : 'dataMax'];
}

export const pct = (v: number) => `${Math.round(v * 100)}%`;

/** Compact tick numbers, so that an axis title never runs into them: 1,200 → 1.2k, 0.0004 → 4.0e-4. */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6 || (a < 0.01 && v !== 0)) return v.toExponential(1).replace('e+', 'e');
  if (a >= 1000) return `${Number((v / 1000).toFixed(a >= 1e4 ? 0 : 1))}k`;
  return String(Math.round(v * 1000) / 1000);
}

interface LabelViewBox {
  x?: number;
  y?: number;
}

/**
 * "stage 2 →" above the plot, beside the boundary line: in the margin, so that it never covers a
 * curve or the legend. Right of the line, or left of it when the line is near the right end.
 */
function boundaryLabel(leftOfLine: boolean) {
  return function BoundaryLabel({ viewBox }: { viewBox?: LabelViewBox }) {
    if (viewBox?.x === undefined || viewBox.y === undefined) return null;
    return (
      <text x={viewBox.x + (leftOfLine ? -4 : 4)} y={viewBox.y - 8} textAnchor={leftOfLine ? 'end' : 'start'} fontSize={CHART_FONT_PX - 1} fill={CHART_INK} className="chart__boundary-label">
        stage 2 →
      </text>
    );
  };
}

const LABEL_RIGHT = boundaryLabel(false);
const LABEL_LEFT = boundaryLabel(true);

/** The dashed stage boundary at step `x` of an axis that ends at `lastStep` (if known). */
export const boundaryProps = (x: number, lastStep?: number) =>
  ({
    x,
    stroke: SERIES.boundary,
    strokeWidth: 2,
    strokeDasharray: '6 4',
    ifOverflow: 'extendDomain',
    label: lastStep && x > 0.8 * lastStep ? LABEL_LEFT : LABEL_RIGHT,
  }) as const;
