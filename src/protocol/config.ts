/**
 * The experiment configuration: one typed, versioned object with defaults, presets and a
 * validator. The URL hash, the CLI (`--set key=value`) and the worker all take this object;
 * every field is described once, in `FIELDS`, by its dotted key.
 */
import { DATASETS, DATASET_IDS, TEACHER_IDS, isStoredTeacherRef, teacherInfo, type DatasetId } from './catalog';

export const CONFIG_VERSION = 1;

export const METHODS = ['refilled', 'vanilla', 'stage1-only', 'kd', 'rkd'] as const;
export type Method = (typeof METHODS)[number];
export const PRESETS = ['cvpr2020', 'current', 'tpami', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];
export const WIDTHS = [1, 0.75, 0.5, 0.25] as const;
export type Width = (typeof WIDTHS)[number];
export type MiningRule = 'semihard-margin' | 'semihard-nearest';
export type Stage1Form = 'triplet' | 'tuple';
export type CentreKind = 'local' | 'global';
export type ScoreKind = 'dot' | 'sqeuclidean';
export type TemperatureOn = 'both' | 'teacher';
export type TeacherTau = 'tau2' | 'auto';
export type LambdaLr = 'fixed' | 'scaled';
export type Stage2Targets = 'teacher' | 'uniform';
export type LambdaSchedule = 'constant' | 'exp-decay';
export type KdScope = 'batch' | 'all';
export type KlReduction = 'batchmean' | 'elementwise';
export type OptimizerKind = 'sgd' | 'adam';
export type LrSchedule = 'constant' | 'cosine';
export type ConvGradient = 'auto' | 'native' | 'matmul' | 'swapped';

export interface StageSchedule {
  epochs: number;
  learningRate: number;
  /** Final learning rate of the cosine schedule. */
  learningRateMin: number;
  lrSchedule: LrSchedule;
}

export interface ExperimentConfig {
  version: typeof CONFIG_VERSION;
  seed: number;
  dataset: DatasetId;
  teacher: string;
  /** The teacher's classes (dataset indices); must match the chosen teacher. */
  teacherClasses: number[];
  /** The student's classes (dataset indices), in the order of its head's outputs. */
  studentClasses: number[];
  shotsPerClass: number | 'all';
  validationFraction: number;
  studentWidth: Width;
  method: Method;
  preset: Preset;
  batchSize: number;
  optimizer: { kind: OptimizerKind; momentum: number; nesterov: boolean; weightDecay: number };
  stage1: StageSchedule & {
    mining: MiningRule;
    margin: number;
    form: Stage1Form;
    tau1: number;
    w1: number;
    /** RKD baseline weights (Park et al. 2019). */
    rkdDistanceWeight: number;
    rkdAngleWeight: number;
  };
  stage2: StageSchedule & {
    centres: CentreKind;
    score: ScoreKind;
    /** τ₂, or `auto`: the teacher's calibrated temperature τ* (temperature scaling on the training images). */
    tau2: number | 'auto';
    /** The teacher's temperature: τ₂ as published, or `auto`: τ* while the student keeps τ₂. */
    teacherTau: TeacherTau;
    temperatureOn: TemperatureOn;
    lambda: number;
    lambdaSchedule: LambdaSchedule;
    lambdaDecay: number;
    scope: KdScope;
    klReduction: KlReduction;
    /** Temperature of the Hinton KD baseline. */
    kdTau: number;
    /** What the student's classifier is pulled towards: the teacher's q, or (ablation) a uniform distribution. */
    targets: Stage2Targets;
    /** `scaled`: stage 2's learning rate is divided by (1 + λ_e), so a large λ does not multiply the step. */
    lambdaLr: LambdaLr;
    /** Learning-rate multiplier of the embedding in stage 2 when stage 1 ran (the head gets the full rate). */
    embeddingLrScale: number;
  };
  /** Training-batch augmentation, the same for every method and both stages (off by default). */
  augment: {
    /** Largest random translation in pixels (0–4), zero padding; 0 is none. */
    shift: number;
    /** Random horizontal flips (refused for datasets where a mirror image changes the class). */
    flip: boolean;
  };
  runtime: {
    /** Steps between metric read-backs (the GPU is never read every step). */
    reportIntervalSteps: number;
    /** How convolution gradients are computed: tfjs's kernels, or as matrix products. */
    convGradient: ConvGradient;
  };
}

