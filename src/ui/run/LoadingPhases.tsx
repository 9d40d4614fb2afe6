import { useRunStore, selectActiveRun } from '../../state/runStore';
import { loadingView } from '../../state/selectors';
import './loading.css';

/** What a loading run is doing: starting the backend, reading data, the teacher…, with phase progress. */
export function LoadingPhases() {
  const backendReady = useRunStore((s) => s.backend !== null);
  const loading = useRunStore((s) => selectActiveRun(s)?.loading);
  const view = loadingView(backendReady, loading);
  return (
    <div className="loading-phases" data-testid="loading-phase" data-phase={view.phase}>
      <span className="loading-phases__text">{view.text}</span>
      <span className="loading-phases__track" role="progressbar" aria-label="Loading" aria-valuemin={0} aria-valuemax={view.of} aria-valuenow={view.index}>
        <span className="loading-phases__fill" style={{ width: `${Math.round((view.index / view.of) * 100)}%` }} />
      </span>
      <span className="loading-phases__count">
        {view.index + 1} / {view.of + 1}
      </span>
    </div>
  );
}
