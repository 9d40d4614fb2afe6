import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_TICK, CHART_FONT_PX, CHART_INK } from '../palette';
import { MARGIN, boundaryProps, compactNumber, gridProps, legendProps, stepDomain, tooltipProps } from './axes';

export interface SeriesSpec {
  key: string;
  name: string;
  colour: string;
  axis?: 'left' | 'right';
  dashed?: boolean;
}

export interface AxisSpec {
  label: string;
  domain?: [number | 'auto' | 'dataMin', number | 'auto' | 'dataMax'];
  format?: (v: number) => string;
  scale?: 'linear' | 'log';
}

interface Props {
  /** At most MAX_PLOTTED_POINTS rows (see chartData), the same array while unchanged. */
  rows: readonly object[];
  series: readonly SeriesSpec[];
  left: AxisSpec;
  right?: AxisSpec;
  boundary: number | null;
  /** Where the step axis ends: the run's last step, or stage 1's for a stage-1 chart. */
  totalSteps?: number;
  xKey?: string;
  xLabel?: string;
  /** A dashed horizontal reference on the left axis (e.g. the teacher's NCM accuracy). */
  referenceY?: number | null;
  referenceColour?: string;
}

/** The step axis of a stage-1 chart. */
export const STAGE1_STEP = 'training step (stage 1)';

const AUTO_DOMAIN: [string, string] = ['auto', 'auto'];
const fmt = compactNumber;
const stepLabel = (l: unknown) => `step ${l}`;
const AXIS_LABEL_STYLE = { fontSize: CHART_FONT_PX, fill: CHART_INK } as const;
const MIDDLE = { textAnchor: 'middle' } as const;
const SMALL_DOT = { r: 3 } as const;
const RIGHT_PADDING = { top: 14 } as const;
const DATA_DOMAIN = ['dataMin', 'dataMax'] as const;
const GRID = <CartesianGrid {...gridProps} />;
const LEGEND = <Legend {...legendProps} />;
/** Average width of a tick character at CHART_FONT_PX (digits, '.', '%', 'k'), in px. */
const CHAR_PX = CHART_FONT_PX * 0.62;

/**
 * Width of a y axis that holds its widest tick label and, beside it, its rotated title with a
 * gap: ticks are "nice" numbers within the data's (or the domain's) extremes, so the extremes,
 * formatted, bound their length. Rounded up to 8 px so small changes do not rebuild the axis.
 */
