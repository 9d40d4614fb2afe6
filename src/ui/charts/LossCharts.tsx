import { useMemo } from 'react';
import type { RunRecord } from '../../state/runStore';
import { stage1LossRows, stage2LossRows, stageBoundaryStep } from '../../state/selectors';
import { SERIES, OKABE_ITO } from '../palette';
import { ChartFrame } from './ChartFrame';
import { StepLineChart, type SeriesSpec } from './StepLineChart';

export function Stage1LossChart({ run }: { run: RunRecord | undefined }) {
  const rows = useMemo(() => stage1LossRows(run), [run]);
  const rkd = run?.config.method === 'rkd';
  const series: SeriesSpec[] = rkd
    ? [
        { key: 'loss', name: 'RKD total', colour: SERIES.total },
        { key: 'rkdDistance', name: 'distance term', colour: OKABE_ITO.blue },
        { key: 'rkdAngle', name: 'angle term', colour: OKABE_ITO.orange },
      ]
    : [{ key: 'loss', name: 'w₁ · KL(P_T ‖ P_S)', colour: SERIES.stage1Loss }];
  return (
    <ChartFrame
      testId="chart-stage1-loss"
      title="Stage 1 · alignment loss"
      caption={rkd ? 'Distance- and angle-wise relations matched to the teacher’s.' : 'w₁ · KL of teacher vs student triplet probabilities; 0 when they agree.'}
      points={rows.length}
      empty={run && run.config.method !== 'refilled' && run.config.method !== 'stage1-only' && !rkd ? `No stage 1 for ${run.config.method}.` : 'Run or step stage 1 to see the loss.'}
    >
      <StepLineChart rows={rows} series={series} left={{ label: 'loss' }} boundary={stageBoundaryStep(run)} totalSteps={run?.prepared?.totalSteps} />
    </ChartFrame>
  );
}

export function Stage2LossChart({ run }: { run: RunRecord | undefined }) {
  const rows = useMemo(() => stage2LossRows(run), [run]);
  const hasKd = rows.some((r) => r.weightedKd !== undefined);
  const series: SeriesSpec[] = [
    { key: 'ce', name: 'cross-entropy', colour: SERIES.ce },
    ...(hasKd ? [{ key: 'weightedKd', name: 'λ · KL (distillation)', colour: SERIES.kd }] : []),
    { key: 'total', name: 'total', colour: SERIES.total },
    ...(hasKd ? [{ key: 'lambda', name: 'λ', colour: SERIES.lambda, axis: 'right' as const, dashed: true }] : []),
  ];
  return (
    <ChartFrame
      testId="chart-stage2-loss"
      title="Stage 2 · classifier loss"
      caption="CE + λ · KL(q ‖ p) over the batch’s classes, q from the teacher’s centres."
      points={rows.length}
      empty="Stage 2 has not started."
    >
      <StepLineChart
        rows={rows}
        series={series}
        left={{ label: 'loss' }}
        right={hasKd ? { label: 'λ', domain: [0, 'auto'] } : undefined}
        boundary={stageBoundaryStep(run)}
        totalSteps={run?.prepared?.totalSteps}
      />
    </ChartFrame>
  );
}
