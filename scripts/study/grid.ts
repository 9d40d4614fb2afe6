/**
 * The study's grid as data: the cross-task splits of the suite, the arms (a method and its
 * settings), the runs' keys, sharding and merging. Pure: no tfjs, no files; the runner
 * (scripts/study.ts) and the report (report.ts) share it, and grid.test.ts checks that the
 * shards of a grid are disjoint and together the whole grid.
 */
import type { DatasetId } from '../../src/protocol/catalog';
import { SHIPPED_VARIANT, teacherVariant, variantFolder } from '../teachers/variants';

/** One teacher → student partition. */
export interface SplitSpec {
  id: string;
  dataset: DatasetId;
  teacher: string;
  studentClasses: number[];
  /** What kind of split it is, in words. */
  note: string;
}

/** The default split of the app. */
export const DEFAULT_SPLIT = 'fashion 0-4 > 5-9';
/** The default split's runs made by earlier code (before splits were recorded): the width study. */
export const LEGACY_SPLIT = 'width study (earlier code)';

/**
 * The suite: both datasets, both teachers of each, 5-class and 3-class students, and two
 * partial overlaps. Chosen before any run, to cover the kinds of split a user can pick.
 */
export const SUITE: readonly SplitSpec[] = [
  { id: DEFAULT_SPLIT, dataset: 'fashion-mnist', teacher: 'fashion-0-4', studentClasses: [5, 6, 7, 8, 9], note: 'clothes → shoes and bags (the default)' },
  { id: 'fashion 5-9 > 0-4', dataset: 'fashion-mnist', teacher: 'fashion-5-9', studentClasses: [0, 1, 2, 3, 4], note: 'shoes and bags → clothes' },
  { id: 'fashion 0-4 > 5,7,9', dataset: 'fashion-mnist', teacher: 'fashion-0-4', studentClasses: [5, 7, 9], note: '3 kinds of shoe' },
  { id: 'fashion 5-9 > 0,2,4', dataset: 'fashion-mnist', teacher: 'fashion-5-9', studentClasses: [0, 2, 4], note: '3 tops (T-shirt, pullover, coat)' },
  { id: 'fashion 0-4 > 2,4,6,8', dataset: 'fashion-mnist', teacher: 'fashion-0-4', studentClasses: [2, 4, 6, 8], note: 'partial overlap: pullover and coat known to the teacher' },
  { id: 'mnist 0-4 > 5-9', dataset: 'mnist', teacher: 'mnist-0-4', studentClasses: [5, 6, 7, 8, 9], note: 'digits 0–4 → 5–9' },
  { id: 'mnist 5-9 > 0-4', dataset: 'mnist', teacher: 'mnist-5-9', studentClasses: [0, 1, 2, 3, 4], note: 'digits 5–9 → 0–4' },
  { id: 'mnist 0-4 > 6,8,9', dataset: 'mnist', teacher: 'mnist-0-4', studentClasses: [6, 8, 9], note: '3 round digits' },
  { id: 'mnist 0-4 > 3,4,5,6', dataset: 'mnist', teacher: 'mnist-0-4', studentClasses: [3, 4, 5, 6], note: 'partial overlap: 3 and 4 known to the teacher' },
];

/** A study arm: a label and the config fields it sets (on top of the split, width, shots and seed). */
export interface ArmSpec {
  id: string;
  label: string;
  sets: Record<string, string | number | boolean>;
  /** The split's teacher is replaced by this variant of it (scripts/teachers/variants.ts); the shipped one when absent. */
  teacherVariant?: string;
}

// Arms name every setting that a later default could change, so a cached run keeps its meaning.
const published = { 'stage2.teacherTau': 'tau2', 'stage2.lambdaLr': 'fixed' } as const;
const calibrated = { 'stage2.teacherTau': 'auto', 'stage2.lambdaLr': 'fixed' } as const;
/** λ ≫ 1 (current: 100, CVPR 2020: 1000): the step is also divided by (1 + λ_e). */
const calibratedScaled = { 'stage2.teacherTau': 'auto', 'stage2.lambdaLr': 'scaled' } as const;

