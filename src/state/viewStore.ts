/**
 * How the page looks to this viewer, outside the link: the colour theme they chose (kept in
 * localStorage by the UI), the system's dark preference, and whether the shortcuts dialog is
 * open. The link's own `theme=` lives in the config store (it travels with the link).
 */
import { create } from 'zustand';
import { THEMES, type ThemeName } from '../protocol/url';

/** What the viewer picked: a theme, or `system` (light or dark as the operating system prefers). */
export type ThemeChoice = 'system' | ThemeName;
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', ...THEMES];
/** The localStorage key of the viewer's choice. */
export const THEME_STORAGE_KEY = 'refilled.theme';

export interface ViewState {
  themeChoice: ThemeChoice;
  /** `prefers-color-scheme: dark` of the system, as last seen. */
  systemDark: boolean;
  shortcutsOpen: boolean;
  setThemeChoice(choice: ThemeChoice): void;
  setSystemDark(dark: boolean): void;
  setShortcutsOpen(open: boolean): void;
}

export const useViewStore = create<ViewState>()((set) => ({
  themeChoice: 'system',
  systemDark: false,
  shortcutsOpen: false,
  setThemeChoice: (themeChoice) => set({ themeChoice }),
  setSystemDark: (systemDark) => set({ systemDark }),
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
}));

/** A stored choice, or `system` for anything else (nothing stored, an old or foreign value). */
export function parseThemeChoice(stored: string | null | undefined): ThemeChoice {
  return (THEME_CHOICES as readonly string[]).includes(stored ?? '') ? (stored as ThemeChoice) : 'system';
}

/** The theme the page shows: the link's, else the viewer's choice, else the system's preference. */
export function resolveTheme(linkTheme: ThemeName | null, choice: ThemeChoice, systemDark: boolean): ThemeName {
  if (linkTheme) return linkTheme;
  if (choice !== 'system') return choice;
  return systemDark ? 'dark' : 'light';
}