/** The hyperparameters each published variant fixes (refilled-algorithm.md, section 4). */
export const PRESET_VALUES: Record<Exclude<Preset, 'custom'>, Record<string, string | number | boolean>> = {
  cvpr2020: {
    'stage1.mining': 'semihard-nearest',
    'stage1.form': 'triplet',
    'stage1.tau1': 4,
    // The reference code multiplies by 1000 but a reshape halves it for binary triplets.
    'stage1.w1': 500,
    'stage1.lrSchedule': 'constant',
    'stage2.centres': 'local',
    'stage2.tau2': 2,
    'stage2.temperatureOn': 'both',
    'stage2.lambda': 1000,
    'stage2.lambdaSchedule': 'exp-decay',
    'stage2.lambdaDecay': 0.05,
    'stage2.klReduction': 'elementwise',
    // Adapted by readable rules (docs/results.md): the teacher's scores on their own scale, and a
    // step that λ = 1000 does not multiply. Published: τ₂ = 2 on both and the plain rate.
    'stage2.teacherTau': 'auto',
    'stage2.lambdaLr': 'scaled',
    'stage2.targets': 'teacher',
  },
  current: {
    'stage1.mining': 'semihard-margin',
    'stage1.margin': 0.2,
    'stage1.form': 'tuple',
    'stage1.tau1': 4,
    'stage1.w1': 1000,
    'stage1.lrSchedule': 'cosine',
    'stage2.centres': 'global',
    'stage2.tau2': 2,
    'stage2.temperatureOn': 'both',
    'stage2.lambda': 100,
    'stage2.lambdaSchedule': 'constant',
    'stage2.klReduction': 'batchmean',
    // Adapted as CVPR 2020 (λ = 100).
    'stage2.teacherTau': 'auto',
    'stage2.lambdaLr': 'scaled',
    'stage2.targets': 'teacher',
  },
  tpami: {
    'stage1.mining': 'semihard-margin',
    'stage1.margin': 0.2,
    'stage1.form': 'tuple',
    'stage1.tau1': 4,
    'stage1.w1': 1000,
    'stage1.lrSchedule': 'cosine',
    'stage2.centres': 'global',
    'stage2.tau2': 1,
    'stage2.temperatureOn': 'teacher',
    'stage2.lambda': 1,
    'stage2.lambdaSchedule': 'constant',
    'stage2.klReduction': 'batchmean',
    // As published: the suite chose these on validation (docs/results.md).
    'stage2.teacherTau': 'tau2',
    'stage2.lambdaLr': 'fixed',
    'stage2.targets': 'teacher',
  },
};

export const DEFAULT_CONFIG: ExperimentConfig = {
  version: CONFIG_VERSION,
  seed: 1,
  dataset: 'fashion-mnist',
  teacher: 'fashion-0-4',
  teacherClasses: [0, 1, 2, 3, 4],
  studentClasses: [5, 6, 7, 8, 9],
  shotsPerClass: 10,
  validationFraction: 0.25,
  studentWidth: 0.5,
  method: 'refilled',
  preset: 'tpami',
  batchSize: 64,
  optimizer: { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
  stage1: {
    epochs: 40,
    learningRate: 0.1,
    learningRateMin: 0.01,
    lrSchedule: 'cosine',
    mining: 'semihard-margin',
    margin: 0.2,
    form: 'tuple',
    tau1: 4,
    w1: 1000,
    rkdDistanceWeight: 25,
    rkdAngleWeight: 50,
  },
  stage2: {
    epochs: 100,
    learningRate: 0.1,
    learningRateMin: 0.001,
    lrSchedule: 'cosine',
    centres: 'global',
    score: 'dot',
    tau2: 1,
    teacherTau: 'tau2',
    temperatureOn: 'teacher',
    lambda: 1,
    lambdaSchedule: 'constant',
    lambdaDecay: 0.05,
    scope: 'batch',
    klReduction: 'batchmean',
    kdTau: 4,
    lambdaLr: 'fixed',
    targets: 'teacher',
    // The reference code fine-tunes at 0.1; with the shipped teachers, whose embeddings are weaker on
    // the student's classes than what the student learns itself, 1 is better (docs/results.md).
    embeddingLrScale: 1,
  },
  augment: { shift: 0, flip: false },
  runtime: { reportIntervalSteps: 5, convGradient: 'auto' },
};

// ---------------------------------------------------------------------------------------------
// The field table: every configurable value, its kind, range and a one-line explanation.

interface FieldBase {
  key: string;
  label: string;
  help: string;
  /** Which part of the experiment the field belongs to (the UI groups by it). */
  group: 'task' | 'student' | 'stage1' | 'stage2' | 'optimizer' | 'augment' | 'runtime';
}
export type FieldSpec =
  | (FieldBase & { kind: 'enum'; values: readonly (string | number)[] })
  | (FieldBase & { kind: 'number'; min: number; max: number; integer?: boolean; /** Also takes the word "auto". */ auto?: boolean })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'classes' })
  | (FieldBase & { kind: 'shots'; max: number });

