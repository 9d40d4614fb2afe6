import { useMemo } from 'react';
import { ReferenceLine } from 'recharts';
import type { RunRecord } from '../../state/runStore';
import { formatPercent, ncmRows, stageBoundaryStep, teacherNcmReference } from '../../state/selectors';
import { SERIES } from '../palette';
import { pct } from './axes';
import { ChartFrame } from './ChartFrame';
import { StepLineChart } from './StepLineChart';

export function NcmChart({ run }: { run: RunRecord | undefined }) {
  const rows = useMemo(() => ncmRows(run), [run]);
  const teacher = teacherNcmReference(run);
  return (
    <ChartFrame
      testId="chart-ncm"
      title="Embedding · NCM validation accuracy"
      caption="Nearest-class-mean on the student’s embedding; dashed: on the teacher’s."
      points={rows.length}
      empty="No validation yet."
      reference={
        teacher !== null && (
          <span data-testid="teacher-ncm">
            <span className="dash-swatch" style={{ borderColor: SERIES.teacher }} aria-hidden /> teacher’s NCM {formatPercent(teacher)}
          </span>
        )
      }
    >
      <StepLineChart
        rows={rows}
        series={[{ key: 'ncm', name: 'student NCM', colour: SERIES.ncm }]}
        left={{ label: 'accuracy', domain: [0, 1], format: pct }}
        boundary={stageBoundaryStep(run)}
        totalSteps={run?.prepared?.totalSteps}
      >
        {teacher !== null && (
          <ReferenceLine
            yAxisId="left"
            y={teacher}
            stroke={SERIES.teacher}
            strokeWidth={2.5}
            strokeDasharray="8 5"
            ifOverflow="extendDomain"
          />
        )}
      </StepLineChart>
    </ChartFrame>
  );
}
