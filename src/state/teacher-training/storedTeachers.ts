/**
 * A teacher trained here joins the teachers kept in this browser (state/teachersStore.ts,
 * shared with uploaded ones) and can be picked as the run's teacher in one change.
 */
import type { TeacherSummary } from '../../storage/teachers';
import { useConfigStore } from '../configStore';
import { useTeachersStore } from '../teachersStore';

/** Re-reads the kept teachers (after a teacher was trained and saved). */
export function refreshStoredTeachers(): Promise<void> {
  return useTeachersStore.getState().refresh();
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
