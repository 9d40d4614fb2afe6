import { useMemo } from 'react';
import type { RunRecord } from '../../state/runStore';
import { accuracyRows, stageBoundaryStep, stepTimeRows } from '../../state/selectors';
import { SERIES } from '../palette';
import { pct } from './axes';
import { ChartFrame } from './ChartFrame';
import { StepLineChart } from './StepLineChart';

export function AccuracyChart({ run }: { run: RunRecord | undefined }) {
  const rows = useMemo(() => accuracyRows(run), [run]);
  return (
    <ChartFrame
      testId="chart-accuracy"
      title="Stage 2 · classifier accuracy"
      caption="The head’s accuracy on training batches and on validation."
      points={rows.length}
      empty="Stage 2 has not started."
    >
      <StepLineChart
        rows={rows}
        series={[
          { key: 'train', name: 'train', colour: SERIES.train, dashed: true },
          { key: 'val', name: 'validation', colour: SERIES.val },
        ]}
        left={{ label: 'accuracy', domain: [0, 1], format: pct }}
        boundary={stageBoundaryStep(run)}
        totalSteps={run?.prepared?.totalSteps}
      />
    </ChartFrame>
  );
}

export function StepTimeChart({ run }: { run: RunRecord | undefined }) {
  const rows = useMemo(() => stepTimeRows(run), [run]);
  return (
    <ChartFrame
      testId="chart-step-time"
      title="Step time"
      caption="Milliseconds per training step (mean of each report)."
      points={rows.length}
      empty="No steps yet."
    >
      <StepLineChart
        rows={rows}
        series={[{ key: 'stepMs', name: 'ms / step', colour: SERIES.stepMs }]}
        left={{ label: 'ms', domain: [0, 'auto'] }}
        boundary={stageBoundaryStep(run)}
        totalSteps={run?.prepared?.totalSteps}
      />
    </ChartFrame>
  );
}
