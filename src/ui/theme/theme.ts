/**
 * The colour theme on the page: `data-theme` on <html> (light, dark or contrast; styles/themes.css
 * holds the palettes). Read before the first render, so a dark-mode viewer sees no light flash.
 */
import { useLayoutEffect } from 'react';
import { useConfigStore } from '../../state/configStore';
import { parseThemeChoice, resolveTheme, THEME_STORAGE_KEY, useViewStore, type ThemeChoice } from '../../state/viewStore';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Storage can be off (privacy settings, a sandboxed frame): the choice then lasts the page.
    return null;
  }
}

let started = false;

/** Reads the viewer's stored choice and starts following the system's dark preference (once). */
export function initTheme(): void {
  if (started) return;
  started = true;
  const view = useViewStore.getState();
  view.setThemeChoice(parseThemeChoice(storage()?.getItem(THEME_STORAGE_KEY)));
  const query = window.matchMedia?.(DARK_QUERY);
  if (!query) return;
  view.setSystemDark(query.matches);
  query.addEventListener('change', (e) => useViewStore.getState().setSystemDark(e.matches));
}

/** The viewer picks a theme: kept in localStorage; a link that named a theme now names this one. */
export function chooseTheme(choice: ThemeChoice): void {
  useViewStore.getState().setThemeChoice(choice);
  const store = storage();
  if (store) {
    if (choice === 'system') store.removeItem(THEME_STORAGE_KEY);
    else store.setItem(THEME_STORAGE_KEY, choice);
  }
  const config = useConfigStore.getState();
  if (config.linkTheme !== null) config.setLinkTheme(choice === 'system' ? null : choice);
}

/** Keeps `data-theme` and `color-scheme` of <html> on the theme in force. */
export function useThemeOnDocument(): void {
  const linkTheme = useConfigStore((s) => s.linkTheme);
  const choice = useViewStore((s) => s.themeChoice);
  const systemDark = useViewStore((s) => s.systemDark);
  const theme = resolveTheme(linkTheme, choice, systemDark);
  useLayoutEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.style.colorScheme = theme === 'dark' ? 'dark' : 'light';
  }, [theme]);
}

/** The theme in force (for drawings that need resolved colours, such as canvases). */
export function useTheme() {
  const linkTheme = useConfigStore((s) => s.linkTheme);
  const choice = useViewStore((s) => s.themeChoice);
  const systemDark = useViewStore((s) => s.systemDark);
  return resolveTheme(linkTheme, choice, systemDark);
}
