import { memo } from 'react';
import { formatDuration, formatPercent } from '../../state/selectors';
import { useLiveRun } from '../hooks/useLiveRun';
import { selectResult } from './chartData';

/** The headline numbers of the finished run. */
export const FinalResults = memo(function FinalResults() {
  const result = useLiveRun(selectResult);
  return (
    <section className="final" aria-label="Final result">
      <div className="final__headline">
        <span className="final__label">Test accuracy</span>
        <span className="final__value" data-testid="result-test-accuracy">
          {formatPercent(result?.final.testAccuracy)}
        </span>
        <span className="final__sub">{result ? `${result.method}, checkpoint of step ${result.final.bestStep}, chosen on validation` : 'after the run finishes'}</span>
      </div>
      <dl className="final__facts">
        <div>
          <dt>Best validation</dt>
          <dd>{formatPercent(result?.final.valAccuracy)}</dd>
        </div>
        <div>
          <dt>NCM after stage 1</dt>
          <dd>{formatPercent(result?.stage1?.ncmAccuracy)}</dd>
        </div>
        <div>
          <dt>Final NCM (test)</dt>
          <dd>{formatPercent(result?.final.ncmTestAccuracy)}</dd>
        </div>
        <div>
          <dt>{result?.teacherBaselines ? 'Teacher NCM (test)' : 'Teacher NCM (validation)'}</dt>
          <dd>{formatPercent(result?.teacherBaselines?.ncmTestAccuracy ?? result?.teacherNcmValAccuracy)}</dd>
        </div>
        <div>
          <dt>Images train / val / test</dt>
          <dd>{result ? `${result.counts.train} / ${result.counts.val} / ${result.counts.test}` : '—'}</dd>
        </div>
        <div>
          <dt>Time</dt>
          <dd>{result ? `${formatDuration(result.timing.totalMs)} · ${result.timing.msPerStep.toFixed(0)} ms/step` : '—'}</dd>
        </div>
      </dl>
    </section>
  );
});
