import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent, type PerClassRow } from '../../state/selectors';
import { useLiveRun } from '../hooks/useLiveRun';
import { AXIS_TICK, CHART_FONT_PX, CHART_INK, CLASS_COLOURS } from '../palette';
import { gridProps, pct, tooltipProps } from './axes';
import { selectPerClassRows } from './chartData';
import { ChartFrame } from './ChartFrame';

const MARGIN = { top: 4, right: 56, bottom: 4, left: 8 };
const percent = (v: unknown) => formatPercent(Number(v));
const wholePercent = (v: unknown) => formatPercent(Number(v), 0);
const LABEL_STYLE = { fontSize: CHART_FONT_PX, fill: CHART_INK };

export const PerClassChart = memo(function PerClassChart() {
  const rows = useLiveRun(selectPerClassRows);
  const summary = useMemo(() => rows.map((r) => `${r.name}: ${formatPercent(r.accuracy)}`).join('; '), [rows]);
  // Room for the longest class name in full ("Ankle boot", "T-shirt/top"), never cut.
  const nameWidth = useMemo(() => Math.ceil(Math.max(24, ...rows.map((r) => r.name.length * CHART_FONT_PX * 0.6)) + 14), [rows]);
  return (
    <ChartFrame
      testId="chart-per-class"
      title="Test accuracy per class"
      caption="The chosen checkpoint on the held-out test split."
      points={rows.length}
      empty="Appears when the run finishes."
      height={Math.max(200, rows.length * 36 + 40)}
      summary={summary}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows as PerClassRow[]} layout="vertical" margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid {...gridProps} horizontal={false} />
          <XAxis type="number" domain={[0, 1]} tick={AXIS_TICK} tickFormatter={pct} />
          <YAxis type="category" dataKey="name" tick={AXIS_TICK} width={nameWidth} interval={0} />
          <Tooltip {...tooltipProps} formatter={percent} />
          <Bar dataKey="accuracy" name="accuracy" isAnimationActive={false}>
            {rows.map((_, i) => (
              <Cell key={i} fill={CLASS_COLOURS[i % CLASS_COLOURS.length]} stroke={CHART_INK} strokeWidth={0.5} />
            ))}
            <LabelList dataKey="accuracy" position="right" formatter={wholePercent} style={LABEL_STYLE} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
});
