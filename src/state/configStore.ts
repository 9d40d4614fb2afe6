/**
 * The config store: the experiment configuration being edited, its validation errors, and the
 * link's extras (autorun, forced backend, hidden controls). The whole of it lives in the URL
 * hash: `bindUrlSync` writes every change with `history.replaceState` and re-reads the hash on
 * `hashchange`, so a copied link reproduces the page.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import { DATASETS, TEACHERS, teacherInfo, type DatasetId } from '../protocol/catalog';
import {
  DEFAULT_CONFIG,
  PRESET_VALUES,
  applyPreset as applyPresetValues,
  detectPreset,
  fieldSpec,
  shotsLimit,
  setField as setConfigField,
  usesStage1,
  validateConfig,
  type ExperimentConfig,
  type FieldError,
  type Method,
  type Preset,
} from '../protocol/config';
import { COMPARE_SEEDS, decodeConfigHash, encodeConfigHash, type PageLayout, type ThemeName, type UrlExtras } from '../protocol/url';

export interface ConfigState {
  config: ExperimentConfig;
  /** validateConfig(config), kept in step with every change. */
  errors: FieldError[];
  /** Text typed into a control that is not a value yet (e.g. "0.", "abc"), per field key. */
  inputErrors: Record<string, string>;
  /** What the link got wrong, one sentence per field (shown until dismissed). */
  notices: string[];
  /** Controls and panels hidden by `<control>_hide=1`. */
  hidden: string[];
  autorun: boolean;
  /** `tour=1`: the link starts the guided tour (a view flag; the tour's own state is in state/tour). */
  tour: boolean;
  backend: UrlExtras['backend'];
  /** Seeds *Compare* runs each method on (`compareSeeds=`). */
  compareSeeds: number;
  /** `layout=present`: the projector view. */
  layout: PageLayout;
  /** The link's theme (`theme=`), or null: the viewer's own choice applies. */
  linkTheme: ThemeName | null;

  setField(key: string, value: unknown): void;
  applyPreset(preset: Preset): void;
  setDataset(dataset: DatasetId): void;
  setTeacher(teacherId: string): void;
  toggleStudentClass(datasetClass: number): void;
  setStudentClasses(classes: number[]): void;
  setInputError(key: string, message: string | null): void;
  dismissNotice(index: number): void;
  dismissNotices(): void;
  setAutorun(autorun: boolean): void;
  /** The link's forced backend (`backend=`); null: the best available. */
  setBackend(backend: UrlExtras['backend']): void;
  /** Clamped to COMPARE_SEEDS.min…max and rounded. */
  setCompareSeeds(seeds: number): void;
  setLayout(layout: PageLayout): void;
  setLinkTheme(theme: ThemeName | null): void;
  /** Replaces everything with what a hash says (the link's notices replace the old ones). */
  loadHash(hash: string): void;
  resetConfig(): void;
}

/** Keys that some preset fixes: editing one re-detects the preset (usually → custom). */
export const PRESET_KEYS: ReadonlySet<string> = new Set(Object.values(PRESET_VALUES).flatMap((values) => Object.keys(values)));

const sortedUnique = (classes: readonly number[]): number[] => [...new Set(classes)].sort((a, b) => a - b);

function withConfig(config: ExperimentConfig): Pick<ConfigState, 'config' | 'errors'> {
  return { config, errors: validateConfig(config) };
}

