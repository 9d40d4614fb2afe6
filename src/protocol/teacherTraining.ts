/**
 * Training a teacher in the browser: what the user asks for (a data set, any two or more of
 * its classes, a width, epochs), its validator, and the messages between the page and the
 * teacher-training worker. A second worker, not the student's: a teacher trains for minutes,
 * and meanwhile the page (and student runs) stay usable.
 */
import { DATASETS, type DatasetId } from './catalog';
import type { BackendInfo, BackendName, ErrorCode } from './messages';

/** Channel multipliers offered for a browser-trained teacher (1.0 is the shipped teachers' size). */
export const TEACHER_WIDTHS = [1, 0.5, 0.25, 0.125] as const;
export type TeacherWidth = (typeof TEACHER_WIDTHS)[number];

export const TEACHER_EPOCHS = { min: 1, max: 50 } as const;
export const TEACHER_BATCH_SIZES = [32, 64, 128] as const;

export interface TeacherTrainingSpec {
  dataset: DatasetId;
  /** Dataset class indices, in the order of the teacher's head outputs (ascending). */
  classes: number[];
  widthMultiplier: TeacherWidth;
  epochs: number;
  batchSize: (typeof TEACHER_BATCH_SIZES)[number];
  seed: number;
}

export const DEFAULT_TEACHER_TRAINING: TeacherTrainingSpec = {
  dataset: 'fashion-mnist',
  classes: [0, 1, 2, 3, 4],
  widthMultiplier: 0.5,
  epochs: 5,
  batchSize: 64,
  seed: 2020,
};

/**
 * Training images per class of the shipped teachers (the official training sets: 6,000 per
 * Fashion-MNIST class; about 630 per digit from the 10,000 MNIST digits outside the test
 * subset). A browser-trained teacher sees only the shipped pool split.
 */
export const SHIPPED_TEACHER_IMAGES_PER_CLASS: Record<DatasetId, number> = { 'fashion-mnist': 6000, mnist: 626 };

/** Images a browser-trained teacher trains on: the pool split of its classes. */
export function teacherTrainingImages(spec: Pick<TeacherTrainingSpec, 'dataset' | 'classes'>): number {
  return spec.classes.length * DATASETS[spec.dataset].poolImagesPerClass;
}

/** Steps of a training run: whole batches per epoch (the remainder is dropped) × epochs. */
export function teacherTrainingSteps(spec: TeacherTrainingSpec): number {
  return Math.floor(teacherTrainingImages(spec) / spec.batchSize) * spec.epochs;
}

/** Every problem of a spec, as sentences that say what to do; empty when it can train. */
export function validateTeacherTraining(spec: TeacherTrainingSpec): string[] {
  const problems: string[] = [];
  const dataset = DATASETS[spec.dataset];
  if (!dataset) return [`Unknown data set "${String(spec.dataset)}": pick Fashion-MNIST or MNIST.`];
  const n = dataset.classNames.length;
  if (spec.classes.length < 2) problems.push(`Pick at least 2 classes for the teacher (${spec.classes.length} picked).`);
  if (spec.classes.some((c) => !Number.isInteger(c) || c < 0 || c >= n)) problems.push(`Classes must be from 0 to ${n - 1}.`);
  if (new Set(spec.classes).size !== spec.classes.length) problems.push('A class is listed twice: remove the repeat.');
  if (!(TEACHER_WIDTHS as readonly number[]).includes(spec.widthMultiplier)) problems.push(`Width must be one of ${TEACHER_WIDTHS.join(', ')}.`);
  if (!Number.isInteger(spec.epochs) || spec.epochs < TEACHER_EPOCHS.min || spec.epochs > TEACHER_EPOCHS.max) {
    problems.push(`Epochs must be a whole number from ${TEACHER_EPOCHS.min} to ${TEACHER_EPOCHS.max}.`);
  }
  if (!(TEACHER_BATCH_SIZES as readonly number[]).includes(spec.batchSize)) problems.push(`Batch size must be one of ${TEACHER_BATCH_SIZES.join(', ')}.`);
  if (!Number.isInteger(spec.seed) || spec.seed < 0) problems.push('The seed must be a whole number ≥ 0.');
  return problems;
}

/** A default name: data set, classes, width and epochs. */
export function trainedTeacherTitle(spec: TeacherTrainingSpec): string {
  const d = DATASETS[spec.dataset];
  const names = spec.classes.length === d.classNames.length ? 'all classes' : spec.classes.map((c) => d.classNames[c]).join(', ');
  return `${d.title} teacher (trained here): ${names} · ${spec.widthMultiplier}× · ${spec.epochs} epoch${spec.epochs === 1 ? '' : 's'}`;
}

/** What the worker measured and saved; the full record is in storage under `id`. */
export interface TrainedTeacherReport {
  id: string;
  title: string;
  dataset: DatasetId;
  classes: number[];
  trainingImages: number;
  /** Head accuracy on the teacher's own classes' test images. */
  testAccuracy: number;
  testImages: number;
  /** NCM accuracy of the frozen embedding on the other classes; null with fewer than 2 other classes. */
  ncmOtherClasses: number | null;
  parameters: number;
  embeddingSize: number;
  /** Mean loss of each epoch. */
  epochLosses: number[];
  trainMs: number;
}

export type TeacherTrainingPhase = 'data' | 'training' | 'evaluating' | 'saving';

/** Page → teacher-training worker. */
export type TeacherTrainingRequest =
  /** First message: the backend (null: the best available) and where the app's static files are. */
  | { type: 'init'; backend: BackendName | null; baseUrl?: string }
  | { type: 'train'; jobId: number; spec: TeacherTrainingSpec; title?: string }
  /** Stops the job at its next step; nothing is saved. */
  | { type: 'cancel'; jobId: number };

/** Teacher-training worker → page. */
export type TeacherTrainingEvent =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'phase'; jobId: number; phase: TeacherTrainingPhase }
  /** Posted at most every few hundred ms while training; `epochLoss` is the last finished epoch's mean loss. */
  | { type: 'progress'; jobId: number; step: number; totalSteps: number; epoch: number; epochs: number; elapsedMs: number; epochLoss: number | null; numTensors: number }
  | { type: 'saved'; jobId: number; teacher: TrainedTeacherReport }
  | { type: 'cancelled'; jobId: number }
  | { type: 'error'; jobId: number | null; code: ErrorCode; message: string; hint: string };