export function yAxisWidth(rows: readonly object[], series: readonly SeriesSpec[], side: 'left' | 'right', axis: AxisSpec): number {
  const keys = series.filter((s) => (s.axis ?? 'left') === side).map((s) => s.key);
  const values: number[] = [];
  for (const d of axis.domain ?? []) if (typeof d === 'number') values.push(d);
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) {
    for (const key of keys) {
      const v = (row as Record<string, unknown>)[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (Number.isFinite(lo)) values.push(lo, hi, (lo + hi) / 2);
  const format = axis.format ?? fmt;
  // One character more than the extremes: a nice tick between them can have one more digit.
  const chars = Math.max(3, ...values.map((v) => format(v).length)) + 1;
  const px = chars * CHAR_PX + 8 /* tick mark and gap */ + CHART_FONT_PX + 8 /* title and gap */;
  return Math.ceil(px / 8) * 8;
}

/** Dots only while a line is short enough for them to be read one by one. */
const MAX_DOTTED_ROWS = 16;

/**
 * Lines over the global step, with the stage boundary and large type (no animation: live data).
 * Memoised, and every prop it hands recharts is stable across renders: recharts re-registers an
 * axis, a legend or a tooltip whose props changed identity, which costs as much as the drawing.
 * Give it stable props (module-level series and axis specs, memoised rows) and it redraws only
 * when its data change.
 */
export const StepLineChart = memo(function StepLineChart({
  rows,
  series,
  left,
  right,
  boundary,
  totalSteps,
  xKey = 'step',
  xLabel = 'training step (both stages)',
  referenceY = null,
  referenceColour,
}: Props) {
  const margin = useMemo(() => ({ ...MARGIN, right: right ? 8 : MARGIN.right }), [right]);
  const dotted = rows.length <= MAX_DOTTED_ROWS;
  // The chart's children are memoised elements: on a data update React skips them (same
  // element, same props) and only the chart root sees the new rows. A recharts ReferenceLine in
  // particular re-registers itself in the chart's store on every render, which recomputes every
  // axis and tick; rendered once, it stays registered.
  const xAxis = useMemo(
    () => (
      <XAxis
        dataKey={xKey}
        type="number"
        domain={xKey === 'step' ? stepDomain(totalSteps) : DATA_DOMAIN}
        allowDecimals={false}
        tick={AXIS_TICK}
        // Tall enough for the ticks and the title under them, so the legend below never meets the title.
        height={50}
        label={{ value: xLabel, position: 'insideBottom', offset: 0, ...AXIS_LABEL_STYLE }}
      />
    ),
    [xKey, xLabel, totalSteps],
  );
  // Wide enough for the longest tick and the title beside it, so the two never overlap. Only a
  // change of width (not every new row) rebuilds an axis.
  const leftWidth = useMemo(() => yAxisWidth(rows, series, 'left', left), [rows, series, left]);
  const rightWidth = useMemo(() => (right ? yAxisWidth(rows, series, 'right', right) : 0), [rows, series, right]);
  const leftAxis = useMemo(
    () => (
      <YAxis
        yAxisId="left"
        domain={left.domain ?? AUTO_DOMAIN}
        scale={left.scale ?? 'linear'}
        allowDataOverflow={left.scale === 'log'}
        tick={AXIS_TICK}
        tickFormatter={left.format ?? fmt}
        width={leftWidth}
        label={{ value: left.label, angle: -90, position: 'insideLeft', offset: 0, ...AXIS_LABEL_STYLE, style: MIDDLE }}
      />
    ),
    [left, leftWidth],
  );
  const rightAxis = useMemo(
    () =>
      right && (
        <YAxis
          yAxisId="right"
          orientation="right"
          domain={right.domain ?? AUTO_DOMAIN}
          padding={RIGHT_PADDING}
          tick={AXIS_TICK}
          tickFormatter={right.format ?? fmt}
          width={rightWidth}
          label={{ value: right.label, angle: 90, position: 'insideRight', offset: 0, ...AXIS_LABEL_STYLE, style: MIDDLE }}
        />
      ),
    [right, rightWidth],
  );
  const tooltip = useMemo(() => {
    const valueFormat = (v: unknown, name: unknown) => {
      const s = series.find((x) => x.name === name);
      const axis = s?.axis === 'right' ? right : left;
      return typeof v === 'number' ? (axis?.format ?? fmt)(v) : String(v);
    };
    return <Tooltip {...tooltipProps} formatter={valueFormat} labelFormatter={stepLabel} />;
  }, [series, left, right]);
  const boundaryLine = useMemo(() => boundary !== null && <ReferenceLine yAxisId="left" {...boundaryProps(boundary, totalSteps)} />, [boundary, totalSteps]);
  const referenceLine = useMemo(
    () => referenceY !== null && <ReferenceLine yAxisId="left" y={referenceY} stroke={referenceColour} strokeWidth={2.5} strokeDasharray="8 5" ifOverflow="extendDomain" />,
    [referenceY, referenceColour],
  );
  const lines = useMemo(
    () =>
      series.map((s) => (
        <Line
          key={s.key}
          yAxisId={s.axis ?? 'left'}
          type="linear"
          dataKey={s.key}
          name={s.name}
          stroke={s.colour}
          strokeWidth={2.5}
          strokeDasharray={s.dashed ? '7 4' : undefined}
          dot={dotted ? SMALL_DOT : false}
          connectNulls
          isAnimationActive={false}
        />
      )),
    [series, dotted],
  );
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={rows as object[]} margin={margin} accessibilityLayer={false}>
        {GRID}
        {xAxis}
        {leftAxis}
        {rightAxis}
        {tooltip}
        {LEGEND}
        {boundaryLine}
        {referenceLine}
        {lines}
      </LineChart>
    </ResponsiveContainer>
  );
});
