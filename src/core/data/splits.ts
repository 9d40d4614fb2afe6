/**
 * The experiment's data: from a data set's `pool`, a seeded per-class draw of validation
 * images and of k training shots; from its `test` split, every image of the student classes.
 *
 * Per class c, the pool images of c are shuffled once with the run's `split` stream. Of that
 * permutation π_c, the first v_c = round(validationFraction · |pool_c|) are validation and
 * the training shots are π_c[v_c .. v_c + k). Hence validation does not depend on k, and the
 * shots for k are a prefix of those for k + 1. Every class of the data set is shuffled, in
 * class order, whichever classes the student gets, so π_c depends on the seed only.
 */
import { shuffleInPlace, streamRng } from '../random';
import { IMAGE_SIZE } from './format';
import type { Dataset, Split } from './loader';

/** Options of {@link sampleExperimentSplits}. */
export interface ExperimentSplitOptions {
  /** Data set class indices of the student's task; label i of the result is class studentClasses[i]. */
  studentClasses: number[];
  /** Training images per class (k shots), or 'all' for every pool image not used for validation. */
  shotsPerClass: number | 'all';
  /** Fraction of each class's pool held out for validation, in [0, 1). */
  validationFraction: number;
  /** The run's seed; the draw uses its `split` stream. */
  seed: number;
}

/** One split of an experiment, ready for tfjs. */
export interface ExperimentSplit {
  /** Pixels scaled to [0, 1], count×784 (28×28×1 per image, row-major). */
  images: Float32Array;
  /** Student labels 0..C−1: label i is data set class `sourceClasses[i]`. */
  labels: Int32Array;
  count: number;
  /** The student classes, in label order (a copy of `studentClasses`). */
  sourceClasses: number[];
  /** For each record, its index in the data set split it came from (`pool` for train/val, `test` for test). */
  indices: Int32Array;
}

/** Train (k shots per class), validation and test splits of an experiment; records grouped by class in label order. */
export interface ExperimentSplits {
  train: ExperimentSplit;
  val: ExperimentSplit;
  test: ExperimentSplit;
}

/** Why a split could not be drawn. */
export type SplitErrorCode = 'split-bad-options' | 'split-too-few-images';

