import { useState } from 'react';
import { selectActiveRun, useRunStore } from '../../state/runStore';

/** The active run's error (or the worker's), with what to do next; the run's charts stay. */
export function ErrorBanner() {
  const runError = useRunStore((s) => selectActiveRun(s)?.error);
  const runId = useRunStore((s) => s.activeRunId);
  const engineError = useRunStore((s) => s.engineError);
  const [dismissed, setDismissed] = useState<object | null>(null);
  const shown = [runError, engineError].find((e) => e && e !== dismissed);
  if (!shown) return null;
  return (
    <div className="banner banner--error" role="alert" data-testid="error-banner">
      <div className="banner__head">
        <strong>
          {shown === runError && runId !== null ? `Run ${runId} failed` : 'The training worker reported a problem'} <code>{shown.code}</code>
        </strong>
        <button type="button" className="banner__close" onClick={() => setDismissed(shown)} aria-label="Dismiss the error">
          Dismiss
        </button>
      </div>
      <p className="banner__message" data-testid="error-message">
        {shown.message}
      </p>
      <p className="banner__hint" data-testid="error-hint">
        {shown.hint}
      </p>
      <p className="banner__note">Everything the run reported so far stays on the charts below.</p>
    </div>
  );
}
