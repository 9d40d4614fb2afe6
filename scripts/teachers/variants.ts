/**
 * Teacher variants: the shipped recipe and stronger ones (wider, trained on augmented
 * images), as data. Pure: no tfjs, no files; scripts/train-teachers.ts builds them and the
 * study (scripts/study/grid.ts) runs arms against them (`refilled-tpami@wide`).
 *
 * A variant of teacher `<id>` lives in `public/teachers/<id>-<variant>/` beside the shipped
 * `public/teachers/<id>/`, with the same files (model.json, weights.bin, teacher.json).
 */
import type { AugmentSpec } from '../../src/core/data/augment';

export interface TeacherVariant {
  id: string;
  /** Channel multiplier of the ConvNet (1: 32/64/128 channels). */
  widthMultiplier: number;
  /** Largest random shift in pixels during training (0: none). */
  shift: number;
  /** Random left–right flips during training, on data sets where a mirrored image keeps its class. */
  flip: boolean;
  note: string;
}

/**
 * The shipped recipe; its folder is `<id>` itself. As a study arm suffix (`vanilla@shipped`,
 * `refilled-tpami@shipped`) it reruns an arm with the shipped teacher under keys of its own,
 * so that a comparison with the variants runs on one code version.
 */
export const SHIPPED_VARIANT = 'shipped';

export const TEACHER_VARIANTS: readonly TeacherVariant[] = [
  { id: SHIPPED_VARIANT, widthMultiplier: 1, shift: 0, flip: false, note: 'the shipped teacher (width 1: 32/64/128 channels, no augmentation)' },
  { id: 'aug', widthMultiplier: 1, shift: 2, flip: true, note: 'same size, shifts ±2 px (and flips on Fashion-MNIST)' },
  { id: 'wide', widthMultiplier: 2, shift: 0, flip: false, note: 'twice the channels (64/128/256)' },
  { id: 'wide-aug', widthMultiplier: 2, shift: 2, flip: true, note: 'twice the channels, shifts ±2 px (and flips on Fashion-MNIST)' },
];

/** The largest weights file a teacher may have. */
export const MAX_TEACHER_BYTES = 2 * 1024 * 1024;

export function teacherVariant(id: string): TeacherVariant {
  const v = TEACHER_VARIANTS.find((t) => t.id === id);
  if (!v) throw new Error(`unknown teacher variant "${id}"; known: ${TEACHER_VARIANTS.map((t) => t.id).join(', ')}`);
  return v;
}

/** The folder under public/teachers/ of teacher `teacherId` built with `variant`. */
export function variantFolder(teacherId: string, variant: string): string {
  return variant === SHIPPED_VARIANT ? teacherId : `${teacherId}-${variant}`;
}

/** The augmentation a variant trains with on a data set: flips only where mirroring keeps the class (not digits). */
export function variantAugment(variant: TeacherVariant, dataset: string): AugmentSpec {
  return { shift: variant.shift, flip: variant.flip && dataset === 'fashion-mnist' };
}

/**
 * Float32 weight bytes of a ConvNet with these block channels and classes: per block a 3×3
 * kernel and four BN vectors (γ, β, moving mean and variance), then the dense head.
 */
export function convNetWeightBytes(channels: readonly number[], numClasses: number): number {
  let cIn = 1;
  let params = 0;
  for (const c of channels) {
    params += 9 * cIn * c + 4 * c;
    cIn = c;
  }
  return 4 * (params + cIn * numClasses + numClasses);
}

/**
 * Epochs that fit a time budget: the budget over the measured time of one epoch
 * (msPerStep × steps per epoch), at most `maxEpochs`, rounded down to a tenth, at least a tenth.
 */
export function epochsForBudget(budgetMs: number, msPerStep: number, stepsPerEpoch: number, maxEpochs: number): number {
  const fit = budgetMs / (msPerStep * stepsPerEpoch);
  return Math.max(0.1, Math.min(maxEpochs, Math.floor(fit * 10) / 10));
}
