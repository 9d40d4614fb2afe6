/**
 * The configuration in a URL hash: `#v=1&dataset=fashion-mnist&studentClasses=5-9&…`.
 * Every field is written (so a link means the same thing even if defaults change), enums by
 * name, class lists as ranges. Reading is lenient: a field that is malformed or out of range
 * falls back to its default and produces a notice naming it; nothing throws.
 */
import { CONFIG_VERSION, DEFAULT_CONFIG, FIELDS, applyPreset, fieldSubject, formatClassList, getField, parseFieldText, setField, validateConfig, type ExperimentConfig, type Preset, PRESETS } from './config';
import { teacherInfo } from './catalog';

/** Parameters of a link that are not part of the configuration. */
export interface UrlExtras {
  /** Start the run as soon as the page opens (for a lecture slide). */
  autorun: boolean;
  /** `tour=1`: start the guided tour (lecture mode) as soon as the page opens. A view flag, not configuration. */
  tour?: boolean;
  /** Force a tfjs backend. */
  backend: 'webgpu' | 'webgl' | 'cpu' | 'wasm' | null;
  /** Controls hidden with `<control>_hide=1`. */
  hidden: string[];
  /** Seeds a comparison runs each method on (`compareSeeds=`, COMPARE_SEEDS.min…max). */
  compareSeeds: number;
  /** `layout=present`: the projector view (large type, the headline numbers first, no sidebar). */
  layout?: PageLayout;
  /** `theme=light|dark|contrast`: the colour theme for whoever opens the link (else their own choice). */
  theme?: ThemeName;
}

/** How many seeds *Compare* runs each method on: the default and the allowed range. */
export const COMPARE_SEEDS = { default: 3, min: 1, max: 10 } as const;

export const LAYOUTS = ['default', 'present'] as const;
export type PageLayout = (typeof LAYOUTS)[number];
export const THEMES = ['light', 'dark', 'contrast'] as const;
export type ThemeName = (typeof THEMES)[number];

export interface DecodedUrl {
  config: ExperimentConfig;
  extras: UrlExtras;
  /** One readable sentence per field that was ignored or reset. */
  notices: string[];
}

const BACKENDS = ['webgpu', 'webgl', 'cpu', 'wasm'] as const;

function fieldText(config: ExperimentConfig, key: string): string {
  const value = getField(config, key);
  if (Array.isArray(value)) return formatClassList(value);
  return String(value);
}

/** Encodes a configuration (and extras) as a hash string without the leading '#'. */
export function encodeConfigHash(config: ExperimentConfig, extras: Partial<UrlExtras> = {}): string {
  const params = new URLSearchParams();
  params.set('v', String(CONFIG_VERSION));
  for (const spec of FIELDS) params.set(spec.key, fieldText(config, spec.key));
  if (extras.autorun) params.set('autorun', '1');
  if (extras.tour) params.set('tour', '1');
  if (extras.backend) params.set('backend', extras.backend);
  for (const control of extras.hidden ?? []) params.set(`${control}_hide`, '1');
  // Written only when not the default, like the other extras.
  if (extras.compareSeeds !== undefined && extras.compareSeeds !== COMPARE_SEEDS.default) params.set('compareSeeds', String(extras.compareSeeds));
  if (extras.layout && extras.layout !== 'default') params.set('layout', extras.layout);
  if (extras.theme) params.set('theme', extras.theme);
  // URLSearchParams escapes ',' as %2C; class lists stay readable with it unescaped.
  return params.toString().replace(/%2C/g, ',');
}

