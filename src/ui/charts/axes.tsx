/** Shared axis, grid and legend settings: large type, the step axis and the stage boundary. */
import { CHART_FONT_PX, GRID_STROKE, SERIES } from '../palette';

export const MARGIN = { top: 8, right: 16, bottom: 24, left: 8 };

export const gridProps = { stroke: GRID_STROKE, strokeDasharray: '3 3' } as const;

export const legendProps = {
  wrapperStyle: { fontSize: CHART_FONT_PX, paddingTop: 2 },
  iconSize: 14,
  verticalAlign: 'top' as const,
  align: 'right' as const,
  /** Keep the series order (recharts sorts by name by default). */
  itemSorter: null,
};

export const tooltipProps = {
  contentStyle: { fontSize: CHART_FONT_PX, border: '1px solid #999' },
  labelStyle: { fontWeight: 600 },
  isAnimationActive: false,
};

/** X domain of every step-axis chart: the whole run, so charts line up vertically. */
export function stepDomain(totalSteps: number | undefined): [number, number | 'dataMax'] {
  return [0, totalSteps && totalSteps > 0 ? totalSteps : 'dataMax'];
}

export const pct = (v: number) => `${Math.round(v * 100)}%`;

export const boundaryProps = (x: number) =>
  ({
    x,
    stroke: SERIES.boundary,
    strokeWidth: 2,
    strokeDasharray: '6 4',
    ifOverflow: 'extendDomain',
    label: { value: 'stage 2 →', position: 'insideTopLeft', fontSize: CHART_FONT_PX - 1, fill: '#333' },
  }) as const;
