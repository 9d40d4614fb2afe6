import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useRunStore, type RunState } from '../../state/runStore';
import { comparisonRunLabel } from '../../state/comparison';
import { formatDuration, formatPercent, type ComparisonRow } from '../../state/selectors';
import { createComparisonRowsSelector } from '../charts/chartData';
import { createRunLabelsSelector } from '../../state/labels';
import { METHOD_COLOURS } from '../palette';

/** Same array while no row changed: the table re-renders when a run's shown fields change, not per worker message. */
const rowsOf = createComparisonRowsSelector();
const selectRows = (s: RunState) => rowsOf(s.runs);
/** Each run named by what differs between the runs in the table (the method always). */
const labelsOf = createRunLabelsSelector();
const selectLabels = (s: RunState) => labelsOf(s.runs);

const ResultRow = memo(function ResultRow({ row: r, name, active, best }: { row: ComparisonRow; name: string; active: boolean; best: boolean }) {
  const toggleVisible = useRunStore((s) => s.toggleVisible);
  const removeRun = useRunStore((s) => s.removeRun);
  return (
    <tr data-testid="results-row" data-run-id={r.runId} data-method={r.method} data-status={r.status} data-health={r.health} className={`${active ? 'is-active' : ''}${r.status === 'failed' ? ' is-failed' : ''}`}>
      <td>
        <input type="checkbox" checked={r.visible} onChange={() => toggleVisible(r.runId)} aria-label={`Show run ${r.runId} on the chart`} data-testid="results-visible" />
      </td>
      <td>#{r.runId}</td>
      <td>
        <span className="swatch" style={{ background: METHOD_COLOURS[r.method] ?? '#777' }} aria-hidden />
        <span data-testid="results-name">{name}</span>
      </td>
      <td className="num">{formatPercent(r.ncmAfterStage1)}</td>
      <td className="num">{formatPercent(r.bestValAccuracy)}</td>
      <td className={`num${best ? ' is-best' : ''}`} data-testid="results-test-accuracy">
        {formatPercent(r.testAccuracy)}
      </td>
      <td className="num">{formatDuration(r.totalMs)}</td>
      <td>
        <span className={`status status--${r.status}`} data-testid="results-status" data-status={r.status} title={r.healthHeadline || undefined}>
          {r.statusText}
        </span>
      </td>
      <td>
        <button type="button" className="banner__x" onClick={() => removeRun(r.runId)} aria-label={`Remove run ${r.runId}`} disabled={r.status === 'running' || r.status === 'loading'}>
          ×
        </button>
      </td>
    </tr>
  );
});

/** A row per run of the session, with a show/hide toggle for the overlaid curves. */
export function ResultsTable() {
  const rows = useRunStore(selectRows);
  const labels = useRunStore(selectLabels);
  const activeRunId = useRunStore((s) => s.activeRunId);
  const pending = useRunStore(useShallow((s) => s.comparison?.pending ?? []));
  // A failed run's accuracy is never the one to highlight.
  const best = Math.max(...rows.map((r) => (r.status === 'failed' ? -1 : (r.testAccuracy ?? -1))));
  return (
    <table className="results" data-testid="results-table">
      <thead>
        <tr>
          <th scope="col">Show</th>
          <th scope="col">Run</th>
          <th scope="col">Method and settings</th>
          <th scope="col" className="num">NCM after stage 1</th>
          <th scope="col" className="num">Best validation</th>
          <th scope="col" className="num">Test accuracy</th>
          <th scope="col" className="num">Time</th>
          <th scope="col">Status</th>
          <th scope="col" aria-label="Remove" />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <ResultRow key={r.runId} row={r} name={labels.get(r.runId) ?? r.label} active={r.runId === activeRunId} best={r.status !== 'failed' && r.testAccuracy !== null && r.testAccuracy === best} />
        ))}
        {pending.map((item) => (
          <tr key={`pending-${item.method}-${item.seed}`} className="is-pending" data-testid="results-pending">
            <td />
            <td>—</td>
            <td>{comparisonRunLabel(item)}</td>
            <td colSpan={5}>queued</td>
            <td />
          </tr>
        ))}
        {rows.length === 0 && pending.length === 0 && (
          <tr>
            <td colSpan={9} className="results__empty">
              No runs yet. Run, or compare REFILLED with its baselines over several seeds.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
