import type { SavedRunInfo } from '../../state/history/runFileOf';

const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Part of the run caption: the charts show a run re-opened from the history, not one of this session. */
export function SavedRunNote({ saved }: { saved: SavedRunInfo }) {
  const ms = Date.parse(saved.createdAt);
  return (
    <span className="run-caption__saved" data-testid="saved-run-caption">
      saved run “{saved.name}”{Number.isFinite(ms) ? ` of ${WHEN.format(ms)}` : ''}
      {saved.cutShort ? ', cut short when its page closed' : ''}
    </span>
  );
}
