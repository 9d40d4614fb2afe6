import { useEffect } from 'react';
import { useViewStore } from '../../state/viewStore';
import { isTypingTarget } from '../hooks/useSpaceToggle';
import { typesText } from '../shortcuts/shortcuts';
import { closeTour, tourNext, tourPrev } from './tourActions';

/**
 * While the tour is open: → and Space go on, ← goes back, Esc closes it. Listened for in the
 * capture phase and stopped there, so that Space does not also run or pause (useSpaceToggle);
 * keys keep their own meaning in a text box (and Space on a button), and the shortcuts dialog
 * keeps Esc.
 */
export function useTourKeys(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat || e.altKey || e.ctrlKey || e.metaKey || useViewStore.getState().shortcutsOpen) return;
      const space = e.code === 'Space' || e.key === ' ';
      // Space presses a focused button; arrows and Esc mean nothing on one, only in a text box.
      if (space ? isTypingTarget(e.target) : typesText(e.target)) return;
      let act: (() => void) | null = null;
      if (e.key === 'ArrowRight' || space) act = tourNext;
      else if (e.key === 'ArrowLeft') act = tourPrev;
      else if (e.key === 'Escape') act = closeTour;
      if (!act) return;
      e.preventDefault();
      e.stopPropagation();
      act();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [active]);
}
