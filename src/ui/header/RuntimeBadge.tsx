import { isHidden, useConfigStore } from '../../state/configStore';
import { useRunStore } from '../../state/runStore';
import { isLive, remeasureBackend } from '../run/actions';
import { BackendSwitch } from '../resume/BackendSwitch';

/** Which tfjs backend trains (and why), the adapter, ms per step and live tensors. */
export function RuntimeBadge() {
  const backend = useRunStore((s) => s.backend);
  const numTensors = useRunStore((s) => s.numTensors);
  const lastStepMs = useRunStore((s) => s.lastStepMs);
  const hidden = useConfigStore((s) => isHidden(s, 'runtime'));
  const busy = useRunStore((s) => s.runs.some((r) => isLive(r.status)));
  if (hidden) return null;
  // A measured choice is not a fallback, whichever backend won.
  const fellBack = backend !== null && !backend.forced && !backend.probe && backend.name !== 'webgpu';
  const probe = backend?.probe;
  return (
    <div className={`runtime${fellBack ? ' runtime--fallback' : ''}`} aria-label="Runtime">
      <span className="runtime__backend" data-testid="backend-badge" title={backend?.reason}>
        {backend ? backend.name : 'starting…'}
        {backend?.forced && <span className="runtime__tag">forced</span>}
        {probe && (
          <span className="runtime__tag" data-testid="backend-probe" data-cached={String(probe.cached)}>
            {probe.cached ? 'measured earlier' : 'measured'}
          </span>
        )}
        {backend?.threads !== undefined && (
          <span className="runtime__tag" data-testid="wasm-threads" data-threads={backend.threads}>
            {backend.threads} {backend.threads === 1 ? 'thread' : 'threads'}
          </span>
        )}
      </span>
      <BackendSwitch />
      <span className="runtime__reason" data-testid="backend-reason">
        {backend ? [backend.adapter, backend.reason].filter(Boolean).join(' · ') : 'Loading the training worker'}
      </span>
      {probe && (
        <button type="button" className="button button--secondary runtime__remeasure" data-testid="remeasure" onClick={remeasureBackend} disabled={busy} title={busy ? 'Stop the run first' : 'Time a few training steps on every backend again and use the fastest'}>
          Re-measure
        </button>
      )}
      <span className="runtime__stat">
        <span className="runtime__value" data-testid="step-ms">
          {lastStepMs === null ? '—' : lastStepMs.toFixed(lastStepMs < 10 ? 1 : 0)}
        </span>{' '}
        ms/step
      </span>
      <span className="runtime__stat">
        <span className="runtime__value" data-testid="tensor-count">
          {numTensors}
        </span>{' '}
        tensors
      </span>
    </div>
  );
}