export function createConfigStore(): UseBoundStore<StoreApi<ConfigState>> {
  return create<ConfigState>()((set, get) => ({
    ...withConfig(structuredClone(DEFAULT_CONFIG)),
    inputErrors: {},
    notices: [],
    hidden: [],
    autorun: false,
    tour: false,
    backend: null,
    compareSeeds: COMPARE_SEEDS.default,
    layout: 'default',
    linkTheme: null,

    setField: (key, value) => {
      if (key === 'preset') return get().applyPreset(value as Preset);
      if (key === 'dataset') return get().setDataset(value as DatasetId);
      if (key === 'teacher') return get().setTeacher(value as string);
      let next = setConfigField(get().config, key, value);
      if (PRESET_KEYS.has(key)) next = setConfigField(next, 'preset', detectPreset(next));
      const { [key]: _typed, ...inputErrors } = get().inputErrors;
      set({ ...withConfig(next), inputErrors });
    },

    applyPreset: (preset) => {
      // A preset overwrites its fields, so half-typed text in them is gone too.
      const inputErrors = Object.fromEntries(Object.entries(get().inputErrors).filter(([key]) => !PRESET_KEYS.has(key)));
      set({ ...withConfig(applyPresetValues(get().config, preset)), inputErrors });
    },

    setDataset: (dataset) => {
      const { config } = get();
      if (config.dataset === dataset) return;
      const teacher = TEACHERS.find((t) => t.dataset === dataset);
      const numClasses = DATASETS[dataset].classNames.length;
      let next = setConfigField(config, 'dataset', dataset);
      if (teacher) next = setConfigField(setConfigField(next, 'teacher', teacher.id), 'teacherClasses', [...teacher.classes]);
      next = setConfigField(next, 'studentClasses', config.studentClasses.filter((c) => c < numClasses));
      set(withConfig(next));
    },

    setTeacher: (teacherId) => {
      const teacher = teacherInfo(teacherId);
      let next = setConfigField(get().config, 'teacher', teacherId);
      if (teacher) {
        next = setConfigField(next, 'dataset', teacher.dataset);
        next = setConfigField(next, 'teacherClasses', [...teacher.classes]);
      }
      set(withConfig(next));
    },

    toggleStudentClass: (datasetClass) => {
      const current = get().config.studentClasses;
      const next = current.includes(datasetClass) ? current.filter((c) => c !== datasetClass) : [...current, datasetClass];
      get().setStudentClasses(next);
    },

    setStudentClasses: (classes) => set(withConfig(setConfigField(get().config, 'studentClasses', sortedUnique(classes)))),

    setInputError: (key, message) => {
      const current = get().inputErrors;
      if ((current[key] ?? null) === message) return;
      const next = { ...current };
      if (message === null) delete next[key];
      else next[key] = message;
      set({ inputErrors: next });
    },

    dismissNotice: (index) => set((s) => ({ notices: s.notices.filter((_, i) => i !== index) })),
    dismissNotices: () => set({ notices: [] }),
    setAutorun: (autorun) => set({ autorun }),
    setBackend: (backend) => set({ backend }),
    setCompareSeeds: (seeds) => {
      const n = Number.isFinite(seeds) ? Math.round(seeds) : COMPARE_SEEDS.default;
      set({ compareSeeds: Math.min(COMPARE_SEEDS.max, Math.max(COMPARE_SEEDS.min, n)) });
    },
    setLayout: (layout) => set({ layout }),
    setLinkTheme: (linkTheme) => set({ linkTheme }),

    loadHash: (hash) => {
      const decoded = decodeConfigHash(hash.startsWith('#') ? hash : `#${hash}`);
      set({
        ...withConfig(decoded.config),
        inputErrors: {},
        notices: decoded.notices,
        hidden: decoded.extras.hidden,
        autorun: decoded.extras.autorun,
        tour: decoded.extras.tour ?? false,
        backend: decoded.extras.backend,
        compareSeeds: decoded.extras.compareSeeds,
        layout: decoded.extras.layout ?? 'default',
        linkTheme: decoded.extras.theme ?? null,
      });
    },

    resetConfig: () => set({ ...withConfig(structuredClone(DEFAULT_CONFIG)), inputErrors: {} }),
  }));
}

export const useConfigStore = createConfigStore();

// ---------------------------------------------------------------------------------------------
// Selectors (one value each, so components re-render only when theirs changes).

/** The hash (without '#') that describes the store: the config plus the link's extras. */
export function hashOf(s: Pick<ConfigState, 'config' | 'autorun' | 'backend' | 'hidden'> & Partial<Pick<ConfigState, 'compareSeeds' | 'layout' | 'linkTheme' | 'tour'>>): string {
  return encodeConfigHash(s.config, { autorun: s.autorun, tour: s.tour, backend: s.backend, hidden: s.hidden, compareSeeds: s.compareSeeds, layout: s.layout, theme: s.linkTheme ?? undefined });
}

/** The first validation (or input) error of a field, or undefined. */
export function fieldError(s: Pick<ConfigState, 'errors' | 'inputErrors'>, key: string): string | undefined {
  const error = s.errors.find((e) => e.key === key);
  return s.inputErrors[key] ?? error?.text ?? error?.message;
}

