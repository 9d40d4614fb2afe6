/**
 * Stored teachers (IndexedDB, `user:<id>`) served as the files of a shipped teacher, so that
 * the engine loads them the one way it loads every teacher (`loadShippedTeacher`): a read of
 * `user:<id>/model.json`, `user:<id>/weights.bin` or `user:<id>/teacher.json` is answered
 * from the stored record; every other path goes to the shipped files.
 */
import type { FetchBytes } from '../core/data/loader';
import { TeacherError } from '../core/model/teacher';
import type { StorageResult } from '../storage/errors';
import { getTeacher, isStoredTeacherId, type StoredTeacher } from '../storage/teachers';

const WEIGHTS_FILE = 'weights.bin';

/** `shipped`, plus the stored teachers read through `read` (storage's getTeacher by default). */
export function withStoredTeachers(shipped: FetchBytes, read: (id: string) => Promise<StorageResult<StoredTeacher | undefined>> = getTeacher): FetchBytes {
  return async (path) => {
    const slash = path.indexOf('/');
    const id = slash < 0 ? '' : path.slice(0, slash);
    if (!isStoredTeacherId(id)) return shipped(path);
    const found = await read(id);
    if (!found.ok) throw new TeacherError('teacher-missing', `Teacher ${id} could not be read from this browser's storage: ${found.error.message}`);
    if (!found.value) throw new TeacherError('teacher-missing', `Teacher ${id} is not stored in this browser (deleted, or the link was made on another computer): pick another teacher.`);
    return storedTeacherFile(found.value, path.slice(slash + 1));
  };
}

/** One file of a stored teacher in the shipped layout; throws for a file it does not have. */
export function storedTeacherFile(teacher: StoredTeacher, file: string): Uint8Array {
  const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  switch (file) {
    case 'model.json': {
      const { weightSpecs, ...rest } = teacher.modelJson;
      return text({ ...rest, weightsManifest: [{ paths: [WEIGHTS_FILE], weights: weightSpecs }] });
    }
    case WEIGHTS_FILE:
      return new Uint8Array(teacher.weightData);
    case 'teacher.json':
      // No classes known (an upload whose classes were not given): no metadata, like a bare model.
      if (!teacher.classes) throw new TeacherError('teacher-missing', `Teacher ${teacher.id} has no class list.`);
      return text({ id: teacher.id, dataset: teacher.dataset, classes: teacher.classes, embeddingLayer: teacher.embeddingLayer });
    default:
      throw new TeacherError('teacher-missing', `Teacher ${teacher.id} has no file ${file}.`);
  }
}