const schedule = (stage: 'stage1' | 'stage2', name: string): FieldSpec[] => [
  { key: `${stage}.epochs`, group: stage, kind: 'number', min: 0, max: 1000, integer: true, label: 'Epochs', help: `Passes over the student's training images in ${name}.` },
  { key: `${stage}.learningRate`, group: stage, kind: 'number', min: 1e-6, max: 10, label: 'Learning rate', help: `Initial learning rate of ${name}.` },
  { key: `${stage}.learningRateMin`, group: stage, kind: 'number', min: 0, max: 10, label: 'Final learning rate', help: `Learning rate the cosine schedule of ${name} ends at.` },
  { key: `${stage}.lrSchedule`, group: stage, kind: 'enum', values: ['constant', 'cosine'], label: 'LR schedule', help: `Constant, or cosine-annealed from the initial to the final rate over ${name}.` },
];

export const FIELDS: readonly FieldSpec[] = [
  { key: 'seed', group: 'task', kind: 'number', min: 0, max: 2 ** 31 - 1, integer: true, label: 'Seed', help: 'Seeds the class split, sampling of shots, weight initialisation and batch order.' },
  { key: 'dataset', group: 'task', kind: 'enum', values: DATASET_IDS, label: 'Dataset', help: 'The images the student learns from.' },
  { key: 'teacher', group: 'task', kind: 'enum', values: TEACHER_IDS, label: 'Teacher', help: 'The frozen, pretrained network whose knowledge is distilled.' },
  { key: 'teacherClasses', group: 'task', kind: 'classes', label: 'Teacher classes', help: 'Classes the teacher was trained on (fixed by the teacher).' },
  { key: 'studentClasses', group: 'task', kind: 'classes', label: 'Student classes', help: "The student's task: disjoint from the teacher's is cross-task, equal is standard KD." },
  { key: 'shotsPerClass', group: 'task', kind: 'shots', max: 1000, label: 'Shots per class', help: 'Training images per student class; fewer shots is where a teacher helps most.' },
  { key: 'validationFraction', group: 'task', kind: 'number', min: 0.05, max: 0.5, label: 'Validation fraction', help: 'Share of each class\'s pool held out for model selection (the test split is never used for it).' },
  { key: 'studentWidth', group: 'student', kind: 'enum', values: WIDTHS, label: 'Student width', help: 'Channel multiplier of the student ConvNet; the teacher is width 1.0.' },
  { key: 'method', group: 'student', kind: 'enum', values: METHODS, label: 'Method', help: 'REFILLED, or a baseline to compare it with.' },
  { key: 'preset', group: 'student', kind: 'enum', values: PRESETS, label: 'Preset', help: 'A published variant of REFILLED; it fills in the stage-1 and stage-2 hyperparameters.' },
  { key: 'batchSize', group: 'optimizer', kind: 'number', min: 4, max: 256, integer: true, label: 'Batch size', help: 'Images per step (smaller when the training set is smaller).' },
  { key: 'optimizer.kind', group: 'optimizer', kind: 'enum', values: ['sgd', 'adam'], label: 'Optimiser', help: 'SGD with momentum (the papers), or Adam.' },
  { key: 'optimizer.momentum', group: 'optimizer', kind: 'number', min: 0, max: 0.999, label: 'Momentum', help: 'SGD momentum.' },
  { key: 'optimizer.nesterov', group: 'optimizer', kind: 'boolean', label: 'Nesterov', help: 'Use Nesterov momentum.' },
  { key: 'optimizer.weightDecay', group: 'optimizer', kind: 'number', min: 0, max: 0.1, label: 'Weight decay', help: 'L2 penalty added to each gradient (as in PyTorch SGD).' },
  ...schedule('stage1', 'stage 1'),
  { key: 'stage1.mining', group: 'stage1', kind: 'enum', values: ['semihard-margin', 'semihard-nearest'], label: 'Triplet mining', help: 'Which (anchor, positive, negative) triplets the student\'s embedding contributes: all within a margin, or the nearest semi-hard negative per pair.' },
  { key: 'stage1.margin', group: 'stage1', kind: 'number', min: 0.001, max: 2, label: 'Mining margin', help: 'semihard-margin keeps triplets with 0 < d_an − d_ap ≤ margin.' },
  { key: 'stage1.form', group: 'stage1', kind: 'enum', values: ['triplet', 'tuple'], label: 'Probability form', help: 'Binary triplet probabilities, or one softmax over a positive and all its mined negatives (tuple).' },
  { key: 'stage1.tau1', group: 'stage1', kind: 'number', min: 0.05, max: 100, label: 'τ₁', help: 'Temperature of the triplet probabilities, on teacher and student alike (≥ 0.05: distances on the unit sphere are ≤ 2).' },
  { key: 'stage1.w1', group: 'stage1', kind: 'number', min: 0, max: 1e5, label: 'w₁', help: 'Weight of the stage-1 KL; large because the probabilities of unit vectors with τ₁ = 4 are near ½.' },
  { key: 'stage1.rkdDistanceWeight', group: 'stage1', kind: 'number', min: 0, max: 1000, label: 'RKD distance weight', help: 'RKD baseline: weight of the distance-wise relation loss.' },
  { key: 'stage1.rkdAngleWeight', group: 'stage1', kind: 'number', min: 0, max: 1000, label: 'RKD angle weight', help: 'RKD baseline: weight of the angle-wise relation loss.' },
  ...schedule('stage2', 'stage 2'),
  { key: 'stage2.centres', group: 'stage2', kind: 'enum', values: ['local', 'global'], label: 'Class centres', help: "Centres of the student's classes in the teacher's embedding: from the batch (local) or the whole training set (global)." },
  { key: 'stage2.score', group: 'stage2', kind: 'enum', values: ['dot', 'sqeuclidean'], label: 'Teacher score', help: 'Teacher logits: dot product with the normalised centre, or negative squared distance to it.' },
  { key: 'stage2.tau2', group: 'stage2', kind: 'number', min: 0.01, max: 100, auto: true, label: 'τ₂', help: 'Temperature of the stage-2 distributions, or "auto": the temperature that calibrates the teacher\'s local classifier on the training images.' },
  { key: 'stage2.teacherTau', group: 'stage2', kind: 'enum', values: ['tau2', 'auto'], label: "Teacher's temperature", help: "τ₂ as published, or auto: the teacher's scores are put on their own scale (temperature τ* calibrated on the training images) while the student keeps τ₂." },
  { key: 'stage2.temperatureOn', group: 'stage2', kind: 'enum', values: ['both', 'teacher'], label: 'τ₂ applies to', help: 'Both networks (2020 code), or the teacher only (TPAMI code).' },
  { key: 'stage2.lambda', group: 'stage2', kind: 'number', min: 0, max: 1e5, label: 'λ', help: 'Weight of the local-classifier KL against the cross-entropy.' },
  { key: 'stage2.lambdaSchedule', group: 'stage2', kind: 'enum', values: ['constant', 'exp-decay'], label: 'λ schedule', help: 'Constant, or λ₀·exp(−r·epoch).' },
  { key: 'stage2.lambdaDecay', group: 'stage2', kind: 'number', min: 0, max: 10, label: 'λ decay r', help: 'Decay rate r of the exponential λ schedule.' },
  { key: 'stage2.scope', group: 'stage2', kind: 'enum', values: ['batch', 'all'], label: 'KD scope', help: "Local KD over the batch's classes (REFILLED), or over all classes (ablation)." },
  { key: 'stage2.klReduction', group: 'stage2', kind: 'enum', values: ['batchmean', 'elementwise'], label: 'KL reduction', help: 'Sum over classes and mean over the batch, or the 2020 code\'s mean over every element.' },
  { key: 'stage2.embeddingLrScale', group: 'stage2', kind: 'number', min: 0, max: 1, label: 'Embedding LR scale', help: 'After stage 1, the embedding is fine-tuned at this fraction of the head\'s learning rate (0.1 in the reference code).' },
  { key: 'stage2.lambdaLr', group: 'stage2', kind: 'enum', values: ['fixed', 'scaled'], label: 'Learning rate for λ', help: 'fixed: as configured; scaled: divided by (1 + λ) at each epoch, so that the step on the logits stays that of a plain cross-entropy step however large λ is (the weighting of CE and KL is unchanged).' },
  { key: 'stage2.targets', group: 'stage2', kind: 'enum', values: ['teacher', 'uniform'], label: 'Stage-2 targets', help: "teacher: the teacher's local classifier q (REFILLED); uniform: an ablation that replaces q by the uniform distribution over the batch's classes (label smoothing), to show what the teacher itself adds." },
  { key: 'stage2.kdTau', group: 'stage2', kind: 'number', min: 0.01, max: 100, label: 'KD τ', help: 'Temperature of the Hinton KD baseline.' },
  { key: 'augment.shift', group: 'augment', kind: 'number', min: 0, max: 4, integer: true, label: 'Random shift', help: 'Moves each training image by up to this many pixels in each direction (zero padding), drawn anew every step; 0 is off.' },
  { key: 'augment.flip', group: 'augment', kind: 'boolean', label: 'Random flip', help: 'Mirrors each training image left–right with probability ½ (not for digits, where a mirror image changes the class).' },
  { key: 'runtime.reportIntervalSteps', group: 'runtime', kind: 'number', min: 1, max: 1000, integer: true, label: 'Report every', help: 'Steps between metric read-backs from the GPU.' },
  { key: 'runtime.convGradient', group: 'runtime', kind: 'enum', values: ['auto', 'native', 'matmul', 'swapped'], label: 'Conv gradients', help: "tfjs's gradient kernels, matrix products, or swapped-axis convolutions (fast where the kernels are slow or missing); auto picks per backend." },
];

