import { isHidden, selectCanRun, useConfigStore } from '../../state/configStore';
import { useRunStore } from '../../state/runStore';
import { compareMethods } from '../run/actions';
import { CompareChart } from './CompareChart';
import { ResultsTable } from './ResultsTable';

/** Runs vanilla, stage-1-only and REFILLED on the same split and puts them side by side (the chart elsewhere when `withChart` is false). */
export function ComparePanel({ withChart = true }: { withChart?: boolean }) {
  const hidden = useConfigStore((s) => isHidden(s, 'compare'));
  const canRun = useConfigStore(selectCanRun);
  const comparing = useRunStore((s) => (s.comparison?.pending.length ?? 0) > 0);
  const busy = useRunStore((s) => s.runs.some((r) => r.status === 'running' || r.status === 'loading'));
  const clearRuns = useRunStore((s) => s.clearRuns);
  const hasRuns = useRunStore((s) => s.runs.length > 0);
  if (hidden) return null;
  return (
    <section className="compare" aria-label="Compare">
      <div className="compare__head">
        <div>
          <h2>Compare</h2>
          <p className="compare__line">Vanilla student, stage 1 + fine-tune, and REFILLED, one after another on the same split and seed.</p>
        </div>
        <div className="button-group">
          <button type="button" className="button button--primary" data-testid="compare-button" disabled={!canRun || busy || comparing} onClick={compareMethods}>
            Compare methods
          </button>
          <button type="button" className="button" data-testid="clear-runs-button" disabled={!hasRuns || busy} onClick={clearRuns}>
            Clear runs
          </button>
        </div>
      </div>
      <div className="compare__body">
        <ResultsTable />
        {withChart && <CompareChart />}
      </div>
    </section>
  );
}
