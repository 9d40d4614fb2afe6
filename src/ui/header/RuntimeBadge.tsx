import { isHidden, useConfigStore } from '../../state/configStore';
import { useRunStore } from '../../state/runStore';

/** Which tfjs backend trains (and why), the adapter, ms per step and live tensors. */
export function RuntimeBadge() {
  const backend = useRunStore((s) => s.backend);
  const numTensors = useRunStore((s) => s.numTensors);
  const lastStepMs = useRunStore((s) => s.lastStepMs);
  const hidden = useConfigStore((s) => isHidden(s, 'runtime'));
  if (hidden) return null;
  const fellBack = backend !== null && !backend.forced && backend.name !== 'webgpu';
  return (
    <div className={`runtime${fellBack ? ' runtime--fallback' : ''}`} aria-label="Runtime">
      <span className="runtime__backend" data-testid="backend-badge" title={backend?.reason}>
        {backend ? backend.name : 'starting…'}
        {backend?.forced && <span className="runtime__tag">forced</span>}
      </span>
      <span className="runtime__reason" data-testid="backend-reason">
        {backend ? [backend.adapter, backend.reason].filter(Boolean).join(' · ') : 'Loading the training worker'}
      </span>
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