export function fieldSpec(key: string): FieldSpec | undefined {
  return FIELDS.find((f) => f.key === key);
}

// ---------------------------------------------------------------------------------------------
// Dotted-key access.

type Json = string | number | boolean | number[] | null | undefined | { [k: string]: Json };

export function getField(config: ExperimentConfig, key: string): Json {
  let node: Json = config as unknown as Json;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** Returns a copy of `config` with the field at `key` set to `value` (not validated). */
export function setField(config: ExperimentConfig, key: string, value: unknown): ExperimentConfig {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  const parts = key.split('.');
  let node = copy;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object') throw new Error(`Unknown config key "${key}".`);
    node = next as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
  return copy as unknown as ExperimentConfig;
}

/** Applies a preset's hyperparameters (no-op for `custom`). */
export function applyPreset(config: ExperimentConfig, preset: Preset): ExperimentConfig {
  let next = setField(config, 'preset', preset);
  if (preset === 'custom') return next;
  for (const [key, value] of Object.entries(PRESET_VALUES[preset])) next = setField(next, key, value);
  return next;
}

/** The preset whose values the config matches, or `custom`. */
export function detectPreset(config: ExperimentConfig): Preset {
  for (const preset of ['current', 'tpami', 'cvpr2020'] as const) {
    const values = PRESET_VALUES[preset];
    if (Object.entries(values).every(([k, v]) => getField(config, k) === v)) return preset;
  }
  return 'custom';
}

// ---------------------------------------------------------------------------------------------
// Validation.

export interface FieldError {
  key: string;
  /** The whole sentence, naming the field by label and key: "Learning rate (stage1.learningRate) must be…" (CLI, link notices). */
  message: string;
  /** The same sentence without the key, for a control that already shows the field (the UI). */
  text?: string;
  /** `message` without what to do, for a link notice that says what it did instead. */
  problem?: string;
}

/** Labels that more than one field carries (the per-stage schedules): their messages say the stage. */
const SHARED_LABELS: ReadonlySet<string> = new Set(FIELDS.map((f) => f.label).filter((label, i, all) => all.indexOf(label) !== i));

/** What a message calls a field: its label, with the stage when another field shares the label ("Stage 1 learning rate"). */
export function fieldTitle(spec: FieldSpec): string {
  if (!SHARED_LABELS.has(spec.label) || (spec.group !== 'stage1' && spec.group !== 'stage2')) return spec.label;
  const label = /^[A-Z][a-z]/.test(spec.label) ? spec.label[0].toLowerCase() + spec.label.slice(1) : spec.label;
  return `Stage ${spec.group === 'stage1' ? 1 : 2} ${label}`;
}

/** The field as the CLI and links name it: "Learning rate (stage1.learningRate)". */
export function fieldSubject(spec: FieldSpec): string {
  return `${fieldTitle(spec)} (${spec.key})`;
}

/** A limit as people write it: 0.000001 rather than 1e-6, 100,000 rather than 1e5. */
export function formatLimit(n: number): string {
  return n.toLocaleString('en-GB', { maximumFractionDigits: 12, useGrouping: Math.abs(n) >= 10000 });
}

/** What is wrong and what to do about it: "must be between 1 and 10 (it is 20)", "lower it". */
interface Problem {
  is: string;
  fix: string;
}

/** A field's error: the field's name, what is wrong, and what to do ("… must be between 1 and 10 (it is 20): lower it."). */
function fieldProblem(key: string, { is, fix }: Problem): FieldError {
  const spec = fieldSpec(key);
  const subject = spec ? fieldSubject(spec) : key;
  const title = spec ? fieldTitle(spec) : key;
  return { key, message: `${subject} ${is}: ${fix}.`, text: `${title} ${is}: ${fix}.`, problem: `${subject} ${is}` };
}

/** Parses a text value of a field (from a URL or `--set key=value`); throws a readable Error. */
export function parseFieldText(spec: FieldSpec, text: string): unknown {
  switch (spec.kind) {
    case 'enum': {
      if (spec.key === 'teacher' && isStoredTeacherRef(text)) return text;
      const match = spec.values.find((v) => String(v) === text);
      if (match === undefined) throw new Error(`must be one of ${spec.values.join(', ')} (got "${text}")`);
      return match;
    }
    case 'number': {
      if (spec.auto && text.trim().toLowerCase() === 'auto') return 'auto';
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`must be a number from ${formatLimit(spec.min)} to ${formatLimit(spec.max)} (got "${text}")`);
      return n;
    }
    case 'boolean':
      if (['1', 'true', 'yes'].includes(text)) return true;
      if (['0', 'false', 'no'].includes(text)) return false;
      throw new Error(`must be true or false (got "${text}")`);
    case 'shots':
      if (text === 'all') return 'all';
      return Number(text);
    case 'classes':
      return parseClassList(text);
  }
}

