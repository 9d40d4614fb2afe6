import { useRef, useState } from 'react';
import { useRunStore } from '../../state/runStore';
import { exportRun, type ExportKind } from './actions';
import './export.css';

const ITEMS: { kind: ExportKind; label: string; needsResult?: boolean; needsSeveral?: boolean }[] = [
  { kind: 'csv', label: 'Metrics (CSV)' },
  { kind: 'json', label: 'Results (JSON run file)' },
  { kind: 'student', label: 'Student (model.json + weights.bin)', needsResult: true },
  { kind: 'bundle', label: 'Bundle (.refilled.json: run + student)', needsResult: true },
  { kind: 'report', label: 'Report (HTML)' },
  { kind: 'csv-all', label: 'Metrics of all runs (CSV)', needsSeveral: true },
  { kind: 'report-all', label: 'Comparison report of shown runs (HTML)', needsSeveral: true },
];

/** The Export menu of the run the charts show. */
export function RunExportMenu() {
  const runId = useRunStore((s) => s.activeRunId);
  const finished = useRunStore((s) => s.runs.find((r) => r.runId === s.activeRunId)?.result !== undefined);
  const several = useRunStore((s) => s.runs.length > 1);
  const ref = useRef<HTMLDetailsElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (runId === null) return null;
  const run = async (kind: ExportKind) => {
    setBusy(true);
    setProblem(await exportRun(kind, runId));
    setBusy(false);
    if (ref.current) ref.current.open = false;
  };
  return (
    <div className="export-run">
      <details className="export-menu" ref={ref} data-testid="run-export">
        <summary>Export run #{runId}</summary>
        <div className="export-menu__items">
          {ITEMS.filter((i) => !i.needsSeveral || several).map((i) => (
            <button key={i.kind} type="button" disabled={busy || (i.needsResult === true && !finished)} onClick={() => void run(i.kind)} data-testid={`export-${i.kind}`}>
              {i.label}
            </button>
          ))}
        </div>
      </details>
      {problem && (
        <p className="export-menu__problem" role="alert" data-testid="run-export-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
