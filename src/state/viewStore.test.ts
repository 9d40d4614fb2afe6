import { describe, expect, it } from 'vitest';
import { parseThemeChoice, resolveTheme } from './viewStore';

describe('theme', () => {
  it('follows the system until the viewer chooses, and a link overrides both', () => {
    expect(resolveTheme(null, 'system', false)).toBe('light');
    expect(resolveTheme(null, 'system', true)).toBe('dark');
    expect(resolveTheme(null, 'light', true)).toBe('light');
    expect(resolveTheme(null, 'contrast', true)).toBe('contrast');
    expect(resolveTheme('contrast', 'dark', true)).toBe('contrast');
  });

  it('reads a stored choice, and anything unknown as system', () => {
    expect(parseThemeChoice('dark')).toBe('dark');
    expect(parseThemeChoice('contrast')).toBe('contrast');
    expect(parseThemeChoice(null)).toBe('system');
    expect(parseThemeChoice('sepia')).toBe('system');
  });
});
