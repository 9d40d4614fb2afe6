import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunRecord } from '../../state/runStore';
import { formatPercent, perClassRows } from '../../state/selectors';
import { AXIS_TICK, CHART_FONT_PX, CLASS_COLOURS } from '../palette';
import { gridProps, pct, tooltipProps } from './axes';
import { ChartFrame } from './ChartFrame';

export function PerClassChart({ run }: { run: RunRecord | undefined }) {
  const rows = useMemo(() => perClassRows(run), [run]);
  return (
    <ChartFrame
      testId="chart-per-class"
      title="Test accuracy per class"
      caption="The chosen checkpoint on the held-out test split."
      points={rows.length}
      empty="Appears when the run finishes."
      height={Math.max(200, rows.length * 36 + 40)}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 56, bottom: 4, left: 8 }}>
          <CartesianGrid {...gridProps} horizontal={false} />
          <XAxis type="number" domain={[0, 1]} tick={AXIS_TICK} tickFormatter={pct} />
          <YAxis type="category" dataKey="name" tick={AXIS_TICK} width={116} />
          <Tooltip {...tooltipProps} formatter={(v) => formatPercent(Number(v))} />
          <Bar dataKey="accuracy" name="accuracy" isAnimationActive={false}>
            {rows.map((_, i) => (
              <Cell key={i} fill={CLASS_COLOURS[i % CLASS_COLOURS.length]} stroke="#000" strokeWidth={0.5} />
            ))}
            <LabelList dataKey="accuracy" position="right" formatter={(v: unknown) => formatPercent(Number(v), 0)} style={{ fontSize: CHART_FONT_PX, fill: '#1a1a1a' }} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
