import { useLiveRun } from '../hooks/useLiveRun';
import type { RunRecord } from '../../state/runStore';
import type { LineView } from './chartData';
import { ChartFrame } from './ChartFrame';
import { StepLineChart, type AxisSpec, type SeriesSpec } from './StepLineChart';
import { useLineSummary } from './summary';

interface Props {
  /** A module-level view of the active run (see chartData): rows, stage boundary, total steps. */
  view: (run: RunRecord | undefined) => LineView<object>;
  testId: string;
  title: string;
  caption: string;
  empty: string;
  series: readonly SeriesSpec[];
  left: AxisSpec;
  right?: AxisSpec;
  /** Title of the step axis (a stage-1 chart's axis covers stage 1 only). */
  xLabel?: string;
}

/** A live line chart of fixed series over training steps, in its titled frame. */
export function LiveLineChart({ view, series, left, right, xLabel, ...frame }: Props) {
  const { rows, boundary, totalSteps } = useLiveRun(view);
  const summary = useLineSummary(rows, series, left, right);
  return (
    <ChartFrame {...frame} points={rows.length} summary={summary}>
      <StepLineChart rows={rows} series={series} left={left} right={right} boundary={boundary} totalSteps={totalSteps} xLabel={xLabel} />
    </ChartFrame>
  );
}
