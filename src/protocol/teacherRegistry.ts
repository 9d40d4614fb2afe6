/**
 * The teachers a page (or worker) knows besides the shipped ones: those the user uploaded,
 * kept in this browser's storage. The list is runtime data, so it lives here and not in the
 * catalog's constant table; the config validator, the URL and the picker ask `teacherInfo`
 * (catalog.ts), which looks here after the shipped teachers.
 *
 * A teacher whose classes the user did not name has `classes: []` and `classesKnown: false`:
 * runs with it assume cross-task (no student class is the teacher's), and Hinton KD, which
 * needs the teacher's head to be the student's classes, is refused.
 */
import type { TeacherInfo } from './catalog';

/** Ids of stored teachers start with this, so they never clash with the shipped ones. */
export const STORED_TEACHER_ID_PREFIX = 'user:';

export interface StoredTeacherInfo extends TeacherInfo {
  /** False when the user uploaded it with "classes unknown" (then `classes` is []). */
  classesKnown: boolean;
}

const stored = new Map<string, StoredTeacherInfo>();
const listeners = new Set<() => void>();

export function isStoredTeacherIdText(id: string): boolean {
  return id.startsWith(STORED_TEACHER_ID_PREFIX) && id.length > STORED_TEACHER_ID_PREFIX.length;
}

/** Replaces the known stored teachers (after reading storage, an upload or a delete). */
export function setStoredTeachers(list: readonly StoredTeacherInfo[]): void {
  stored.clear();
  for (const t of list) stored.set(t.id, t);
  for (const listener of listeners) listener();
}

/** Adds or replaces one (the worker registers the teacher it loads). */
export function addStoredTeacher(info: StoredTeacherInfo): void {
  stored.set(info.id, info);
  for (const listener of listeners) listener();
}

export function storedTeacherInfo(id: string): StoredTeacherInfo | undefined {
  return stored.get(id);
}

export function storedTeacherInfos(): StoredTeacherInfo[] {
  return [...stored.values()];
}

/** Calls `listener` after every change; returns the unsubscribe. */
export function onStoredTeachersChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
