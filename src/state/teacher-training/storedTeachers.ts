/**
 * The stored teachers as the page sees them: read from storage into the teacher-training
 * store, and picked as the run's teacher (data set, id and classes in one change).
 */
import { deleteTeacher, listTeachers, type TeacherSummary } from '../../storage/teachers';
import { useConfigStore } from '../configStore';
import { useTeacherTrainingStore } from './store';

/** Reads the stored teachers into the store; a storage failure is kept as its sentence. */
export async function refreshStoredTeachers(): Promise<void> {
  const r = await listTeachers();
  if (r.ok) useTeacherTrainingStore.getState().setStored(r.value);
  else useTeacherTrainingStore.getState().setStored([], r.error.message);
}

/**
 * Makes a stored teacher the run's teacher: its data set, its id, and its classes as the
 * teacher's classes (the student's classes are kept where the data set allows).
 */
export function chooseStoredTeacher(teacher: Pick<TeacherSummary, 'id' | 'dataset' | 'classes'>): void {
  const config = useConfigStore.getState();
  config.setDataset(teacher.dataset);
  config.setTeacher(teacher.id);
  if (teacher.classes) useConfigStore.getState().setField('teacherClasses', [...teacher.classes]);
}

/** Deletes a stored teacher and re-reads the list. */
export async function removeStoredTeacher(id: string): Promise<string | null> {
  const r = await deleteTeacher(id);
  await refreshStoredTeachers();
  return r.ok ? null : r.error.message;
}

/** The stored teacher with this id, from the store (null: not stored, or not read yet). */
export function storedTeacher(id: string): TeacherSummary | null {
  return useTeacherTrainingStore.getState().stored?.find((t) => t.id === id) ?? null;
}
