/**
 * Page start-up and the stored teachers: the list is read from IndexedDB (asynchronous) once.
 * A link naming a stored teacher (`teacher=user:…`) waits for it, so that the link is read
 * with that teacher known; any other page starts at once and reads the list meanwhile.
 */
import { isStoredTeacherIdText } from '../../protocol/teacherRegistry';
import { useTeachersStore } from '../../state/teachersStore';

let reading: Promise<void> | null = null;

/** Whether a location hash names a stored teacher. */
export function hashNamesStoredTeacher(hash: string): boolean {
  const teacher = new URLSearchParams(hash.replace(/^#/, '')).get('teacher');
  return teacher !== null && isStoredTeacherIdText(teacher);
}

/**
 * Starts reading the stored teachers (once). Returns true when start-up must wait for them:
 * then `retry` is called when they are read (or failed to be).
 */
export function deferForStoredTeachers(hash: string, retry: () => void): boolean {
  const first = reading === null;
  reading ??= useTeachersStore.getState().refresh();
  if (!first || !hashNamesStoredTeacher(hash)) return false;
  void reading.finally(retry);
  return true;
}
