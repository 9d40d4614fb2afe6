import { useMemo } from 'react';
import { useConfigStore } from '../../state/configStore';
import { changedSince, createRunLabelsSelector } from '../../state/labels';
import { selectActiveRun, useRunStore, type RunState } from '../../state/runStore';
import { SavedRunNote } from '../history/SavedRunNote';
import './labels.css';

const labelsOf = createRunLabelsSelector();
const selectActiveLabel = (s: RunState): string | undefined => (s.activeRunId === null ? undefined : labelsOf(s.runs).get(s.activeRunId));

/**
 * Which run the charts below show, named by what sets it apart from the session's other runs,
 * and a note when the controls no longer match its settings.
 */
export function RunCaption() {
  const runId = useRunStore((s) => s.activeRunId);
  const label = useRunStore(selectActiveLabel);
  const runConfig = useRunStore((s) => selectActiveRun(s)?.config);
  const fromComparison = useRunStore((s) => selectActiveRun(s)?.fromComparison ?? false);
  const saved = useRunStore((s) => selectActiveRun(s)?.saved);
  const controls = useConfigStore((s) => s.config);
  const changed = useMemo(() => (runConfig ? changedSince(runConfig, controls, fromComparison) : []), [runConfig, controls, fromComparison]);
  if (runId === null || !label) return null;
  return (
    <p className="run-caption" data-testid="run-caption">
      <span data-testid="run-caption-label">
        Charts of run #{runId}: {label}
      </span>
      {saved && <SavedRunNote saved={saved} />}
      {changed.length > 0 && (
        <span className="run-caption__stale" data-testid="settings-changed" title={`Changed: ${changed.join(', ')}`}>
          Settings changed since this run ({changed.slice(0, 3).join(', ')}
          {changed.length > 3 ? `, +${changed.length - 3}` : ''}): run again to see them.
        </span>
      )}
    </p>
  );
}
