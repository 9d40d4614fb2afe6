import { useState } from 'react';

/**
 * A run's name, renamed in place: the Rename button (or a double click) turns it into a field;
 * Enter or leaving the field keeps the new name, Escape keeps the old one.
 */
export function RenameCell({ name, onRename }: { name: string; onRename(name: string): void }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <span className="history__name">
        <span data-testid="history-name" onDoubleClick={() => setDraft(name)}>
          {name}
        </span>
        <button type="button" className="history__rename" data-testid="history-rename" onClick={() => setDraft(name)} aria-label={`Rename ${name}`} title="Rename">
          ✎
        </button>
      </span>
    );
  }
  const commit = () => {
    const next = draft.trim();
    setDraft(null);
    if (next !== '' && next !== name) onRename(next);
  };
  return (
    <input
      className="history__name-input"
      data-testid="history-name-input"
      aria-label="Run name"
      value={draft}
      autoFocus
      maxLength={120}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        else if (e.key === 'Escape') setDraft(null);
        e.stopPropagation();
      }}
    />
  );
}
