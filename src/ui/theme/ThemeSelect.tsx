import { useConfigStore } from '../../state/configStore';
import { THEME_CHOICES, useViewStore, type ThemeChoice } from '../../state/viewStore';
import { chooseTheme } from './theme';

const NAMES: Record<ThemeChoice, string> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
  contrast: 'High contrast',
};

/** Light, dark (or as the system prefers) and a high-contrast palette for projectors. */
export function ThemeSelect() {
  const linkTheme = useConfigStore((s) => s.linkTheme);
  const choice = useViewStore((s) => s.themeChoice);
  return (
    <label className="view-control" title="Colour theme: System follows your light or dark setting; High contrast is for projectors">
      <span className="view-control__label">Theme</span>
      <select data-testid="theme-select" value={linkTheme ?? choice} onChange={(e) => chooseTheme(e.target.value as ThemeChoice)}>
        {THEME_CHOICES.map((c) => (
          <option key={c} value={c}>
            {NAMES[c]}
          </option>
        ))}
      </select>
    </label>
  );
}
