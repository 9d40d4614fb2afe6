import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TeacherMetadata } from '../../src/core/model/teacher';
import { mergeTeacherCards, readTeacherCards, teacherSection, type TeacherRun } from './teachers-report';

const SPLIT = 'fashion 0-4 > 5-9';
const run = (arm: string, seed: number, testAccuracy: number, shots = 5): TeacherRun => ({ split: SPLIT, arm, width: 0.5, shots, seed, testAccuracy, teacherNcmValAccuracy: arm.endsWith('@wide') ? 0.85 : 0.75 });

const card = (id: string, over: Partial<TeacherMetadata> = {}): TeacherMetadata => ({
  id,
  dataset: 'fashion-mnist',
  classes: [0, 1, 2, 3, 4],
  classNames: [],
  architecture: '',
  widthMultiplier: 1,
  embeddingLayer: 'embedding',
  embeddingSize: 128,
  trainingImages: 30000,
  training: { epochs: 6, backend: 'wasm' },
  seed: 2020,
  testAccuracy: 0.9328,
  testImages: 2500,
  studentClasses: [5, 6, 7, 8, 9],
  ncmAccuracyOnStudentClasses: 0.768,
  trainedOn: '',
  ...over,
});

describe('teacher comparison report', () => {
  it('is empty until a run used a teacher variant', () => {
    expect(teacherSection([run('vanilla', 1, 0.6), run('refilled-tpami', 1, 0.62)], [])).toBe('');
  });

  it('pairs by seed against the @shipped reruns: gains by hand', () => {
    // Seeds 1, 2: vanilla 60, 62; shipped teacher 63, 64 (+3, +2 → +2.5); wide teacher 66, 65 (+6, +3 → +4.5);
    // wide − shipped: +3, +1 → +2.0. The cached vanilla (50 %) must not be used when the rerun exists.
    const runs = [
      run('vanilla', 1, 0.5), run('vanilla', 2, 0.5),
      run('vanilla@shipped', 1, 0.6), run('vanilla@shipped', 2, 0.62),
      run('refilled-tpami@shipped', 1, 0.63), run('refilled-tpami@shipped', 2, 0.64),
      run('refilled-tpami@wide', 1, 0.66), run('refilled-tpami@wide', 2, 0.65),
    ];
    const wide = card('fashion-0-4-wide', { variant: 'wide', baseTeacher: 'fashion-0-4', widthMultiplier: 2, weightBytes: 1489172, buildSeconds: 241, training: { epochs: 5.5, backend: 'webgpu', augment: { shift: 0, flip: false } }, testAccuracy: 0.95, ncmAccuracyOnStudentClasses: 0.81 });
    const md = teacherSection(runs, [card('fashion-0-4'), wide, card('mnist-0-4', { dataset: 'mnist' })]);
    expect(md).toContain(`| ${SPLIT} | 5 | 61.0 | +2.5 [`);
    expect(md).toMatch(/\+2\.5 \[[^\]]+\] 2\/2 \| \+4\.5 \[[^\]]+\] 2\/2 \|/);
    expect(md).toMatch(new RegExp(`\\| ${SPLIT} \\| 5 \\| \\+2\\.0 \\[`));
    expect(md).toContain('rerun with the same code');
    // Cards: the split's teachers only, with size, epochs, build time and backend.
    expect(md).toContain('| `fashion-0-4-wide` | wide | 2 | none | 5.5 | 30000 | 95.0 | 81.0 (5,6,7,8,9) | 1454 KB | 241 s (webgpu) |');
    expect(md).toContain('| `fashion-0-4` | shipped | 1 |');
    expect(md).not.toContain('mnist-0-4');
    // The teachers' NCM as the runs measured it.
    expect(md).toContain(`| ${SPLIT} | 75.0 | 85.0 |`);
  });

  it('falls back to the cached vanilla and REFILLED runs, and says so', () => {
    const runs = [run('vanilla', 1, 0.6), run('vanilla', 2, 0.6), run('refilled-tpami', 1, 0.61), run('refilled-tpami', 2, 0.61), run('refilled-tpami@aug', 1, 0.64), run('refilled-tpami@aug', 2, 0.62)];
    const md = teacherSection(runs, []);
    expect(md).toContain('| 5 | 60.0 | +1.0 [');
    expect(md).toContain('earlier code');
  });

  it('keeps the cards of a device run, the new card winning, and reads shipped ones first', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'teachers-'));
    const write = (dir: string, c: TeacherMetadata) => {
      mkdirSync(path.join(dir, c.id), { recursive: true });
      writeFileSync(path.join(dir, c.id, 'teacher.json'), JSON.stringify(c));
    };
    write(path.join(root, 'res'), card('fashion-0-4-aug', { variant: 'aug', testAccuracy: 0.94 }));
    const merged = mergeTeacherCards([card('fashion-0-4-aug', { testAccuracy: 0.5 }), card('fashion-5-9-wide')], path.join(root, 'res'));
    expect(merged.map((c) => [c.id, c.testAccuracy])).toEqual([['fashion-0-4-aug', 0.94], ['fashion-5-9-wide', 0.9328]]);
    write(path.join(root, 'public/teachers'), card('fashion-0-4'));
    writeFileSync(path.join(root, 'public/teachers/fashion-0-4/weights.bin'), new Uint8Array(12));
    mkdirSync(path.join(root, 'docs'));
    writeFileSync(path.join(root, 'docs/teachers.json'), JSON.stringify({ teachers: merged }));
    const cards = readTeacherCards(root);
    expect(cards.map((c) => c.id)).toEqual(['fashion-0-4', 'fashion-0-4-aug', 'fashion-5-9-wide']);
    // A shipped card without its size gets it from weights.bin.
    expect(cards[0].weightBytes).toBe(12);
  });
});