/** "0-4" or "0,2,5-7" → [0,1,2,3,4] / [0,2,5,6,7]; throws on malformed text. */
export function parseClassList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new Error(`must be a list of class indices like 0-4 or 0,2,5 (got "${text}")`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 1000) throw new Error(`has a bad range "${part.trim()}"`);
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}

/** [0,1,2,3,4,7] → "0-4,7". */
export function formatClassList(classes: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < classes.length) {
    let j = i;
    while (j + 1 < classes.length && classes[j + 1] === classes[j] + 1) j++;
    parts.push(j > i ? `${classes[i]}-${classes[j]}` : `${classes[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** What is wrong with one field's value on its own (its kind and range), with what to do; null when fine. */
function checkField(spec: FieldSpec, value: unknown): Problem | null {
  switch (spec.kind) {
    case 'enum':
      if (spec.key === 'teacher' && isStoredTeacherRef(value)) return null;
      return spec.values.includes(value as string | number) ? null : { is: `must be one of ${spec.values.join(', ')}`, fix: 'pick one of these' };
    case 'number': {
      if (spec.auto && value === 'auto') return null;
      const range = `${formatLimit(spec.min)} to ${formatLimit(spec.max)}`;
      if (typeof value !== 'number' || !Number.isFinite(value)) return { is: `must be a number from ${range}${spec.auto ? ' or "auto"' : ''}`, fix: 'enter one' };
      if (spec.integer && !Number.isInteger(value)) return { is: `must be a whole number from ${range} (it is ${value})`, fix: 'drop the decimals' };
      const between = `must be between ${formatLimit(spec.min)} and ${formatLimit(spec.max)} (it is ${formatLimit(value)})`;
      if (value < spec.min) return { is: between, fix: 'raise it' };
      if (value > spec.max) return { is: between, fix: 'lower it' };
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : { is: 'must be on or off (true or false)', fix: 'tick or untick it' };
    case 'shots':
      if (value === 'all') return null;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > spec.max) {
        return { is: `must be a whole number from 1 to ${spec.max}, or "all"`, fix: 'enter how many training images each class gets' };
      }
      return null;
    case 'classes':
      if (!Array.isArray(value) || value.some((c) => !Number.isInteger(c) || c < 0)) return { is: 'must be a list of class indices such as 5-9 or 0,2,5', fix: 'list the classes' };
      if (new Set(value).size !== value.length) return { is: 'lists a class twice', fix: 'remove the repeat' };
      return null;
  }
}

/** How many training shots per class the shipped data allow: each class's pool less its validation share. */
export interface ShotsLimit {
  /** The largest `shotsPerClass` a run accepts (what `'all'` gives). */
  max: number;
  /** Pool images of each class. */
  pool: number;
  /** Of those, held out for validation: round(validationFraction · pool), as the split draws them. */
  validation: number;
}

/**
 * The shots limit of a config's dataset and validation fraction, from the catalog (no data
 * loaded): the same rule as `core/data/splits` applies when it draws the split.
 */
export function shotsLimit(config: Pick<ExperimentConfig, 'dataset' | 'validationFraction'>): ShotsLimit {
  const pool = DATASETS[config.dataset].poolImagesPerClass;
  const validation = Math.round(config.validationFraction * pool);
  return { max: pool - validation, pool, validation };
}

/** Every problem of a config, per field, in words a user can act on. Empty when valid. */
export function validateConfig(config: ExperimentConfig): FieldError[] {
  const errors: FieldError[] = [];
  if (config.version !== CONFIG_VERSION) {
    const is = `Configuration version must be ${CONFIG_VERSION} (it is ${String(config.version)})`;
    errors.push({ key: 'version', message: `${is}: make the link or file again with this app.`, problem: is });
  }
  for (const spec of FIELDS) {
    const problem = checkField(spec, getField(config, spec.key));
    if (problem) errors.push(fieldProblem(spec.key, problem));
  }
  if (errors.length > 0) return errors;

  const dataset = DATASETS[config.dataset];
  const numClasses = dataset.classNames.length;
  const teacher = teacherInfo(config.teacher);
  if (teacher && teacher.dataset !== config.dataset) {
    errors.push(fieldProblem('teacher', { is: `${config.teacher} was trained on ${DATASETS[teacher.dataset].title}, not ${dataset.title}`, fix: `pick a teacher of ${dataset.title}, or switch the dataset` }));
  }
  if (teacher && formatClassList(teacher.classes) !== formatClassList(config.teacherClasses)) {
    errors.push(fieldProblem('teacherClasses', { is: `must be ${formatClassList(teacher.classes)}, the classes teacher ${config.teacher} was trained on`, fix: "leave them out and the teacher's are used" }));
  }
  const picked = config.studentClasses.length;
  if (picked < 2) errors.push(fieldProblem('studentClasses', { is: `must hold at least 2 classes (${picked} picked)`, fix: 'pick two or more for the student to tell apart' }));
  const outside = config.studentClasses.filter((c) => c >= numClasses);
  if (outside.length > 0) errors.push(fieldProblem('studentClasses', { is: `lists ${outside.join(', ')}, not classes of ${dataset.title} (0 to ${numClasses - 1})`, fix: `remove ${outside.length === 1 ? 'it' : 'them'}` }));
  if (config.method === 'kd' && formatClassList([...config.studentClasses].sort((a, b) => a - b)) !== formatClassList([...config.teacherClasses].sort((a, b) => a - b))) {
    errors.push(fieldProblem('method', { is: "kd (Hinton) needs the student's classes to be the teacher's", fix: "pick the teacher's classes, the all-classes teacher, or another method" }));
  }
  if (config.augment.flip && !DATASETS[config.dataset].flipKeepsClass) {
    errors.push(fieldProblem('augment.flip', { is: `must be off for ${DATASETS[config.dataset].title}: a mirrored image can be another class (a mirrored 2 is not a 2)`, fix: 'turn flips off, or use shifts only' }));
  }
  const limit = shotsLimit(config);
  if (typeof config.shotsPerClass === 'number' && config.shotsPerClass > limit.max) {
    errors.push(
      fieldProblem('shotsPerClass', {
        is: `must be at most ${limit.max} here (it is ${config.shotsPerClass}): ${dataset.title} has ${limit.pool} images per class, and validation fraction ${config.validationFraction} holds ${limit.validation} of them out`,
        fix: `lower the shots, choose "all" (${limit.max}), or lower the validation fraction`,
      }),
    );
  }
  for (const stage of ['stage1', 'stage2'] as const) {
    const { learningRate, learningRateMin } = config[stage];
    if (learningRateMin > learningRate) {
      errors.push(fieldProblem(`${stage}.learningRateMin`, { is: `must not exceed the initial learning rate, ${formatLimit(learningRate)} (it is ${formatLimit(learningRateMin)})`, fix: 'lower it, or raise the initial rate' }));
    }
  }
  if (usesStage1(config.method) && config.stage1.epochs === 0) {
    errors.push(fieldProblem('stage1.epochs', { is: `must be at least 1 for method ${config.method}, which trains stage 1`, fix: 'raise it, or pick a method without stage 1 (vanilla, kd)' }));
  }
  if (config.stage2.epochs === 0) errors.push(fieldProblem('stage2.epochs', { is: 'must be at least 1, since stage 2 trains the classifier', fix: 'raise it' }));
  return errors;
}

/**
 * The methods that run stage 1 (embedding distillation) before stage 2. A plain list because
 * the protocol layer does not import the trainer; core/trainer/objectives.test.ts checks that
 * it names exactly the methods whose table entry has a stage-1 objective.
 */
export const STAGE1_METHODS: readonly Method[] = ['refilled', 'stage1-only', 'rkd'];

/** Whether a method runs stage 1 (embedding distillation) before stage 2. */
export function usesStage1(method: Method): boolean {
  return STAGE1_METHODS.includes(method);
}

export class ConfigError extends Error {
  readonly code = 'config-invalid';
  constructor(readonly errors: FieldError[]) {
    super(`Invalid configuration:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Builds a full config from a partial one (e.g. parsed JSON): missing fields take their
 * defaults, and a preset named in the partial fills its hyperparameters before the partial's
 * own values apply. Throws ConfigError listing every invalid field.
 */
export function resolveConfig(partial: unknown): ExperimentConfig {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
    throw new ConfigError([{ key: '', message: 'the configuration must be a JSON object' }]);
  }
  const flat = flatten(partial as Record<string, unknown>);
  const unknownKeys = Object.keys(flat).filter((k) => k !== 'version' && !fieldSpec(k));
  if (unknownKeys.length > 0) throw new ConfigError(unknownKeys.map((k) => ({ key: k, message: `unknown key "${k}"` })));
  let config = structuredClone(DEFAULT_CONFIG);
  const preset = flat.preset;
  if (typeof preset === 'string' && (PRESETS as readonly string[]).includes(preset)) config = applyPreset(config, preset as Preset);
  for (const [key, value] of Object.entries(flat)) config = setField(config, key, value);
  if (flat.teacher !== undefined && flat.teacherClasses === undefined) {
    const teacher = teacherInfo(String(flat.teacher));
    if (teacher) config = setField(config, 'teacherClasses', teacher.classes);
  }
  const errors = validateConfig(config);
  if (errors.length > 0) throw new ConfigError(errors);
  return config;
}

/** A nested object as dotted keys: { stage1: { tau1: 4 } } → { 'stage1.tau1': 4 } (arrays are values). */
export function flatten(obj: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key));
    else out[key] = v;
  }
  return out;
}

/** Config as a flat dotted-key object, the form the CLI, the URL and reports use. */
export function flattenConfig(config: ExperimentConfig): Record<string, unknown> {
  return flatten(config as unknown as Record<string, unknown>);
}
