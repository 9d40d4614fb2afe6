import { memo, useMemo } from 'react';
import { useLiveRun } from '../hooks/useLiveRun';
import { OKABE_ITO, SERIES } from '../palette';
import { stage1LossView, stage2LossView } from './chartData';
import { ChartFrame } from './ChartFrame';
import { STAGE1_STEP, StepLineChart, type AxisSpec, type SeriesSpec } from './StepLineChart';
import { useLineSummary } from './summary';

const LOSS_AXIS: AxisSpec = { label: 'loss' };
const LAMBDA_AXIS: AxisSpec = { label: 'λ', domain: [0, 'auto'] };
const REFILLED_STAGE1: readonly SeriesSpec[] = [{ key: 'loss', name: 'w₁ · KL(P_T ‖ P_S)', colour: SERIES.stage1Loss }];
const RKD_STAGE1: readonly SeriesSpec[] = [
  { key: 'loss', name: 'RKD total', colour: SERIES.total },
  { key: 'rkdDistance', name: 'distance term', colour: OKABE_ITO.blue },
  { key: 'rkdAngle', name: 'angle term', colour: OKABE_ITO.orange },
];
const CE_ONLY: readonly SeriesSpec[] = [
  { key: 'ce', name: 'cross-entropy', colour: SERIES.ce },
  { key: 'total', name: 'total', colour: SERIES.total },
];
const CE_AND_KD: readonly SeriesSpec[] = [
  { key: 'ce', name: 'cross-entropy', colour: SERIES.ce },
  { key: 'weightedKd', name: 'λ · KL (distillation)', colour: SERIES.kd },
  { key: 'total', name: 'total', colour: SERIES.total },
  { key: 'lambda', name: 'λ', colour: SERIES.lambda, axis: 'right', dashed: true },
];

export const Stage1LossChart = memo(function Stage1LossChart() {
  const { rows, method, boundary, totalSteps } = useLiveRun(stage1LossView);
  const rkd = method === 'rkd';
  const series = rkd ? RKD_STAGE1 : REFILLED_STAGE1;
  const summary = useLineSummary(rows, series, LOSS_AXIS);
  return (
    <ChartFrame
      testId="chart-stage1-loss"
      title="Stage 1 · alignment loss"
      caption={rkd ? 'Distance- and angle-wise relations matched to the teacher’s.' : 'w₁ · KL of teacher vs student triplet probabilities; 0 when they agree.'}
      points={rows.length}
      empty={method && method !== 'refilled' && method !== 'stage1-only' && !rkd ? `No stage 1 for ${method}.` : 'Run or step stage 1 to see the loss.'}
      summary={summary}
    >
      <StepLineChart rows={rows} series={series} left={LOSS_AXIS} boundary={boundary} totalSteps={totalSteps} xLabel={STAGE1_STEP} />
    </ChartFrame>
  );
});

export const Stage2LossChart = memo(function Stage2LossChart() {
  const { rows, boundary, totalSteps } = useLiveRun(stage2LossView);
  const hasKd = useMemo(() => rows.some((r) => r.weightedKd !== undefined), [rows]);
  const summary = useLineSummary(rows, hasKd ? CE_AND_KD : CE_ONLY, LOSS_AXIS, hasKd ? LAMBDA_AXIS : undefined);
  return (
    <ChartFrame
      testId="chart-stage2-loss"
      title="Stage 2 · classifier loss"
      caption="CE + λ · KL(q ‖ p) over the batch’s classes, q from the teacher’s centres."
      points={rows.length}
      empty="Stage 2 has not started."
      summary={summary}
    >
      <StepLineChart
        rows={rows}
        series={hasKd ? CE_AND_KD : CE_ONLY}
        left={LOSS_AXIS}
        right={hasKd ? LAMBDA_AXIS : undefined}
        boundary={boundary}
        totalSteps={totalSteps}
      />
    </ChartFrame>
  );
});
