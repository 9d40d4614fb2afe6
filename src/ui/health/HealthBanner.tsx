import { useMemo } from 'react';
import { selectActiveRun, useRunStore } from '../../state/runStore';
import { healthView } from '../../state/selectors';
import './health.css';

/** The active run's health: what went wrong (loss, chance, one class, NCM) and what to try. */
export function HealthBanner() {
  const runId = useRunStore((s) => s.activeRunId);
  const health = useRunStore((s) => selectActiveRun(s)?.health);
  const status = useRunStore((s) => selectActiveRun(s)?.status);
  const config = useRunStore((s) => selectActiveRun(s)?.config);
  const view = useMemo(() => (runId !== null && health && status && config ? healthView({ runId, health, status, config }) : null), [runId, health, status, config]);
  if (!view) return null;
  return (
    <div className={`banner health-banner health-banner--${view.severity}`} role="alert" data-testid="health-banner" data-severity={view.severity}>
      <strong className="health-banner__title" data-testid="health-title">
        {view.title}
      </strong>
      <ul className="health-banner__findings">
        {view.findings.map((f) => (
          <li key={f} data-testid="health-finding">
            {f}
          </li>
        ))}
      </ul>
      <p className="health-banner__advice" data-testid="health-advice">
        Try: {view.advice.join(' ')}
      </p>
    </div>
  );
}
