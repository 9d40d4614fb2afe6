import type { ReactNode } from 'react';
import { formatDuration, type StageProgress } from '../../state/selectors';
import { progressView } from '../charts/chartData';
import { useLiveRun } from '../hooks/useLiveRun';

function Bar({ testId, title, stage, unusedText }: { testId: string; title: string; stage: StageProgress; unusedText: string }) {
  const percent = Math.round(stage.fraction * 100);
  return (
    <div className={`progress${stage.active ? ' progress--active' : ''}${stage.used ? '' : ' progress--unused'}`}>
      <div className="progress__label">
        <span>{title}</span>
        <span className="progress__count">{stage.used ? (stage.total > 0 ? `${stage.done} / ${stage.total}` : '—') : unusedText}</span>
      </div>
      <div
        className="progress__track"
        role="progressbar"
        aria-label={title}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid={testId}
        data-done={stage.done}
        data-total={stage.total}
      >
        <div className="progress__fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/** A progress bar per stage, and the time left (from the throttled live run). */
export function ProgressBars({ children }: { children?: ReactNode }) {
  const { progress, method } = useLiveRun(progressView);
  return (
    <div className="progress-bars">
      <Bar testId="progress-stage1" title="Stage 1 · embedding" stage={progress.stage1} unusedText={`not used by ${method}`} />
      <Bar testId="progress-stage2" title="Stage 2 · classifier" stage={progress.stage2} unusedText="" />
      <div className="progress__side">
        {children}
        <div className="progress__eta" data-testid="eta">
          {progress.etaMs !== null ? `about ${formatDuration(progress.etaMs)} left${progress.etaPaused ? ' (paused)' : ''}` : ''}
        </div>
      </div>
    </div>
  );
}
