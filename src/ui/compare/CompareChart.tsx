import { useMemo } from 'react';
import { useRunStore } from '../../state/runStore';
import { comparisonCurves } from '../../state/selectors';
import { ChartFrame } from '../charts/ChartFrame';
import { StepLineChart } from '../charts/StepLineChart';
import { pct } from '../charts/axes';
import { useThrottled } from '../hooks/useThrottled';
import { REDRAW_MS } from '../hooks/useLiveRun';
import { METHOD_COLOURS } from '../palette';

/** Validation accuracy of the visible runs, aligned where their classifiers start training. */
export function CompareChart() {
  const runs = useThrottled(
    useRunStore((s) => s.runs),
    REDRAW_MS,
  );
  const curves = useMemo(() => comparisonCurves(runs), [runs]);
  const methods = new Map(runs.map((r) => [r.runId, r.config.method]));
  const dashes = new Map<string, number>();
  const series = curves.series.map((s) => {
    const method = methods.get(s.runId) ?? '';
    const seen = dashes.get(method) ?? 0;
    dashes.set(method, seen + 1);
    return { key: s.key, name: `#${s.runId} ${s.label}`, colour: METHOD_COLOURS[method] ?? '#777', dashed: seen > 0 };
  });
  return (
    <ChartFrame
      testId="chart-compare"
      title="Validation accuracy of the shown runs"
      caption="Over stage-2 steps, so methods with and without stage 1 start together."
      points={curves.rows.length}
      empty="Finished or running runs with stage-2 validation appear here."
      height={300}
    >
      <StepLineChart rows={curves.rows} xKey="stage2Step" xLabel="stage-2 step" series={series} left={{ label: 'accuracy', domain: [0, 1], format: pct }} boundary={null} />
    </ChartFrame>
  );
}
