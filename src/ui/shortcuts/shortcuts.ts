/** The page's keyboard shortcuts, as the dialog lists them (the handlers live in the hooks). */
export interface Shortcut {
  /** Key names as printed on the keys. */
  keys: readonly string[];
  does: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['Space'], does: 'Run, pause or resume (not while typing in a box or on a button)' },
  { keys: ['?'], does: 'Show this list of shortcuts' },
  { keys: ['Esc'], does: 'Close this list' },
  { keys: ['Tab', 'Shift', 'Tab'], does: 'Move between controls; Enter or Space presses the focused button' },
  { keys: ['→', 'Space'], does: 'In the tour: the next step (Space does not run or pause while the tour is open)' },
  { keys: ['←'], does: 'In the tour: the previous step' },
  { keys: ['Esc'], does: 'In the tour: end it' },
];

/** Whether a key press belongs to a control where typing `?` means the character. */
export function typesText(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
