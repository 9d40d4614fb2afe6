import { memo } from 'react';
import { SERIES } from '../palette';
import { tripletView } from './chartData';
import { LiveLineChart } from './LiveLineChart';
import { STAGE1_STEP, type AxisSpec, type SeriesSpec } from './StepLineChart';

const TRIPLET_AXIS: AxisSpec = { label: 'triplets', domain: [0, 'auto'] };
const PROBABILITY_AXIS: AxisSpec = { label: 'probability', domain: [0, 1] };
const TRIPLET_SERIES: readonly SeriesSpec[] = [
  { key: 'mined', name: 'mined / batch', colour: SERIES.mined },
  { key: 'meanPT', name: 'mean p_T', colour: SERIES.meanPT, axis: 'right' },
  { key: 'meanPS', name: 'mean p_S', colour: SERIES.meanPS, axis: 'right' },
  { key: 'agreement', name: 'agreement', colour: SERIES.agreement, axis: 'right', dashed: true },
  { key: 'meanAbsDiff', name: '|p_T − p_S|', colour: SERIES.absDiff, axis: 'right', dashed: true },
];

export const TripletChart = memo(function TripletChart() {
  return (
    <LiveLineChart
      view={tripletView}
      testId="chart-triplets"
      title="Stage 1 · mined triplets"
      caption="Triplets per batch (left); p_T, p_S, agreement, |p_T − p_S| (right)."
      empty="Triplet statistics appear during REFILLED’s stage 1."
      series={TRIPLET_SERIES}
      left={TRIPLET_AXIS}
      right={PROBABILITY_AXIS}
      xLabel={STAGE1_STEP}
    />
  );
});
