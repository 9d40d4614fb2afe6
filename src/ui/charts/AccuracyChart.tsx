import { memo } from 'react';
import { useLiveRun } from '../hooks/useLiveRun';
import { SERIES } from '../palette';
import { pct } from './axes';
import { accuracyView, stepTimeView } from './chartData';
import { ChartFrame } from './ChartFrame';
import { StepLineChart, type AxisSpec, type SeriesSpec } from './StepLineChart';

const ACCURACY_AXIS: AxisSpec = { label: 'accuracy', domain: [0, 1], format: pct };
const ACCURACY_SERIES: readonly SeriesSpec[] = [
  { key: 'train', name: 'train', colour: SERIES.train, dashed: true },
  { key: 'val', name: 'validation', colour: SERIES.val },
];
const MS_AXIS: AxisSpec = { label: 'ms', domain: [0, 'auto'] };
const STEP_TIME_SERIES: readonly SeriesSpec[] = [{ key: 'stepMs', name: 'ms / step', colour: SERIES.stepMs }];

export const AccuracyChart = memo(function AccuracyChart() {
  const { rows, boundary, totalSteps } = useLiveRun(accuracyView);
  return (
    <ChartFrame
      testId="chart-accuracy"
      title="Stage 2 · classifier accuracy"
      caption="The head’s accuracy on training batches and on validation."
      points={rows.length}
      empty="Stage 2 has not started."
    >
      <StepLineChart rows={rows} series={ACCURACY_SERIES} left={ACCURACY_AXIS} boundary={boundary} totalSteps={totalSteps} />
    </ChartFrame>
  );
});

export const StepTimeChart = memo(function StepTimeChart() {
  const { rows, boundary, totalSteps } = useLiveRun(stepTimeView);
  return (
    <ChartFrame
      testId="chart-step-time"
      title="Step time"
      caption="Milliseconds per training step (mean of each report)."
      points={rows.length}
      empty="No steps yet."
    >
      <StepLineChart rows={rows} series={STEP_TIME_SERIES} left={MS_AXIS} boundary={boundary} totalSteps={totalSteps} />
    </ChartFrame>
  );
});