/** Decodes a hash (with or without '#', or a whole URL); never throws. */
export function decodeConfigHash(input: string): DecodedUrl {
  const hashStart = input.indexOf('#');
  const text = hashStart >= 0 ? input.slice(hashStart + 1) : input.includes('?') && !input.includes('=') ? '' : input;
  const params = new URLSearchParams(text);
  const notices: string[] = [];
  const extras: UrlExtras = { autorun: false, backend: null, hidden: [], compareSeeds: COMPARE_SEEDS.default };
  let config = structuredClone(DEFAULT_CONFIG);

  const version = params.get('v');
  if (version !== null && version !== String(CONFIG_VERSION)) {
    notices.push(`This link is for configuration version ${version}; this app reads version ${CONFIG_VERSION}, so it may not reproduce exactly.`);
  }
  // A preset first, so that the link's own values override what it fills in.
  const preset = params.get('preset');
  if (preset !== null && (PRESETS as readonly string[]).includes(preset)) config = applyPreset(config, preset as Preset);

  for (const [key, raw] of params) {
    if (key === 'v' || key === 'preset') continue;
    if (key === 'autorun') {
      extras.autorun = raw === '1' || raw === 'true';
      continue;
    }
    if (key === 'tour') {
      if (raw === '1' || raw === 'true') extras.tour = true;
      else if (raw !== '0' && raw !== 'false') notices.push(`tour "${raw}" is not 1 or 0; the tour does not start by itself.`);
      continue;
    }
    if (key === 'backend') {
      if ((BACKENDS as readonly string[]).includes(raw)) extras.backend = raw as UrlExtras['backend'];
      else notices.push(`backend "${raw}" is not one of ${BACKENDS.join(', ')}; the best available backend is used.`);
      continue;
    }
    if (key === 'compareSeeds') {
      const n = Number(raw);
      if (raw.trim() !== '' && Number.isInteger(n) && n >= COMPARE_SEEDS.min && n <= COMPARE_SEEDS.max) extras.compareSeeds = n;
      else notices.push(`compareSeeds "${raw}" is not a whole number from ${COMPARE_SEEDS.min} to ${COMPARE_SEEDS.max}; Compare uses ${COMPARE_SEEDS.default} seeds.`);
      continue;
    }
    if (key === 'layout') {
      if ((LAYOUTS as readonly string[]).includes(raw)) {
        if (raw !== 'default') extras.layout = raw as PageLayout;
      } else notices.push(`layout "${raw}" is not one of ${LAYOUTS.join(', ')}; the default layout is used.`);
      continue;
    }
    if (key === 'theme') {
      if ((THEMES as readonly string[]).includes(raw)) extras.theme = raw as ThemeName;
      else notices.push(`theme "${raw}" is not one of ${THEMES.join(', ')}; your own theme is used.`);
      continue;
    }
    if (key.endsWith('_hide')) {
      if (raw === '1' || raw === 'true') extras.hidden.push(key.slice(0, -'_hide'.length));
      continue;
    }
    const spec = FIELDS.find((f) => f.key === key);
    if (!spec) {
      notices.push(`Unknown setting "${key}" was ignored.`);
      continue;
    }
    try {
      config = setField(config, key, parseFieldText(spec, raw));
    } catch (e) {
      notices.push(`${fieldSubject(spec)} ${(e as Error).message}; using the default ${fieldText(DEFAULT_CONFIG, key)}.`);
    }
  }
  if (preset !== null && !(PRESETS as readonly string[]).includes(preset)) {
    notices.push(`Preset "${preset}" is not one of ${PRESETS.join(', ')}; using ${DEFAULT_CONFIG.preset}.`);
  } else if (preset !== null) {
    config = setField(config, 'preset', preset);
  }
  if (params.get('teacher') !== null && params.get('teacherClasses') === null) {
    const teacher = teacherInfo(config.teacher);
    if (teacher) config = setField(config, 'teacherClasses', teacher.classes);
  }
  return { config: repair(config, notices), extras, notices };
}

/** Resets every field the validator rejects to its default, with a notice, until valid. */
function repair(config: ExperimentConfig, notices: string[]): ExperimentConfig {
  let current = config;
  for (let round = 0; round < 5; round++) {
    const errors = validateConfig(current);
    if (errors.length === 0) return current;
    for (const error of errors) {
      const key = FIELDS.some((f) => f.key === error.key) ? error.key : null;
      if (key === null) continue;
      notices.push(`${error.problem ?? error.message}; using the default ${fieldText(DEFAULT_CONFIG, key)}.`);
      current = setField(current, key, structuredClone(getField(DEFAULT_CONFIG, key)));
      if (key === 'teacher' || key === 'dataset') {
        current = setField(setField(current, 'dataset', DEFAULT_CONFIG.dataset), 'teacher', DEFAULT_CONFIG.teacher);
        current = setField(current, 'teacherClasses', [...DEFAULT_CONFIG.teacherClasses]);
      }
    }
  }
  notices.push('The link could not be repaired; using the default configuration.');
  return structuredClone(DEFAULT_CONFIG);
}
