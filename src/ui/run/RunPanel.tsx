import { useState } from 'react';
import { controlDecision, validStepCount } from '../../bridge/controls';
import { isHidden, selectCanRun, useConfigStore } from '../../state/configStore';
import type { ControlAction } from '../../state/controls/runControls';
import { selectActiveRun, useRunStore } from '../../state/runStore';
import { runStatusText } from '../../state/selectors';
import { LoadingPhases } from './LoadingPhases';
import { ProgressBars } from './ProgressBars';
import { pressControl } from './actions';

/** One run button, drawn from the run-controls table: enabled, label note and tooltip. */
function ControlButton({ action, steps, testId, primary, children }: { action: ControlAction; steps?: number; testId: string; primary?: boolean; children: string }) {
  const d = controlDecision(action, steps ?? 0);
  return (
    <button
      type="button"
      className={`button${primary ? ' button--primary' : ''}`}
      data-testid={testId}
      data-effect={d.effect}
      disabled={!d.enabled}
      onClick={() => pressControl(action, steps)}
      title={d.hint}
    >
      {children}
      {d.note ? ` · ${d.note}` : ''}
    </button>
  );
}

/** Run, step, pause, stop and reset; the run's status and per-stage progress. */
export function RunPanel() {
  // Everything the table's guards read, so that the buttons redraw when it changes.
  const status = useRunStore((s) => selectActiveRun(s)?.status);
  const statusText = useRunStore((s) => runStatusText(selectActiveRun(s)));
  const detail = useRunStore((s) => selectActiveRun(s)?.detail);
  const runId = useRunStore((s) => s.activeRunId);
  useRunStore((s) => selectActiveRun(s)?.config.method);
  useRunStore((s) => selectActiveRun(s)?.progress?.stage);
  useConfigStore((s) => s.config.method);
  const canRun = useConfigStore(selectCanRun);
  const problems = useConfigStore((s) => s.errors.length + Object.keys(s.inputErrors).length);
  const hideStep = useConfigStore((s) => isHidden(s, 'step'));
  const [stepText, setStepText] = useState('10');
  const stepCount = Number(stepText);
  const stepValid = validStepCount(stepCount);
  return (
    <section className="run-panel" aria-label="Run" data-tour="run">
      <div className="run-panel__row">
        <div className="button-group">
          <ControlButton action="run" testId="run-button" primary>
            ▶ Run
          </ControlButton>
          <ControlButton action="pause" testId="pause-button">
            ❚❚ Pause
          </ControlButton>
          <ControlButton action="resume" testId="resume-button">
            ▶ Resume
          </ControlButton>
          <ControlButton action="stop" testId="stop-button">
            ■ Stop
          </ControlButton>
          <ControlButton action="reset" testId="reset-button">
            ↺ Reset
          </ControlButton>
        </div>
        {!hideStep && (
          <div className="button-group step-group">
            <label htmlFor="step-count" className="step-group__label">
              Step by
            </label>
            <input
              id="step-count"
              className={`step-group__input${stepValid ? '' : ' is-invalid'}`}
              data-testid="step-count-input"
              type="text"
              inputMode="numeric"
              value={stepText}
              aria-invalid={!stepValid}
              onChange={(e) => setStepText(e.target.value)}
            />
            <ControlButton action="step1" steps={stepCount} testId="step1-button">
              {`Stage 1 +${stepValid ? stepCount : 'N'}`}
            </ControlButton>
            <ControlButton action="step2" steps={stepCount} testId="step2-button">
              {`Stage 2 +${stepValid ? stepCount : 'N'}`}
            </ControlButton>
          </div>
        )}
      </div>
      {!canRun && (
        <p className="run-panel__blocked" role="status" data-testid="run-blocked">
          Fix {problems === 1 ? 'the highlighted setting' : `the ${problems} highlighted settings`} to run.
        </p>
      )}
      <ProgressBars>
        <div className="run-status">
          <span className={`status status--${status ?? 'idle'}`} data-testid="run-status" data-status={status ?? 'idle'}>
            {statusText}
          </span>
          <span className="run-status__run">{runId !== null ? `run #${runId}` : 'no run yet'}</span>
        </div>
        {status === 'loading' ? (
          <LoadingPhases />
        ) : (
          detail && (
            <div className="run-status__detail" title={detail} data-testid="run-detail">
              {detail}
            </div>
          )
        )}
      </ProgressBars>
    </section>
  );
}
