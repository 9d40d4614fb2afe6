import { Fragment, useEffect, useRef } from 'react';
import { useViewStore } from '../../state/viewStore';
import { SHORTCUTS, typesText } from './shortcuts';

/** `?` anywhere but in a text box opens the shortcuts dialog. */
export function useHelpKey(): void {
  const setOpen = useViewStore((s) => s.setShortcutsOpen);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey || typesText(e.target)) return;
      e.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setOpen]);
}

/** The button beside the title bar's controls that opens the dialog. */
export function ShortcutsButton() {
  const setOpen = useViewStore((s) => s.setShortcutsOpen);
  return (
    <button type="button" className="button view-button" data-testid="shortcuts-button" onClick={() => setOpen(true)} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
      ?
    </button>
  );
}

/** A modal list of the shortcuts (a native <dialog>: Esc closes it, focus stays inside). */
export function ShortcutsDialog() {
  const open = useViewStore((s) => s.shortcutsOpen);
  const setOpen = useViewStore((s) => s.setShortcutsOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="shortcuts" data-testid="shortcuts-dialog" aria-labelledby="shortcuts-title" onClose={() => setOpen(false)}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl className="shortcuts__list">
        {SHORTCUTS.map((s) => (
          <div key={s.does} className="shortcuts__row">
            <dt>
              {s.keys.map((k, i) => (
                <Fragment key={i}>
                  {i > 0 && (s.keys[i - 1] === 'Shift' ? ' + ' : ', ')}
                  <kbd>{k}</kbd>
                </Fragment>
              ))}
            </dt>
            <dd>{s.does}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit" className="button button--primary" data-testid="shortcuts-close" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}
