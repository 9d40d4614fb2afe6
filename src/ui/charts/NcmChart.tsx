import { memo } from 'react';
import { formatPercent } from '../../state/selectors';
import { useLiveRun } from '../hooks/useLiveRun';
import { SERIES } from '../palette';
import { pct } from './axes';
import { ncmView } from './chartData';
import { ChartFrame } from './ChartFrame';
import { StepLineChart, type AxisSpec, type SeriesSpec } from './StepLineChart';
import { useLineSummary } from './summary';

const NCM_AXIS: AxisSpec = { label: 'accuracy', domain: [0, 1], format: pct };
const NCM_SERIES: readonly SeriesSpec[] = [{ key: 'ncm', name: 'student NCM', colour: SERIES.ncm }];

export const NcmChart = memo(function NcmChart() {
  const { rows, teacher, boundary, totalSteps } = useLiveRun(ncmView);
  const curves = useLineSummary(rows, NCM_SERIES, NCM_AXIS);
  const summary = teacher === null ? curves : `${curves} Teacher’s NCM ${formatPercent(teacher)}.`;
  return (
    <ChartFrame
      testId="chart-ncm"
      title="Embedding · NCM validation accuracy"
      caption="Nearest-class-mean on the student’s embedding; dashed: on the teacher’s."
      points={rows.length}
      empty="No validation yet."
      summary={summary}
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
        series={NCM_SERIES}
        left={NCM_AXIS}
        boundary={boundary}
        totalSteps={totalSteps}
        referenceY={teacher}
        referenceColour={SERIES.teacher}
      />
    </ChartFrame>
  );
});
