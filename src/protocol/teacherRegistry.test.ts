import { afterEach, describe, expect, it } from 'vitest';
import { teacherInfo } from './catalog';
import { resolveConfig } from './config';
import { setStoredTeachers } from './teacherRegistry';
import { decodeConfigHash } from './url';

afterEach(() => setStoredTeachers([]));

describe('stored teachers in links and configs', () => {
  it('a link naming a teacher this browser does not hold says its files are needed and keeps the other settings', () => {
    const { config, notices } = decodeConfigHash('#dataset=mnist&teacher=user:abc&shotsPerClass=20&seed=7');
    expect(notices).toEqual(['Teacher (teacher) is user:abc, a teacher uploaded in another browser (or deleted here): its model files are not in this browser; using the default fashion-0-4.']);
    expect(config.teacher).toBe('fashion-0-4');
    expect(config.shotsPerClass).toBe(20);
    expect(config.seed).toBe(7);
  });

  it('a link naming a kept teacher picks it, with its classes; unknown classes are []', () => {
    setStoredTeachers([
      { id: 'user:abc', title: 'Mine', dataset: 'mnist', classes: [3, 1], classesKnown: true },
      { id: 'user:odd', title: 'Odd', dataset: 'mnist', classes: [], classesKnown: false },
    ]);
    const known = decodeConfigHash('#dataset=mnist&teacher=user:abc&shotsPerClass=20');
    expect(known.notices).toEqual([]);
    expect(known.config).toMatchObject({ teacher: 'user:abc', teacherClasses: [3, 1] });
    expect(resolveConfig({ dataset: 'mnist', teacher: 'user:odd' })).toMatchObject({ teacher: 'user:odd', teacherClasses: [] });
    expect(teacherInfo('user:abc')?.title).toBe('Mine');
  });

  it("refuses a kept teacher on another dataset, or with other classes than it has", () => {
    setStoredTeachers([{ id: 'user:abc', title: 'Mine', dataset: 'mnist', classes: [3, 1], classesKnown: true }]);
    expect(() => resolveConfig({ dataset: 'fashion-mnist', teacher: 'user:abc' })).toThrow(/user:abc was trained on MNIST digits, not Fashion-MNIST/);
    expect(() => resolveConfig({ dataset: 'mnist', teacher: 'user:abc', teacherClasses: [1, 3] })).toThrow(/must be 3,1, the classes teacher user:abc was trained on/);
  });
});
