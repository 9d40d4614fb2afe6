import { BACKEND_PREFERENCE } from '../../protocol/probe';
import { backendLabel } from '../../protocol/resume';
import { useRunStore } from '../../state/runStore';
import { switchBackend } from '../run/actions';

/**
 * Picks the backend by hand. Between runs the worker restarts there (as `backend=` in the
 * link); during a run, after a confirmation, the run continues there from its last checkpoint.
 */
export function BackendSwitch() {
  const current = useRunStore((s) => s.backend?.name);
  if (!current) return null;
  return (
    <label className="runtime__switch">
      <span className="visually-hidden">Switch the backend</span>
      <select data-testid="backend-switch" value="" onChange={(e) => e.target.value && switchBackend(e.target.value as typeof current)} title="Switch the backend (during a run, it continues from its last checkpoint)">
        <option value="">Switch to…</option>
        {BACKEND_PREFERENCE.filter((b) => b !== current).map((b) => (
          <option key={b} value={b}>
            {backendLabel(b)}
          </option>
        ))}
      </select>
    </label>
  );
}