export const ARMS: readonly ArmSpec[] = [
  { id: 'vanilla', label: 'Vanilla student (CE)', sets: { method: 'vanilla' } },
  { id: 'refilled-tpami-cal', label: 'REFILLED (TPAMI, calibrated teacher)', sets: { method: 'refilled', preset: 'tpami', ...calibrated } },
  { id: 'refilled-tpami', label: 'REFILLED (TPAMI)', sets: { method: 'refilled', preset: 'tpami', ...published } },
  // Ablation: the TPAMI recipe with the teacher's q replaced by a uniform target (label smoothing).
  { id: 'refilled-tpami-uniform', label: 'Ablation: TPAMI recipe, uniform targets', sets: { method: 'refilled', preset: 'tpami', ...published, 'stage2.targets': 'uniform' } },
  { id: 'stage1-only', label: 'Stage 1, then CE', sets: { method: 'stage1-only' } },
  { id: 'refilled-current-cal', label: 'REFILLED (current, calibrated teacher, λ-scaled rate)', sets: { method: 'refilled', preset: 'current', ...calibratedScaled } },
  { id: 'refilled-cvpr2020-cal', label: 'REFILLED (CVPR 2020, calibrated teacher, λ-scaled rate)', sets: { method: 'refilled', preset: 'cvpr2020', ...calibratedScaled } },
  { id: 'refilled-current', label: 'REFILLED (current)', sets: { method: 'refilled', preset: 'current', ...published } },
  { id: 'refilled-cvpr2020', label: 'REFILLED (CVPR 2020)', sets: { method: 'refilled', preset: 'cvpr2020', ...published } },
  { id: 'rkd', label: 'RKD, then CE', sets: { method: 'rkd' } },
  // Augmentation: random shifts of up to 2 pixels (valid for both datasets; flips are not for digits).
  { id: 'vanilla-aug', label: 'Vanilla student, shifts ±2', sets: { method: 'vanilla', 'augment.shift': 2 } },
  { id: 'refilled-tpami-aug', label: 'REFILLED (TPAMI), shifts ±2', sets: { method: 'refilled', preset: 'tpami', ...published, 'augment.shift': 2 } },
];

/**
 * An arm by id. `<arm>@<variant>` is that arm with the split's teacher replaced by a stronger
 * variant of it (e.g. `refilled-tpami@wide` reads public/teachers/fashion-0-4-wide/ on the
 * split whose teacher is fashion-0-4), so that its runs pair by seed with the arm's own and
 * with the shared vanilla runs.
 */
export function armSpec(id: string): ArmSpec {
  const [baseId, variant, ...rest] = id.split('@');
  const arm = ARMS.find((a) => a.id === baseId);
  if (!arm) throw new Error(`unknown arm "${baseId}"; known: ${ARMS.map((a) => a.id).join(', ')} (each also as <arm>@<teacher variant>)`);
  if (variant === undefined) return arm;
  if (rest.length > 0 || !variant) throw new Error(`arm "${id}": write <arm>@<teacher variant>, one variant`);
  teacherVariant(variant);
  if (arm.sets.method === 'vanilla' && variant !== SHIPPED_VARIANT) throw new Error(`arm "${id}": the vanilla student has no teacher to vary (vanilla@${SHIPPED_VARIANT} reruns it)`);
  return { id, label: `${arm.label}, ${variant} teacher`, sets: arm.sets, teacherVariant: variant };
}

/** The folder under public/teachers/ an arm's runs on a split read their teacher from. */
export function teacherFolderOf(arm: ArmSpec, split: SplitSpec): string {
  return variantFolder(split.teacher, arm.teacherVariant ?? SHIPPED_VARIANT);
}

export function splitSpec(id: string): SplitSpec {
  const split = SUITE.find((s) => s.id === id);
  if (!split) throw new Error(`unknown split "${id}"; known: ${SUITE.map((s) => s.id).join(' | ')}`);
  return split;
}

/** One run of the grid. */
export interface Cell {
  split: string;
  arm: string;
  width: number;
  shots: number;
  seed: number;
}

export const keyOf = (c: Cell): string => `${c.split}|${c.arm}|w${c.width}|k${c.shots}|s${c.seed}`;

/**
 * The grid in priority order: arms in the order given (so that a study cut short has the
 * first arms complete), then widths, shots, splits, seeds.
 */
export function enumerateGrid(axes: { splits: string[]; arms: string[]; widths: number[]; shots: number[]; seeds: number[] }): Cell[] {
  const cells: Cell[] = [];
  for (const arm of axes.arms)
    for (const width of axes.widths) for (const shots of axes.shots) for (const split of axes.splits) for (const seed of axes.seeds) cells.push({ split, arm, width, shots, seed });
  return cells;
}

/** Shard i of n (0-based): every n-th cell from the i-th, so each shard gets every arm early. */
export function shardOf<T>(items: readonly T[], index: number, count: number): T[] {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`--shard takes i/n with 0 ≤ i < n (got ${index}/${count})`);
  }
  return items.filter((_, k) => k % count === index);
}

/** Parses "i/n". */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--shard takes i/n, e.g. 0/4 (got "${text}")`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

/**
 * Merges run summaries by key, the first list's run winning where two share a key (the cache
 * first, then shard files): to redo a run, delete it from the cache.
 */
export function mergeRuns<T extends { key: string }>(...lists: (readonly T[])[]): T[] {
  const byKey = new Map<string, T>();
  for (const list of lists) for (const run of list) if (!byKey.has(run.key)) byKey.set(run.key, run);
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** JSON lines (a shard's output) → objects; blank lines and a torn last line (a killed shard) are skipped. */
export function parseJsonLines<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push(JSON.parse(t) as T);
    } catch {
      // A shard killed mid-write leaves a partial line: that run is redone.
    }
  }
  return out;
}
