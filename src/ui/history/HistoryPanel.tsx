import { useMemo, useState } from 'react';
import { historyRows, selectActiveStoredId, selectLastFinished, selectLiveStoredIds, useHistoryStore } from '../../state/history';
import { useRunStore } from '../../state/runStore';
import { HistoryTableRow } from './HistoryTableRow';
import { StorageNotice } from './StorageNotice';
import './history.css';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Runs kept across reloads: a row per stored run (this session's appear as they stream),
 * re-open one into the charts, show several in Compare, rename, delete (with undo).
 */
export function HistoryPanel() {
  const summaries = useHistoryStore((s) => s.summaries);
  const phase = useHistoryStore((s) => s.phase);
  const expanded = useHistoryStore((s) => s.expanded);
  const setExpanded = useHistoryStore((s) => s.setExpanded);
  const selected = useHistoryStore((s) => s.selected);
  const undo = useHistoryStore((s) => s.undo);
  const last = useHistoryStore(selectLastFinished);
  const liveIds = useRunStore(selectLiveStoredIds);
  const activeId = useRunStore(selectActiveStoredId);
  const busy = liveIds !== '';
  const rows = useMemo(() => historyRows(summaries, liveIds), [summaries, liveIds]);
  const [confirmBulk, setConfirmBulk] = useState(false);
  const { reopen, showInCompare, remove, undoRemove, clearSelection } = useHistoryStore.getState();
  const deletable = selected.filter((id) => !rows.find((r) => r.id === id)?.live);

  return (
    <section className="history" aria-label="History" data-testid="history-panel">
      <div className="history__head">
        <h2 className="history__title">
          <button type="button" className="history__toggle" aria-expanded={expanded} aria-controls="history-body" onClick={() => setExpanded(!expanded)} data-testid="history-toggle">
            <span aria-hidden>{expanded ? '▾' : '▸'}</span> History
          </button>
        </h2>
        <span className="history__count" data-testid="history-count">
          {phase === 'ready' || summaries.length > 0 ? plural(summaries.length, 'saved run') : 'reading…'}
        </span>
        {last && last.id !== activeId && (
          <button type="button" className="button" data-testid="history-reopen-last" disabled={busy} onClick={() => void reopen(last.id)} title={`Re-open "${last.name}" into the charts`}>
            Re-open last run
          </button>
        )}
      </div>
      <StorageNotice />
      {expanded && (
        <div id="history-body" className="history__body">
          <div className="history__tools" role="toolbar" aria-label="Selected runs">
            <span className="history__selected" data-testid="history-selected">
              {selected.length === 0 ? 'Select runs to compare or delete them together.' : `${plural(selected.length, 'run')} selected`}
            </span>
            <button type="button" className="button" data-testid="history-compare" disabled={selected.length === 0} onClick={() => void showInCompare(selected).then(clearSelection)}>
              Show in Compare
            </button>
            {confirmBulk ? (
              <>
                <button
                  type="button"
                  className="button button--danger"
                  data-testid="history-delete-selected-confirm"
                  onClick={() => {
                    setConfirmBulk(false);
                    void remove(deletable);
                  }}
                >
                  Delete {plural(deletable.length, 'run')}
                </button>
                <button type="button" className="button" onClick={() => setConfirmBulk(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" className="button" data-testid="history-delete-selected" disabled={deletable.length === 0} onClick={() => setConfirmBulk(true)}>
                Delete selected
              </button>
            )}
          </div>
          {undo && (
            <p className="history__undo" role="status" data-testid="history-undo-bar">
              Deleted {plural(undo.runs.length, 'run')}.{' '}
              <button type="button" className="button" data-testid="history-undo" onClick={() => void undoRemove()}>
                Undo
              </button>
            </p>
          )}
          <div className="history__scroll">
            <table className="results history__table" data-testid="history-table">
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Select</span>
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                  <th scope="col">When</th>
                  <th scope="col">Name</th>
                  <th scope="col">Task</th>
                  <th scope="col">Method</th>
                  <th scope="col" className="num">
                    Shots
                  </th>
                  <th scope="col" className="num">
                    Seed
                  </th>
                  <th scope="col" className="num">
                    Test acc.
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <HistoryTableRow key={r.id} row={r} selected={selected.includes(r.id)} active={r.id === activeId} busy={busy} />
                ))}
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={10} className="results__empty">
                      {phase === 'ready' ? 'No saved runs yet. Every run is kept here as it trains, also after a reload.' : 'Reading saved runs…'}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
