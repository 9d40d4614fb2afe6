/**
 * Names of runs by what differs between them: among the runs shown together (the results
 * table, a chart's legend), a run is named by its method and by the settings in which the
 * runs shown differ — "refilled · 10 shots" next to "vanilla · 5 shots", never two rows named
 * "refilled" that trained on different data. Also: which settings of a run differ from the
 * controls' (the "settings changed since this run" note).
 */
import { fieldSpec, flattenConfig, PRESET_VALUES, type ExperimentConfig } from '../protocol/config';

/** Settings that change neither the numbers nor what a run is (how often it reports, how gradients are computed). */
const IGNORED = new Set(['version', 'runtime.reportIntervalSteps', 'runtime.convGradient']);

/** Short names of the settings most often varied, in the order a label lists them; others go by their key. */
const NAMED: Record<string, (v: unknown) => string> = {
  dataset: (v) => String(v),
  teacher: (v) => `teacher ${String(v)}`,
  studentClasses: (v) => `classes ${(v as number[]).join(',')}`,
  shotsPerClass: (v) => (v === 'all' ? 'all shots' : `${String(v)} shots`),
  preset: (v) => `${String(v)} preset`,
  studentWidth: (v) => `width ${String(v)}`,
  seed: (v) => `seed ${String(v)}`,
};

/** Words for the "settings changed" note. */
const NOTE_NAMES: Record<string, string> = {
  studentClasses: 'student classes',
  shotsPerClass: 'shots',
  studentWidth: 'width',
  teacherClasses: 'teacher classes',
  validationFraction: 'validation fraction',
  batchSize: 'batch size',
};

/** "stage-2 learning rate" for `stage2.learningRate`: the field's label, with its stage. */
function noteName(key: string): string {
  const label = fieldSpec(key)?.label ?? key;
  const stage = /^stage([12])\./.exec(key);
  return stage ? `stage-${stage[1]} ${label.charAt(0).toLowerCase()}${label.slice(1)}` : label.toLowerCase();
}

/** Settings keys (dotted) whose values differ between `a` and `b`, in the config's order. */
export function differingKeys(a: ExperimentConfig, b: ExperimentConfig): string[] {
  const fa = flattenConfig(a);
  const fb = flattenConfig(b);
  const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])];
  return keys.filter((k) => !IGNORED.has(k) && JSON.stringify(fa[k]) !== JSON.stringify(fb[k]));
}

/**
 * One label per run: the method, then the values of the settings in which `runs` differ
 * (the named ones first, in a fixed order, then at most `maxOther` others as `key=value`).
 * A method other than the config's (a custom `label`) is kept as given.
 */
export function runLabels(runs: readonly { runId: number; label?: string; config: ExperimentConfig }[], maxOther = 2): Map<number, string> {
  const flats = runs.map((r) => flattenConfig(r.config));
  const keys = [...new Set(flats.flatMap((f) => Object.keys(f)))].filter((k) => !IGNORED.has(k) && k !== 'method');
  const differing = keys.filter((k) => flats.some((f) => JSON.stringify(f[k]) !== JSON.stringify(flats[0][k])));
  // A teacher implies its classes, and a preset its hyperparameters: naming both says the same thing twice.
  const presetKeys = new Set(Object.values(PRESET_VALUES).flatMap((v) => Object.keys(v)));
  const shown = differing.filter((k) => !(k === 'teacherClasses' && differing.includes('teacher')) && !(presetKeys.has(k) && differing.includes('preset')));
  const named = Object.keys(NAMED).filter((k) => shown.includes(k));
  const others = shown.filter((k) => !(k in NAMED));
  const labels = new Map<number, string>();
  runs.forEach((r, i) => {
    const f = flats[i];
    const parts = [r.label && r.label !== r.config.method ? r.label : r.config.method];
    for (const k of named) parts.push(NAMED[k](f[k]));
    for (const k of others.slice(0, maxOther)) parts.push(`${k}=${JSON.stringify(f[k])}`);
    if (others.length > maxOther) parts.push(`+${others.length - maxOther} more`);
    labels.set(r.runId, parts.join(' · '));
  });
  return labels;
}

/**
 * The settings (in words) in which a run's config differs from the controls', or [] when the
 * run still matches them. `ignoreMethod`: the run was one of a comparison's, whose method is the
 * comparison's choice, not the controls'.
 */
export function changedSince(run: ExperimentConfig, controls: ExperimentConfig, ignoreMethod = false): string[] {
  return differingKeys(run, controls)
    .filter((k) => !(ignoreMethod && k === 'method'))
    .map((k) => NOTE_NAMES[k] ?? noteName(k));
}

/** `runLabels`, memoised on the runs' ids, labels and configs (by identity). */
export function createRunLabelsSelector(): (runs: readonly { runId: number; label?: string; config: ExperimentConfig }[]) => Map<number, string> {
  let lastParts: unknown[] = [];
  let last = new Map<number, string>();
  return (runs) => {
    const parts = runs.flatMap((r) => [r.runId, r.label, r.config]);
    if (parts.length === lastParts.length && parts.every((p, i) => Object.is(p, lastParts[i]))) return last;
    lastParts = parts;
    last = runLabels(runs);
    return last;
  };
}
