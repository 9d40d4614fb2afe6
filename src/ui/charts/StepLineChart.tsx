import type { ReactNode } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_TICK, CHART_FONT_PX } from '../palette';
import { MARGIN, boundaryProps, gridProps, legendProps, stepDomain, tooltipProps } from './axes';

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
  rows: object[];
  series: SeriesSpec[];
  left: AxisSpec;
  right?: AxisSpec;
  boundary: number | null;
  totalSteps?: number;
  xKey?: string;
  xLabel?: string;
  children?: ReactNode;
}

const fmt = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(Math.round(v * 1000) / 1000));

/** Lines over the global step, with the stage boundary and large type (no animation: live data). */
export function StepLineChart({ rows, series, left, right, boundary, totalSteps, xKey = 'step', xLabel = 'training step (both stages)', children }: Props) {
  const valueFormat = (v: unknown, name: unknown) => {
    const s = series.find((x) => x.name === name);
    const axis = s?.axis === 'right' ? right : left;
    return typeof v === 'number' ? (axis?.format ?? fmt)(v) : String(v);
  };
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={rows} margin={{ ...MARGIN, right: right ? 8 : MARGIN.right }}>
        <CartesianGrid {...gridProps} />
        <XAxis
          dataKey={xKey}
          type="number"
          domain={xKey === 'step' ? stepDomain(totalSteps) : ['dataMin', 'dataMax']}
          allowDecimals={false}
          tick={AXIS_TICK}
          label={{ value: xLabel, position: 'insideBottom', offset: -14, fontSize: CHART_FONT_PX, fill: '#1a1a1a' }}
        />
        <YAxis
          yAxisId="left"
          domain={left.domain ?? ['auto', 'auto']}
          scale={left.scale ?? 'linear'}
          allowDataOverflow={left.scale === 'log'}
          tick={AXIS_TICK}
          tickFormatter={left.format ?? fmt}
          width={68}
          label={{ value: left.label, angle: -90, position: 'insideLeft', offset: 6, fontSize: CHART_FONT_PX, fill: '#1a1a1a', style: { textAnchor: 'middle' } }}
        />
        {right && (
          <YAxis
            yAxisId="right"
            orientation="right"
            domain={right.domain ?? ['auto', 'auto']}
            padding={{ top: 14 }}
            tick={AXIS_TICK}
            tickFormatter={right.format ?? fmt}
            width={68}
            label={{ value: right.label, angle: 90, position: 'insideRight', offset: 6, fontSize: CHART_FONT_PX, fill: '#1a1a1a', style: { textAnchor: 'middle' } }}
          />
        )}
        <Tooltip {...tooltipProps} formatter={valueFormat} labelFormatter={(l) => `step ${l}`} />
        <Legend {...legendProps} />
        {boundary !== null && <ReferenceLine yAxisId="left" {...boundaryProps(boundary)} />}
        {children}
        {series.map((s) => (
          <Line
            key={s.key}
            yAxisId={s.axis ?? 'left'}
            type="linear"
            dataKey={s.key}
            name={s.name}
            stroke={s.colour}
            strokeWidth={2.5}
            strokeDasharray={s.dashed ? '7 4' : undefined}
            dot={rows.length <= 16 ? { r: 3 } : false}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
