/**
 * The class-overlap control: from disjoint classes (cross-task, REFILLED's setting) through
 * partial overlap to the teacher's own classes (same-task, standard KD). Each level is the
 * number k of the teacher's K classes the student shares; the student gets
 *   the first k of the teacher's classes (ascending) + the first min(K − k, O) of the O
 *   classes the teacher never saw (ascending),
 * so it keeps the teacher's class count where the data set has enough other classes, and
 * level K is exactly the teacher's classes. Levels that would leave the student fewer than 2
 * classes are not offered (with an all-classes teacher, k < K gives a subset of its classes).
 */
import { taskRelation, type TaskRelation } from './catalog';

export interface OverlapLevel {
  /** Classes shared with the teacher, k. */
  shared: number;
  studentClasses: number[];
  relation: TaskRelation;
}

/** Every level of the control for a teacher's classes in a data set of `numClasses`, from k = 0 up. */
export function overlapLevels(teacherClasses: readonly number[], numClasses: number): OverlapLevel[] {
  const teacher = [...new Set(teacherClasses)].filter((c) => c >= 0 && c < numClasses).sort((a, b) => a - b);
  const others = Array.from({ length: numClasses }, (_, c) => c).filter((c) => !teacher.includes(c));
  const levels: OverlapLevel[] = [];
  for (let k = 0; k <= teacher.length; k++) {
    const studentClasses = [...teacher.slice(0, k), ...others.slice(0, Math.min(teacher.length - k, others.length))].sort((a, b) => a - b);
    if (studentClasses.length < 2) continue;
    levels.push({ shared: k, studentClasses, relation: taskRelation(teacher, studentClasses) });
  }
  return levels;
}

/** The student's classes at overlap level k (the nearest offered level); null when none is offered. */
export function studentClassesForOverlap(teacherClasses: readonly number[], numClasses: number, shared: number): number[] | null {
  const levels = overlapLevels(teacherClasses, numClasses);
  if (levels.length === 0) return null;
  const nearest = levels.reduce((best, l) => (Math.abs(l.shared - shared) < Math.abs(best.shared - shared) ? l : best));
  return nearest.studentClasses;
}

/** How many of the student's classes the teacher knows (where the control stands now). */
export function sharedClasses(teacherClasses: readonly number[], studentClasses: readonly number[]): number {
  const teacher = new Set(teacherClasses);
  return studentClasses.filter((c) => teacher.has(c)).length;
}
