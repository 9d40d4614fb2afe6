/**
 * What ships with the app: datasets and pretrained teachers under `public/`.
 * Shared by the engine, the worker and the UI, so it holds plain data only.
 */

export const DATASETS = {
  'fashion-mnist': {
    title: 'Fashion-MNIST',
    /** A mirrored shirt, shoe or bag is still one: horizontal flips keep every class. */
    flipKeepsClass: true,
    /** Images of each class in the shipped `pool` split (train + validation draw from it; see its manifest). */
    poolImagesPerClass: 300,
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  },
  mnist: {
    title: 'MNIST digits',
    /** A mirrored 2, 3, 4, 5, 6, 7 or 9 is no longer that digit: flips are refused. */
    flipKeepsClass: false,
    poolImagesPerClass: 300,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  },
} as const;

export type DatasetId = keyof typeof DATASETS;
export const DATASET_IDS = Object.keys(DATASETS) as DatasetId[];

export interface TeacherInfo {
  /** Folder under `public/teachers/`. */
  id: string;
  title: string;
  dataset: DatasetId;
  /** Dataset class indices the teacher was trained on, in the order of its head's outputs. */
  classes: number[];
}

export const TEACHERS: readonly TeacherInfo[] = [
  { id: 'fashion-0-4', title: 'Fashion-MNIST teacher, classes 0–4 (cross-task)', dataset: 'fashion-mnist', classes: [0, 1, 2, 3, 4] },
  { id: 'fashion-all', title: 'Fashion-MNIST teacher, all 10 classes (standard KD)', dataset: 'fashion-mnist', classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
  { id: 'mnist-0-4', title: 'MNIST teacher, digits 0–4 (cross-task)', dataset: 'mnist', classes: [0, 1, 2, 3, 4] },
  { id: 'fashion-5-9', title: 'Fashion-MNIST teacher, classes 5–9 (cross-task)', dataset: 'fashion-mnist', classes: [5, 6, 7, 8, 9] },
  { id: 'mnist-5-9', title: 'MNIST teacher, digits 5–9 (cross-task)', dataset: 'mnist', classes: [5, 6, 7, 8, 9] },
];

export const TEACHER_IDS = TEACHERS.map((t) => t.id);

/**
 * A teacher kept in this browser (trained here or uploaded): `user:` + its random id. Not in
 * TEACHERS; its data set and classes come with it from storage.
 */
export function isStoredTeacherRef(id: unknown): id is string {
  return typeof id === 'string' && /^user:[A-Za-z0-9_-]+$/.test(id);
}

export function teacherInfo(id: string): TeacherInfo | undefined {
  return TEACHERS.find((t) => t.id === id);
}

/** How the student's classes relate to the teacher's. */
export type TaskRelation = 'cross-task' | 'same-task' | 'partial-overlap';

export function taskRelation(teacherClasses: readonly number[], studentClasses: readonly number[]): TaskRelation {
  const teacher = new Set(teacherClasses);
  const shared = studentClasses.filter((c) => teacher.has(c)).length;
  if (shared === 0) return 'cross-task';
  if (shared === studentClasses.length && shared === teacher.size) return 'same-task';
  return 'partial-overlap';
}
