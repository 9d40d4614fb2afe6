import { useState } from 'react';
import { usesStage1 } from '../../protocol/config';
import { isHidden, selectCanRun, useConfigStore } from '../../state/configStore';
import { selectActiveRun, useRunStore } from '../../state/runStore';
import { ProgressBars } from './ProgressBars';
import { isLive, pauseRun, resetRun, resumeRun, startRun, stepRun, stopRun } from './actions';

/** Run, step, pause, stop and reset; the run's status and per-stage progress. */
export function RunPanel() {
  const status = useRunStore((s) => selectActiveRun(s)?.status);
  const detail = useRunStore((s) => selectActiveRun(s)?.detail);
  const runId = useRunStore((s) => s.activeRunId);
  const activeMethod = useRunStore((s) => selectActiveRun(s)?.config.method);
  const activeStage = useRunStore((s) => selectActiveRun(s)?.progress?.stage);
  const canRun = useConfigStore(selectCanRun);
  const problems = useConfigStore((s) => s.errors.length + Object.keys(s.inputErrors).length);
  const method = useConfigStore((s) => s.config.method);
  const hideStep = useConfigStore((s) => isHidden(s, 'step'));
  const [stepText, setStepText] = useState('10');
  const stepCount = Number(stepText);
  const stepValid = Number.isInteger(stepCount) && stepCount >= 1 && stepCount <= 100000;
  const busy = status === 'running' || status === 'loading';
  const steppable = status === 'ready' || status === 'paused';
  const activeHasStage1 = activeMethod && steppable ? usesStage1(activeMethod) && activeStage !== 2 : usesStage1(method);
  return (
    <section className="run-panel" aria-label="Run">
      <div className="run-panel__row">
        <div className="button-group">
          <button type="button" className="button button--primary" data-testid="run-button" disabled={!canRun || busy} onClick={startRun} title="Train both stages (Space)">
            ▶ Run
          </button>
          <button type="button" className="button" data-testid="pause-button" disabled={status !== 'running'} onClick={pauseRun} title="Pause after the step in flight (Space)">
            ❚❚ Pause
          </button>
          <button type="button" className="button" data-testid="resume-button" disabled={!steppable} onClick={resumeRun} title="Continue to the end (Space)">
            ▶ Resume
          </button>
          <button type="button" className="button" data-testid="stop-button" disabled={!isLive(status)} onClick={stopRun} title="End the run; its charts stay">
            ■ Stop
          </button>
          <button type="button" className="button" data-testid="reset-button" disabled={runId === null} onClick={resetRun} title="Stop and free the run">
            ↺ Reset
          </button>
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
            <button type="button" className="button" data-testid="step1-button" disabled={busy || !stepValid || !activeHasStage1 || (!steppable && !canRun)} onClick={() => stepRun(1, stepCount)}>
              Stage 1 +{stepValid ? stepCount : 'N'}
            </button>
            <button type="button" className="button" data-testid="step2-button" disabled={busy || !stepValid || (!steppable && !canRun)} onClick={() => stepRun(2, stepCount)}>
              Stage 2 +{stepValid ? stepCount : 'N'}
            </button>
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
          <span className={`status status--${status ?? 'idle'}`} data-testid="run-status">
            {status ?? 'idle'}
          </span>
          <span className="run-status__run">{runId !== null ? `run #${runId}` : 'no run yet'}</span>
        </div>
        {detail && (
          <div className="run-status__detail" title={detail} data-testid="run-detail">
            {detail}
          </div>
        )}
      </ProgressBars>
    </section>
  );
}