/** A field's one-line help; for shots per class, with the limit the data set gives (known before a run). */
export function fieldHelp(s: Pick<ConfigState, 'config'>, key: string): string {
  const spec = fieldSpec(key);
  if (!spec) return '';
  if (key !== 'shotsPerClass') return spec.help;
  const limit = shotsLimit(s.config);
  return `${spec.help} Here 1 to ${limit.max}, or all: ${limit.pool} images per class, ${limit.validation} held out for validation.`;
}

/** Whether the config can be run: no validation errors and no half-typed values. */
export const selectCanRun = (s: ConfigState): boolean => s.errors.length === 0 && Object.keys(s.inputErrors).length === 0;

/** Whether a control or panel was hidden by the link. */
export const isHidden = (s: Pick<ConfigState, 'hidden'>, control: string): boolean => s.hidden.includes(control);

/** The panels of the configuration sidebar (`<panel>_hide=1`): with all three hidden, the sidebar goes. */
export const SIDEBAR_PANELS = ['task', 'student', 'advanced'] as const;

/** Whether the sidebar is shown: some panel of it is not hidden, and the page is not in the projector view. */
export const selectSidebarShown = (s: Pick<ConfigState, 'hidden' | 'layout'>): boolean => s.layout !== 'present' && SIDEBAR_PANELS.some((panel) => !s.hidden.includes(panel));

const REFILLED_STAGE1 = new Set(['stage1.mining', 'stage1.margin', 'stage1.form', 'stage1.tau1', 'stage1.w1']);
const RKD_STAGE1 = new Set(['stage1.rkdDistanceWeight', 'stage1.rkdAngleWeight']);
const REFILLED_STAGE2 = new Set(['stage2.centres', 'stage2.score', 'stage2.tau2', 'stage2.teacherTau', 'stage2.temperatureOn', 'stage2.lambdaSchedule', 'stage2.lambdaDecay', 'stage2.scope', 'stage2.klReduction', 'stage2.lambdaLr', 'stage2.targets']);

/**
 * Whether `method` reads the field at `key`; the UI dims the ones it ignores (they stay
 * editable and part of the link). Conservative: unknown keys count as used.
 */
export function fieldUsedBy(method: Method, key: string): boolean {
  if (key.startsWith('stage1.') && !usesStage1(method)) return false;
  if (RKD_STAGE1.has(key)) return method === 'rkd';
  if (REFILLED_STAGE1.has(key)) return method === 'refilled' || method === 'stage1-only';
  if (REFILLED_STAGE2.has(key)) return method === 'refilled';
  if (key === 'stage2.lambda') return method === 'refilled' || method === 'kd';
  if (key === 'stage2.kdTau') return method === 'kd';
  return true;
}

// ---------------------------------------------------------------------------------------------
// URL hash synchronisation.

/** The parts of `window` the sync needs (a fake in tests). */
export interface UrlHost {
  location: { hash: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

/**
 * Reads the config from the host's hash now, then keeps the two in step: store changes are
 * written with `replaceState` (no history entry per keystroke), and a `hashchange` (the user
 * edited or pasted a link) reloads the store. Returns a function that stops the sync.
 */
export function bindUrlSync(host: UrlHost, store: UseBoundStore<StoreApi<ConfigState>> = useConfigStore): () => void {
  const current = () => host.location.hash.replace(/^#/, '');
  store.getState().loadHash(current());
  let written = hashOf(store.getState());
  if (written !== current()) host.history.replaceState(null, '', `#${written}`);

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.config === prev.config && s.autorun === prev.autorun && s.tour === prev.tour && s.backend === prev.backend && s.hidden === prev.hidden && s.compareSeeds === prev.compareSeeds && s.layout === prev.layout && s.linkTheme === prev.linkTheme) return;
    const hash = hashOf(s);
    if (hash === written) return;
    written = hash;
    host.history.replaceState(null, '', `#${hash}`);
  });
  const onHashChange = () => {
    const hash = current();
    if (hash === written) return;
    store.getState().loadHash(hash);
    written = hashOf(store.getState());
  };
  host.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribe();
    host.removeEventListener('hashchange', onHashChange);
  };
}
