import { useMemo } from 'react';
import type { RunRecord } from '../../state/runStore';
import { stageBoundaryStep, tripletRows } from '../../state/selectors';
import { SERIES } from '../palette';
import { ChartFrame } from './ChartFrame';
import { StepLineChart } from './StepLineChart';

export function TripletChart({ run }: { run: RunRecord | undefined }) {
  const rows = useMemo(() => tripletRows(run), [run]);
  return (
    <ChartFrame
      testId="chart-triplets"
      title="Stage 1 · mined triplets"
      caption="Triplets per batch (left); p_T, p_S, agreement, |p_T − p_S| (right)."
      points={rows.length}
      empty="Triplet statistics appear during REFILLED’s stage 1."
    >
      <StepLineChart
        rows={rows}
        series={[
          { key: 'mined', name: 'mined / batch', colour: SERIES.mined },
          { key: 'meanPT', name: 'mean p_T', colour: SERIES.meanPT, axis: 'right' },
          { key: 'meanPS', name: 'mean p_S', colour: SERIES.meanPS, axis: 'right' },
          { key: 'agreement', name: 'agreement', colour: SERIES.agreement, axis: 'right', dashed: true },
          { key: 'meanAbsDiff', name: '|p_T − p_S|', colour: SERIES.absDiff, axis: 'right', dashed: true },
        ]}
        left={{ label: 'triplets', domain: [0, 'auto'] }}
        right={{ label: 'probability', domain: [0, 1] }}
        boundary={stageBoundaryStep(run)}
        totalSteps={run?.prepared?.totalSteps}
      />
    </ChartFrame>
  );
}
