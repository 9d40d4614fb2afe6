import type { ExperimentConfig } from '../protocol/config';
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
    let p = this.datasets.get(name);
    if (!p) {
      p = loadDataset(name, this.source.data);
      p.catch(() => this.datasets.delete(name));
      this.datasets.set(name, p);
    }
    return p;
  }

  teacher(id: string): Promise<LoadedTeacher> {
    let p = this.teachers.get(id);
    if (!p) {
      p = loadShippedTeacher(id, this.source.teachers);
      p.catch(() => this.teachers.delete(id));
      this.teachers.set(id, p);
    }
    return p;
  }

  /** Replaces a teacher (e.g. one the user uploaded) under an id. */
  setTeacher(id: string, loaded: LoadedTeacher): void {
    this.teachers.set(id, Promise.resolve(loaded));
  }

  dispose(): void {
    for (const p of this.teachers.values()) void p.then((t) => t.teacher.dispose(), () => undefined);
    this.teachers.clear();
    this.datasets.clear();
  }
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
 * then the experiment itself, with the teacher's embeddings cached.
 */
export async function createExperiment(config: ExperimentConfig, assets: AssetCache, options: Omit<ExperimentOptions, 'classNames'>, hooks: ExperimentHooks = {}): Promise<Experiment> {
  const [dataset, loaded] = await Promise.all([assets.dataset(config.dataset), assets.teacher(config.teacher)]);
  checkTeacherFits(config, loaded);
  const splits = sampleExperimentSplits(dataset, {
    studentClasses: config.studentClasses,
    shotsPerClass: config.shotsPerClass,
    validationFraction: config.validationFraction,
    seed: config.seed,
  });
  const classNames = config.studentClasses.map((c) => dataset.classNames[c]);
  return Experiment.create(config, splits, loaded.teacher, { ...options, classNames }, hooks);
}
