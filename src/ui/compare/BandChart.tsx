import { memo, useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_TICK, CHART_FONT_PX } from '../palette';
import { MARGIN, gridProps, legendProps, tooltipProps } from '../charts/axes';
import type { AxisSpec } from '../charts/StepLineChart';

export interface BandSeriesSpec {
  key: string;
  name: string;
  colour: string;
  dashed?: boolean;
  /** A [min, max] column drawn as a shaded band behind the line (a mean over seeds). */
  bandKey?: string;
}

interface Props {
  /** Rows by stage-2 step, the same array while unchanged (see chartData). */
  rows: readonly object[];
  series: readonly BandSeriesSpec[];
  left: AxisSpec;
}

const AXIS_LABEL_STYLE = { fontSize: CHART_FONT_PX, fill: '#1a1a1a' } as const;
const MIDDLE = { textAnchor: 'middle' } as const;
const DATA_DOMAIN = ['dataMin', 'dataMax'] as const;
const AUTO_DOMAIN: [string, string] = ['auto', 'auto'];
const SMALL_DOT = { r: 3 } as const;
const MAX_DOTTED_ROWS = 16;
const GRID = <CartesianGrid {...gridProps} />;
const LEGEND = <Legend {...legendProps} />;
const stage2Label = (l: unknown) => `stage-2 step ${l}`;
const fmt = (v: number) => String(Math.round(v * 1000) / 1000);

/**
 * Lines over stage-2 steps, each with an optional shaded band (recharts' range area: a column
 * of [low, high] pairs). Stable props in, as for StepLineChart: it redraws when its data change.
 */
export const BandChart = memo(function BandChart({ rows, series, left }: Props) {
  const dotted = rows.length <= MAX_DOTTED_ROWS;
  const format = left.format ?? fmt;
  const xAxis = useMemo(
    () => <XAxis dataKey="stage2Step" type="number" domain={DATA_DOMAIN} allowDecimals={false} tick={AXIS_TICK} label={{ value: 'stage-2 step', position: 'insideBottom', offset: -14, ...AXIS_LABEL_STYLE }} />,
    [],
  );
  const yAxis = useMemo(
    () => (
      <YAxis
        domain={left.domain ?? AUTO_DOMAIN}
        tick={AXIS_TICK}
        tickFormatter={format}
        width={68}
        label={{ value: left.label, angle: -90, position: 'insideLeft', offset: 6, ...AXIS_LABEL_STYLE, style: MIDDLE }}
      />
    ),
    [left, format],
  );
  const tooltip = useMemo(() => {
    const valueFormat = (v: unknown) => (Array.isArray(v) ? `${format(Number(v[0]))} – ${format(Number(v[1]))}` : typeof v === 'number' ? format(v) : String(v));
    return <Tooltip {...tooltipProps} formatter={valueFormat} labelFormatter={stage2Label} />;
  }, [format]);
  const marks = useMemo(
    () =>
      series.flatMap((s) => [
        ...(s.bandKey
          ? [<Area key={s.bandKey} type="linear" dataKey={s.bandKey} name={`${s.name} (min–max)`} stroke="none" fill={s.colour} fillOpacity={0.18} legendType="none" connectNulls isAnimationActive={false} activeDot={false} />]
          : []),
        <Line
          key={s.key}
          type="linear"
          dataKey={s.key}
          name={s.name}
          stroke={s.colour}
          strokeWidth={2.5}
          strokeDasharray={s.dashed ? '7 4' : undefined}
          dot={dotted ? SMALL_DOT : false}
          connectNulls
          isAnimationActive={false}
        />,
      ]),
    [series, dotted],
  );
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={rows as object[]} margin={MARGIN} accessibilityLayer={false}>
        {GRID}
        {xAxis}
        {yAxis}
        {tooltip}
        {LEGEND}
        {marks}
      </ComposedChart>
    </ResponsiveContainer>
  );
});
