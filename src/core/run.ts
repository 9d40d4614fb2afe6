import type { ExperimentConfig } from '../protocol/config';
import type { LoadingPhase } from '../protocol/messages';
import { loadDataset, type Dataset, type FetchBytes } from './data/loader';
import { sampleExperimentSplits } from './data/splits';
import { loadLayersModel, teacherFromLayersModel, TeacherError, type Teacher, type TeacherMetadata } from './model/teacher';
import { Experiment, type ExperimentHooks, type ExperimentOptions } from './trainer/experiment';

/** Where a run's static files come from: `public/data/…` and `public/teachers/<id>/…`. */
export interface AssetSource {
  /** Reads a path relative to the data root (e.g. `fashion-mnist/manifest.json`). */
  data: FetchBytes;
  /** Reads a path relative to the teachers root (e.g. `fashion-0-4/model.json`). */
  teachers: FetchBytes;
}

export interface LoadedTeacher {
  teacher: Teacher;
  metadata: TeacherMetadata | null;
}

/**
 * Loads datasets and teachers once and keeps them: a page or a study runs many experiments
 * on the same files. The teachers are frozen, so sharing them between runs is safe.
 */
export class AssetCache {
  private readonly datasets = new Map<string, Promise<Dataset>>();
  private readonly teachers = new Map<string, Promise<LoadedTeacher>>();

  constructor(readonly source: AssetSource) {}

  dataset(name: string): Promise<Dataset> {
    return memoised(this.datasets, name, () => loadDataset(name, this.source.data));
  }

  teacher(id: string): Promise<LoadedTeacher> {
    return memoised(this.teachers, id, () => loadShippedTeacher(id, this.source.teachers));
  }

  /** Replaces a teacher (e.g. one the user uploaded) under an id. */
  setTeacher(id: string, loaded: LoadedTeacher): void {
    this.teachers.set(id, Promise.resolve(loaded));
  }

  /**
   * Frees and forgets the loaded teachers (the data sets stay): their weights live on the
   * backend they were loaded on, and a run moving to another backend loads them again there.
   */
  forgetTeachers(): void {
    for (const p of this.teachers.values()) void p.then((t) => t.teacher.dispose(), () => undefined);
    this.teachers.clear();
  }

  dispose(): void {
    for (const p of this.teachers.values()) void p.then((t) => t.teacher.dispose(), () => undefined);
    this.teachers.clear();
    this.datasets.clear();
  }
}

/** The cached promise for `key`, loading it on first use; a failed load is forgotten so that it can be retried. */
function memoised<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = load();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/** Loads `<id>/model.json` (+ weights) and `<id>/teacher.json` metadata through `fetchBytes`. */
export async function loadShippedTeacher(id: string, fetchBytes: FetchBytes): Promise<LoadedTeacher> {
  const model = await loadLayersModel((path) => fetchBytes(`${id}/${path}`));
  const teacher = teacherFromLayersModel(model);
  let metadata: TeacherMetadata | null;
  try {
    metadata = JSON.parse(new TextDecoder().decode(await fetchBytes(`${id}/teacher.json`))) as TeacherMetadata;
  } catch {
    metadata = null;
  }
  return { teacher, metadata };
}

/** Checks that the teacher fits the configuration (its classes, and a head for Hinton KD). */
export function checkTeacherFits(config: ExperimentConfig, loaded: LoadedTeacher): void {
  const { metadata, teacher } = loaded;
  if (metadata && metadata.classes.join(',') !== config.teacherClasses.join(',')) {
    throw new TeacherError('teacher-incompatible', `Teacher ${config.teacher} was trained on classes ${metadata.classes.join(',')}, but the configuration says ${config.teacherClasses.join(',')}.`);
  }
  if (config.method === 'kd' && teacher.numClasses !== config.teacherClasses.length) {
    throw new TeacherError('teacher-incompatible', `Hinton KD needs the teacher's ${teacher.numClasses} outputs to be its ${config.teacherClasses.length} classes.`);
  }
}

/**
 * Everything a run needs, loaded and checked: the dataset, the teacher, the seeded splits;
 * then the experiment itself, with the teacher's embeddings cached. `onPhase` hears each
 * loading phase as it begins (data and teacher load together; the data are awaited first).
 */
export async function createExperiment(
  config: ExperimentConfig,
  assets: AssetCache,
  options: Omit<ExperimentOptions, 'classNames'>,
  hooks: ExperimentHooks = {},
  onPhase: (phase: LoadingPhase) => void = () => undefined,
): Promise<Experiment> {
  onPhase('data');
  const datasetLoad = assets.dataset(config.dataset);
  const teacherLoad = assets.teacher(config.teacher);
  // Both start now; a failure of either is reported, the other's settled quietly.
  void teacherLoad.catch(() => undefined);
  const dataset = await datasetLoad;
  onPhase('teacher');
  const loaded = await teacherLoad;
  checkTeacherFits(config, loaded);
  onPhase('split');
  const splits = sampleExperimentSplits(dataset, {
    studentClasses: config.studentClasses,
    shotsPerClass: config.shotsPerClass,
    validationFraction: config.validationFraction,
    seed: config.seed,
  });
  const classNames = config.studentClasses.map((c) => dataset.classNames[c]);
  onPhase('teacher-embeddings');
  return Experiment.create(config, splits, loaded.teacher, { ...options, classNames }, hooks);
}
