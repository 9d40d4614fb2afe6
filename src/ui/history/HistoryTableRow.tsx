import { memo, useState } from 'react';
import { useHistoryStore, type HistoryRow } from '../../state/history';
import { RenameCell } from './RenameCell';

/** One stored run: select, name (renamed in place), what it was, how it ended, open and delete. */
export const HistoryTableRow = memo(function HistoryTableRow({ row: r, selected, active, busy }: { row: HistoryRow; selected: boolean; active: boolean; busy: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const { toggleSelected, reopen, remove, rename } = useHistoryStore.getState();
  return (
    <tr
      data-testid="history-row"
      data-id={r.id}
      data-status={r.status}
      data-health={r.health}
      className={`${active ? 'is-active' : ''}${r.status === 'failed' ? ' is-failed' : ''}`}
    >
      <td>
        <input type="checkbox" checked={selected} onChange={() => toggleSelected(r.id)} aria-label={`Select ${r.name}`} data-testid="history-select" />
      </td>
      <td className="history__actions">
        <div className="history__buttons">
          <button
            type="button"
            className="button"
            data-testid="history-open"
            disabled={busy || active}
            onClick={() => void reopen(r.id)}
            title={busy ? 'A run is training: re-open after it ends.' : active ? 'The charts show this run.' : 'Show this run in the charts'}
          >
            {active ? 'Shown' : 'Open'}
          </button>
          {confirming ? (
            <>
              <button
                type="button"
                className="button button--danger"
                data-testid="history-delete-confirm"
                autoFocus
                onClick={() => {
                  setConfirming(false);
                  void remove([r.id]);
                }}
              >
                Delete
              </button>
              <button type="button" className="button" data-testid="history-delete-cancel" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="button" data-testid="history-delete" disabled={r.live} onClick={() => setConfirming(true)} aria-label={`Delete ${r.name}`} title="Delete…">
              ✕
            </button>
          )}
        </div>
      </td>
      <td className="history__when">
        <time dateTime={r.createdAt} title={r.createdAt}>
          {r.day}
          <br />
          {r.time}
        </time>
      </td>
      <td>
        <RenameCell name={r.name} onRename={(name) => void rename(r.id, name)} />
        {r.tool === 'cli' && <span className="history__tag">CLI</span>}
      </td>
      <td className="history__task">{r.task}</td>
      <td>
        {r.method}
        <br />
        <span className="history__muted">{r.preset} preset</span>
      </td>
      <td className="num">{r.shots}</td>
      <td className="num">{r.seed}</td>
      <td className="num" data-testid="history-test-accuracy">
        {r.testAccuracy}
      </td>
      <td>
        <span className={`status status--${r.status}`} data-testid="history-status" data-status={r.status}>
          {r.statusText}
        </span>
      </td>
    </tr>
  );
});
