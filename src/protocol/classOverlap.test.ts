import { describe, expect, it } from 'vitest';
import { overlapLevels, sharedClasses, studentClassesForOverlap } from './classOverlap';

describe('class overlap', () => {
  it('walks a 5-class teacher from disjoint to identical, keeping 5 student classes', () => {
    const levels = overlapLevels([0, 1, 2, 3, 4], 10);
    expect(levels.map((l) => [l.shared, l.studentClasses, l.relation])).toEqual([
      [0, [5, 6, 7, 8, 9], 'cross-task'],
      [1, [0, 5, 6, 7, 8], 'partial-overlap'],
      [2, [0, 1, 5, 6, 7], 'partial-overlap'],
      [3, [0, 1, 2, 5, 6], 'partial-overlap'],
      [4, [0, 1, 2, 3, 5], 'partial-overlap'],
      [5, [0, 1, 2, 3, 4], 'same-task'],
    ]);
  });

  it('takes the teacher classes in ascending order whatever order they are given in', () => {
    expect(studentClassesForOverlap([9, 7, 8], 10, 2)).toEqual([0, 7, 8]);
  });

  it('shrinks the student when too few other classes exist, and skips levels under 2 classes', () => {
    // 8-class teacher, 2 others: k = 0 → the 2 others; k = 1 → 1 + 2.
    const levels = overlapLevels([0, 1, 2, 3, 4, 5, 6, 7], 10);
    expect(levels[0]).toEqual({ shared: 0, studentClasses: [8, 9], relation: 'cross-task' });
    expect(levels[1].studentClasses).toEqual([0, 8, 9]);
    expect(levels.at(-1)).toMatchObject({ shared: 8, relation: 'same-task' });
    // All-classes teacher: no disjoint level; k = 1 is a single class, not offered.
    const all = overlapLevels([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10);
    expect(all[0]).toEqual({ shared: 2, studentClasses: [0, 1], relation: 'partial-overlap' });
    expect(all.at(-1)?.relation).toBe('same-task');
    // A 2-class teacher: 0, 1 and 2 shared, all with 2 student classes.
    expect(overlapLevels([3, 6], 10).map((l) => l.studentClasses)).toEqual([[0, 1], [0, 3], [3, 6]]);
  });

  it('snaps to the nearest offered level and counts what is shared', () => {
    expect(studentClassesForOverlap([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10, 0)).toEqual([0, 1]);
    expect(studentClassesForOverlap([0, 1], 10, 99)).toEqual([0, 1]);
    expect(studentClassesForOverlap([], 1, 0)).toBeNull();
    expect(sharedClasses([0, 1, 2], [2, 3, 4])).toBe(1);
  });
});
