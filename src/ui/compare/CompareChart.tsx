import { memo, useMemo } from 'react';
import { ChartFrame } from '../charts/ChartFrame';
import { StepLineChart, type AxisSpec, type SeriesSpec } from '../charts/StepLineChart';
import { pct } from '../charts/axes';
import { createComparisonCurvesSelector } from '../charts/chartData';
import { useLineSummary } from '../charts/summary';
import { useLiveRuns } from '../hooks/useLiveRun';
import { METHOD_COLOURS } from '../palette';

const ACCURACY_AXIS: AxisSpec = { label: 'accuracy', domain: [0, 1], format: pct };
const selectCurves = createComparisonCurvesSelector();

/** Validation accuracy of the visible runs, aligned where their classifiers start training. */
export const CompareChart = memo(function CompareChart() {
  const curves = useLiveRuns(selectCurves);
  const series = useMemo(() => {
    // The second run of a method is dashed, so that two runs of one method stay apart.
    const seen = new Map<string, number>();
    return curves.series.map((s): SeriesSpec => {
      const count = seen.get(s.method) ?? 0;
      seen.set(s.method, count + 1);
      return { key: s.key, name: `#${s.runId} ${s.label}`, colour: METHOD_COLOURS[s.method] ?? '#777777', dashed: count > 0 };
    });
  }, [curves]);
  const summary = useLineSummary(curves.rows, series, ACCURACY_AXIS, undefined, 'stage2Step', 'stage-2 step');
  return (
    <ChartFrame
      testId="chart-compare"
      title="Validation accuracy of the shown runs"
      caption="Over stage-2 steps, so methods with and without stage 1 start together."
      points={curves.rows.length}
      empty="Finished or running runs with stage-2 validation appear here."
      height={300}
      summary={summary}
    >
      <StepLineChart rows={curves.rows} xKey="stage2Step" xLabel="stage-2 step" series={series} left={ACCURACY_AXIS} boundary={null} />
    </ChartFrame>
  );
});
