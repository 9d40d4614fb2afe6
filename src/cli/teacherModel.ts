/**
 * `--teacher-model path/to/model.json`: a teacher from a tfjs layers model on disk, with its
 * weight files beside it (an uploaded teacher's files, or a student saved by
 * `--save-student`). The files pass the same checks as an upload in the app
 * (protocol/teacherUpload.ts); the teacher is known to the config as `user:<folder name>`,
 * its classes the config's `teacherClasses` when given (`--set teacherClasses=0-4`), else
 * unknown (cross-task assumed).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { layersModelFromArtifacts, teacherFromLayersModel, TeacherError } from '../core/model/teacher';
import type { LoadedTeacher } from '../core/run';
import type * as tf from '@tensorflow/tfjs';
import type { DatasetId } from '../protocol/catalog';
import { DEFAULT_CONFIG } from '../protocol/config';
import { addStoredTeacher, STORED_TEACHER_ID_PREFIX } from '../protocol/teacherRegistry';
import { checkTeacherFiles, type PickedFile } from '../protocol/teacherUpload';

/** The config id of a teacher read from `modelJsonPath`: `user:` + its folder's name. */
export function teacherModelId(modelJsonPath: string): string {
  const folder = path.basename(path.dirname(path.resolve(modelJsonPath))).replace(/[^A-Za-z0-9._-]/g, '-');
  return `${STORED_TEACHER_ID_PREFIX}${folder || 'model'}`;
}

/** Makes the teacher of `modelJsonPath` known to the config validator; returns its id. */
export function registerTeacherModel(modelJsonPath: string, dataset: DatasetId, classes: number[] | null): string {
  const id = teacherModelId(modelJsonPath);
  addStoredTeacher({ id, title: modelJsonPath, dataset, classes: classes ?? [], classesKnown: classes !== null });
  return id;
}

/** model.json and every .bin file beside it, as the checks take picked files. */
async function filesBeside(modelJsonPath: string): Promise<PickedFile[]> {
  const dir = path.dirname(modelJsonPath);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.bin'));
  } catch (e) {
    throw new TeacherError('teacher-missing', `Cannot read the folder of ${modelJsonPath}: ${(e as Error).message}`);
  }
  const paths = [modelJsonPath, ...names.map((n) => path.join(dir, n))];
  const files: PickedFile[] = [];
  for (const p of paths) {
    let size: number;
    try {
      size = (await stat(p)).size;
    } catch (e) {
      throw new TeacherError('teacher-missing', `Cannot read ${p}: ${(e as Error).message}`);
    }
    files.push({ name: path.basename(p), size, arrayBuffer: async () => new Uint8Array(await readFile(p)).buffer });
  }
  return files;
}

/** Reads, checks and builds the teacher of `modelJsonPath`; throws TeacherError with the check's message. */
export async function loadTeacherModel(modelJsonPath: string): Promise<LoadedTeacher> {
  const checked = await checkTeacherFiles(await filesBeside(modelJsonPath));
  if (!checked.ok) throw new TeacherError('teacher-incompatible', `${modelJsonPath}: ${checked.error.message}`);
  const { modelJson, weightData } = checked.model;
  const model = await layersModelFromArtifacts(modelJson.modelTopology, modelJson.weightSpecs as tf.io.WeightsManifestEntry[], weightData);
  try {
    return { teacher: teacherFromLayersModel(model), metadata: null };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * The config fields `--teacher-model` sets on the flat (dotted-key) config: `teacher` (its id,
 * registered on the config's dataset) and `teacherClasses` ([] when unknown).
 */
export function teacherModelFields(modelJsonPath: string, flat: Record<string, unknown>): Record<string, unknown> {
  const dataset = (typeof flat.dataset === 'string' ? flat.dataset : DEFAULT_CONFIG.dataset) as DatasetId;
  const classes = Array.isArray(flat.teacherClasses) ? (flat.teacherClasses as number[]) : null;
  return { teacher: registerTeacherModel(modelJsonPath, dataset, classes), teacherClasses: classes ?? [] };
}
