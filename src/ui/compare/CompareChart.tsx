import { memo, useMemo } from 'react';
import type { ComparisonCurves } from '../../state/comparison';
import { ChartFrame } from '../charts/ChartFrame';
import type { AxisSpec } from '../charts/StepLineChart';
import { pct } from '../charts/axes';
import { createComparisonCurvesSelector } from '../charts/chartData';
import { createRunLabelsSelector } from '../../state/labels';
import type { RunRecord } from '../../state/runStore';
import { useLineSummary } from '../charts/summary';
import { useLiveRuns } from '../hooks/useLiveRun';
import { METHOD_COLOURS } from '../palette';
import { BandChart, type BandSeriesSpec } from './BandChart';

const ACCURACY_AXIS: AxisSpec = { label: 'accuracy', domain: [0, 1], format: pct };
/** Legend names: each shown run by what differs between the shown runs. */
const labelsOf = createRunLabelsSelector();
const selectLabels = (runs: readonly RunRecord[]) => labelsOf(runs.filter((r) => r.visible));
const LOSS_AXIS: AxisSpec = { label: 'cross-entropy', domain: [0, 'auto'] };
const selectAccuracy = createComparisonCurvesSelector('valAccuracy');
const selectLoss = createComparisonCurvesSelector('ce');

interface Props {
  select: (runs: Parameters<typeof selectAccuracy>[0]) => ComparisonCurves;
  testId: string;
  title: string;
  caption: string;
  axis: AxisSpec;
}

/** Lines of the visible runs over stage-2 steps; a multi-seed comparison as a mean and band per method. */
const CurvesChart = memo(function CurvesChart({ select, testId, title, caption, axis }: Props) {
  const curves = useLiveRuns(select);
  const labels = useLiveRuns(selectLabels);
  const series = useMemo(() => {
    // A second single run of a method is dashed, so that two runs of one method stay apart.
    const seen = new Map<string, number>();
    return curves.series.map((s): BandSeriesSpec => {
      const count = s.bandKey ? 0 : (seen.get(s.method) ?? 0);
      if (!s.bandKey) seen.set(s.method, count + 1);
      const name = s.bandKey ? s.label : `#${s.runIds[0]} ${labels.get(s.runIds[0]) ?? s.label}`;
      return { key: s.key, name, colour: METHOD_COLOURS[s.method] ?? '#777', dashed: count > 0, ...(s.bandKey ? { bandKey: s.bandKey } : {}) };
    });
  }, [curves, labels]);
  const summary = useLineSummary(curves.rows, series, axis, undefined, 'stage2Step', 'stage-2 step');
  return (
    <ChartFrame testId={testId} title={title} caption={caption} points={curves.rows.length} empty="Finished or running runs with stage-2 points appear here." height={300} summary={summary}>
      <BandChart rows={curves.rows} series={series} left={axis} />
    </ChartFrame>
  );
});

const BAND_NOTE = 'A comparison over several seeds shows each method’s finished seeds as their mean (line) and min–max (band).';

/** Validation accuracy of the shown runs, aligned where their classifiers start training. */
export const CompareChart = memo(function CompareChart() {
  return (
    <CurvesChart
      select={selectAccuracy}
      testId="chart-compare"
      title="Validation accuracy of the shown runs"
      caption={`Over stage-2 steps, so methods with and without stage 1 start together. ${BAND_NOTE}`}
      axis={ACCURACY_AXIS}
    />
  );
});

/** Stage-2 cross-entropy on the training batches of the shown runs (the term every method has). */
export const CompareLossChart = memo(function CompareLossChart() {
  return (
    <CurvesChart
      select={selectLoss}
      testId="chart-compare-loss"
      title="Stage-2 cross-entropy of the shown runs"
      caption={`The classifier’s cross-entropy on training batches, the term all three methods minimise. ${BAND_NOTE}`}
      axis={LOSS_AXIS}
    />
  );
});
