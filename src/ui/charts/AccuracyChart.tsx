import { memo } from 'react';
import { SERIES } from '../palette';
import { pct } from './axes';
import { accuracyView, stepTimeView } from './chartData';
import { LiveLineChart } from './LiveLineChart';
import type { AxisSpec, SeriesSpec } from './StepLineChart';

const ACCURACY_AXIS: AxisSpec = { label: 'accuracy', domain: [0, 1], format: pct };
const ACCURACY_SERIES: readonly SeriesSpec[] = [
  { key: 'train', name: 'train', colour: SERIES.train, dashed: true },
  { key: 'val', name: 'validation', colour: SERIES.val },
];
const MS_AXIS: AxisSpec = { label: 'ms', domain: [0, 'auto'] };
const STEP_TIME_SERIES: readonly SeriesSpec[] = [{ key: 'stepMs', name: 'ms / step', colour: SERIES.stepMs }];

export const AccuracyChart = memo(function AccuracyChart() {
  return (
    <LiveLineChart
      view={accuracyView}
      testId="chart-accuracy"
      title="Stage 2 · classifier accuracy"
      caption="The head’s accuracy on training batches and on validation."
      empty="Stage 2 has not started."
      series={ACCURACY_SERIES}
      left={ACCURACY_AXIS}
    />
  );
});

export const StepTimeChart = memo(function StepTimeChart() {
  return (
    <LiveLineChart
      view={stepTimeView}
      testId="chart-step-time"
      title="Step time"
      caption="Milliseconds per training step (mean of each report)."
      empty="No steps yet."
      series={STEP_TIME_SERIES}
      left={MS_AXIS}
    />
  );
});
