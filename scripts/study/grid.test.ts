import { describe, expect, it } from 'vitest';
import { ARMS, armSpec, enumerateGrid, keyOf, splitSpec, teacherFolderOf, mergeRuns, parseJsonLines, parseShard, shardOf, SUITE } from './grid';
import { resolveConfig } from '../../src/protocol/config';
import { teacherInfo } from '../../src/protocol/catalog';

describe('study grid', () => {
  const axes = { splits: SUITE.map((s) => s.id), arms: ['vanilla', 'refilled-tpami-cal', 'stage1-only'], widths: [0.5], shots: [5, 10, 20], seeds: [1, 2, 3, 4, 5] };

  it('enumerates every combination once, arms first', () => {
    const cells = enumerateGrid(axes);
    expect(cells.length).toBe(SUITE.length * 3 * 3 * 5);
    expect(new Set(cells.map(keyOf)).size).toBe(cells.length);
    expect(cells[0].arm).toBe('vanilla');
    expect(cells[cells.length - 1].arm).toBe('stage1-only');
  });

  it('shards are disjoint and together the whole grid, for any shard count', () => {
    const cells = enumerateGrid(axes);
    for (const n of [1, 2, 3, 7, 14, 1000]) {
      const shards = Array.from({ length: n }, (_, i) => shardOf(cells, i, n));
      const keys = shards.flat().map(keyOf);
      expect(keys.length).toBe(cells.length);
      expect(new Set(keys)).toEqual(new Set(cells.map(keyOf)));
      // Round-robin: sizes differ by at most one, and each shard starts with the first arm.
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      if (n <= 14) for (const s of shards) expect(s[0].arm).toBe('vanilla');
    }
    expect(() => shardOf(cells, 3, 3)).toThrow(/0 ≤ i < n/);
    expect(parseShard('2/14')).toEqual({ index: 2, count: 14 });
    expect(() => parseShard('2of14')).toThrow(/i\/n/);
  });

  it('shard + merge = the whole grid; a torn line is redone, duplicates keep the first', () => {
    const cells = enumerateGrid(axes);
    const runs = (list: typeof cells, tag: string) => list.map((c) => ({ key: keyOf(c), tag }));
    const a = runs(shardOf(cells, 0, 2), 'a');
    const b = runs(shardOf(cells, 1, 2), 'b');
    const text = `${b.map((r) => JSON.stringify(r)).join('\n')}\n{"key":"torn`;
    const parsed = parseJsonLines<{ key: string; tag: string }>(text);
    expect(parsed.length).toBe(b.length);
    const merged = mergeRuns(a, parsed, [{ key: a[0].key, tag: 'late' }]);
    expect(merged.length).toBe(cells.length);
    expect(merged.find((r) => r.key === a[0].key)?.tag).toBe('a');
  });

  it('every split and arm resolves to a valid configuration', () => {
    for (const split of SUITE) {
      const teacher = teacherInfo(split.teacher);
      expect(teacher?.dataset).toBe(split.dataset);
      for (const arm of ARMS) {
        expect(() => resolveConfig({ dataset: split.dataset, teacher: split.teacher, studentClasses: split.studentClasses, ...arm.sets })).not.toThrow();
      }
    }
  });

  it('an arm with a teacher variant keeps the arm\'s settings, reads the variant\'s folder, and keys apart', () => {
    const arm = armSpec('refilled-tpami@wide');
    expect(arm.sets).toEqual(armSpec('refilled-tpami').sets);
    expect(arm.teacherVariant).toBe('wide');
    expect(teacherFolderOf(arm, splitSpec('fashion 5-9 > 0-4'))).toBe('fashion-5-9-wide');
    expect(teacherFolderOf(armSpec('refilled-tpami'), splitSpec('fashion 5-9 > 0-4'))).toBe('fashion-5-9');
    const cell = { split: 'fashion 0-4 > 5-9', width: 0.5, shots: 5, seed: 1 };
    expect(keyOf({ ...cell, arm: arm.id })).not.toBe(keyOf({ ...cell, arm: 'refilled-tpami' }));
    expect(() => armSpec('refilled-tpami@huge')).toThrow(/unknown teacher variant/);
    expect(() => armSpec('vanilla@wide')).toThrow(/no teacher/);
    expect(armSpec('vanilla@shipped').sets).toEqual({ method: 'vanilla' });
    expect(teacherFolderOf(armSpec('refilled-tpami@shipped'), splitSpec('fashion 0-4 > 5-9'))).toBe('fashion-0-4');
    expect(() => armSpec('refilled-tpami@wide@aug')).toThrow(/one variant/);
    expect(() => armSpec('refilled-tpami@')).toThrow(/one variant/);
  });
});
