import { COMPARE_SEEDS } from '../../protocol/url';
import { comparisonSeeds } from '../../state/comparison';
import { isHidden, selectCanRun, useConfigStore } from '../../state/configStore';
import { useRunStore } from '../../state/runStore';
import { compareMethods } from '../run/actions';
import { CompareChart, CompareLossChart } from './CompareChart';
import { ComparisonSummary } from './ComparisonSummary';
import { ResultsTable } from './ResultsTable';

const SEED_CHOICES = Array.from({ length: COMPARE_SEEDS.max - COMPARE_SEEDS.min + 1 }, (_, i) => COMPARE_SEEDS.min + i);

/** Runs vanilla, stage-1-only and REFILLED over several seeds and puts them side by side (the chart elsewhere when `withChart` is false). */
export function ComparePanel({ withChart = true }: { withChart?: boolean }) {
  const hidden = useConfigStore((s) => isHidden(s, 'compare'));
  const canRun = useConfigStore(selectCanRun);
  const seeds = useConfigStore((s) => s.compareSeeds);
  const firstSeed = useConfigStore((s) => s.config.seed);
  const setSeeds = useConfigStore((s) => s.setCompareSeeds);
  const comparing = useRunStore((s) => (s.comparison?.pending.length ?? 0) > 0);
  const busy = useRunStore((s) => s.runs.some((r) => r.status === 'running' || r.status === 'loading'));
  const clearRuns = useRunStore((s) => s.clearRuns);
  const hasRuns = useRunStore((s) => s.runs.length > 0);
  if (hidden) return null;
  const seedList = comparisonSeeds(firstSeed, seeds);
  return (
    <section className="compare" aria-label="Compare" data-tour="compare">
      <div className="compare__head">
        <div>
          <h2>Compare</h2>
          <p className="compare__line">
            Vanilla student, stage 1 + fine-tune, and REFILLED on {seedList.length === 1 ? `seed ${seedList[0]}` : `seeds ${seedList[0]}–${seedList[seedList.length - 1]}`}: each seed is its own split
            and initial weights, shared by the three methods.
          </p>
        </div>
        <div className="button-group">
          <label className="compare__seeds">
            Seeds
            <select data-testid="compare-seeds" value={seeds} disabled={busy || comparing} onChange={(e) => setSeeds(Number(e.target.value))}>
              {SEED_CHOICES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button button--primary" data-testid="compare-button" disabled={!canRun || busy || comparing} onClick={compareMethods}>
            Compare methods
          </button>
          <button type="button" className="button" data-testid="clear-runs-button" disabled={!hasRuns || busy} onClick={clearRuns}>
            Clear runs
          </button>
        </div>
      </div>
      <div className="compare__body">
        <ComparisonSummary />
        <ResultsTable />
        {withChart && (
          <>
            <CompareChart />
            <CompareLossChart />
          </>
        )}
      </div>
    </section>
  );
}