/** Split options that the data set cannot satisfy; `message` says what to change. */
export class SplitError extends Error {
  override readonly name = 'SplitError';
  constructor(
    readonly code: SplitErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Draws the experiment's train/val/test splits (see the module comment for the rule).
 * Deterministic in (dataset, options). Throws a {@link SplitError} for invalid options or
 * when a class's pool, less its validation images, has fewer than `shotsPerClass` images.
 */
export function sampleExperimentSplits(dataset: Dataset, opts: ExperimentSplitOptions): ExperimentSplits {
  validateOptions(dataset, opts);
  const permutations = classIndices(dataset.splits.pool, dataset.classNames.length);
  const rng = streamRng(opts.seed, 'split');
  for (const perm of permutations) shuffleInPlace(perm, rng);
  const testByClass = classIndices(dataset.splits.test, dataset.classNames.length);

  const train: number[][] = [];
  const val: number[][] = [];
  for (const cls of opts.studentClasses) {
    const perm = permutations[cls];
    const { valCount, maxShots } = classBudget(perm.length, opts.validationFraction);
    const shots = opts.shotsPerClass === 'all' ? maxShots : opts.shotsPerClass;
    if (shots > maxShots || shots < 1) {
      throw new SplitError(
        'split-too-few-images',
        `${dataset.title} class ${cls} (${dataset.classNames[cls]}) has ${perm.length} pool images; ${valCount} go to validation ` +
          `(fraction ${opts.validationFraction}), leaving ${maxShots} for training, but ${opts.shotsPerClass === 'all' ? 'at least 1 is' : `${shots} shots per class were`} asked. ` +
          `Lower the shots per class or the validation fraction.`,
      );
    }
    val.push(perm.slice(0, valCount));
    train.push(perm.slice(valCount, valCount + shots));
  }
  const test = opts.studentClasses.map((cls) => testByClass[cls]);
  return {
    train: gather(dataset.splits.pool, train, opts.studentClasses),
    val: gather(dataset.splits.pool, val, opts.studentClasses),
    test: gather(dataset.splits.test, test, opts.studentClasses),
  };
}

/**
 * The largest `shotsPerClass` that {@link sampleExperimentSplits} accepts for these classes
 * and validation fraction: min over classes of |pool_c| − round(validationFraction · |pool_c|).
 */
export function maxShotsPerClass(dataset: Dataset, studentClasses: number[], validationFraction: number): number {
  const counts = new Array<number>(dataset.classNames.length).fill(0);
  for (const label of dataset.splits.pool.labels) counts[label]++;
  return Math.min(...studentClasses.map((cls) => classBudget(counts[cls], validationFraction).maxShots));
}

/**
 * The first `count` pool images of class `cls` (fewer if the pool has fewer), as uint8
 * pixels, n×784, for thumbnails. Not randomised: the same images for every run.
 */
export function sampleClassImages(dataset: Dataset, cls: number, count: number): Uint8Array {
  const pool = dataset.splits.pool;
  const picked: number[] = [];
  for (let i = 0; i < pool.count && picked.length < count; i++) {
    if (pool.labels[i] === cls) picked.push(i);
  }
  const out = new Uint8Array(picked.length * IMAGE_SIZE);
  picked.forEach((src, j) => out.set(pool.images.subarray(src * IMAGE_SIZE, (src + 1) * IMAGE_SIZE), j * IMAGE_SIZE));
  return out;
}

function classBudget(poolCount: number, validationFraction: number): { valCount: number; maxShots: number } {
  const valCount = Math.round(validationFraction * poolCount);
  return { valCount, maxShots: poolCount - valCount };
}

function validateOptions(dataset: Dataset, opts: ExperimentSplitOptions): void {
  const classes = dataset.classNames.length;
  const bad = (what: string): never => {
    throw new SplitError('split-bad-options', what);
  };
  const { studentClasses, shotsPerClass, validationFraction, seed } = opts;
  if (studentClasses.length < 2) bad(`The student needs at least 2 classes, got ${studentClasses.length}.`);
  for (const cls of studentClasses) {
    if (!Number.isInteger(cls) || cls < 0 || cls >= classes) bad(`Student class ${cls} is not a class of ${dataset.title} (0..${classes - 1}).`);
  }
  if (new Set(studentClasses).size !== studentClasses.length) bad(`Student classes [${studentClasses.join(', ')}] repeat a class.`);
  if (shotsPerClass !== 'all' && (!Number.isInteger(shotsPerClass) || shotsPerClass < 1)) bad(`Shots per class must be a whole number ≥ 1 or 'all', got ${shotsPerClass}.`);
  if (!(validationFraction >= 0 && validationFraction < 1)) bad(`The validation fraction must be in [0, 1), got ${validationFraction}.`);
  if (!Number.isFinite(seed)) bad(`The seed must be a number, got ${seed}.`);
}

/** Indices of the records of each class, in storage order: result[c] lists the records of class c. */
function classIndices(split: Split, classes: number): number[][] {
  const out = Array.from({ length: classes }, (): number[] => []);
  for (let i = 0; i < split.count; i++) out[split.labels[i]].push(i);
  return out;
}

/** Copies the chosen records (perClass[i] for student label i) into a float split. */
function gather(split: Split, perClass: number[][], studentClasses: number[]): ExperimentSplit {
  const count = perClass.reduce((n, ids) => n + ids.length, 0);
  const images = new Float32Array(count * IMAGE_SIZE);
  const labels = new Int32Array(count);
  const indices = new Int32Array(count);
  let j = 0;
  perClass.forEach((ids, label) => {
    for (const src of ids) {
      const base = src * IMAGE_SIZE;
      const dst = j * IMAGE_SIZE;
      for (let p = 0; p < IMAGE_SIZE; p++) images[dst + p] = split.images[base + p] / 255;
      labels[j] = label;
      indices[j] = src;
      j++;
    }
  });
  return { images, labels, count, sourceClasses: [...studentClasses], indices };
}
