/**
 * The words of validation messages: every message names the field by its label (from FIELDS),
 * says the allowed range or rule and what to do; the CLI form adds the dotted key that `--set`
 * takes, the UI form leaves it out. And the data-dependent limit of shots per class.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATASETS, DATASET_IDS } from './catalog';
import { DEFAULT_CONFIG, FIELDS, fieldTitle, formatLimit, resolveConfig, setField, shotsLimit, validateConfig, ConfigError, type FieldSpec } from './config';
import { decodeConfigHash } from './url';

const errorOf = (key: string, value: unknown, base = DEFAULT_CONFIG) => validateConfig(setField(base, key, value)).find((e) => e.key === key);

describe('validation messages', () => {
  it('say the label, the range and what to do; the key only in the CLI form', () => {
    const lr = errorOf('stage1.learningRate', 20)!;
    expect(lr.message).toBe('Stage 1 learning rate (stage1.learningRate) must be between 0.000001 and 10 (it is 20): lower it.');
    expect(lr.text).toBe('Stage 1 learning rate must be between 0.000001 and 10 (it is 20): lower it.');
    expect(errorOf('stage2.epochs', 2.5)!.text).toBe('Stage 2 epochs must be a whole number from 0 to 1000 (it is 2.5): drop the decimals.');
    expect(errorOf('seed', -1)!.text).toBe('Seed must be between 0 and 2,147,483,647 (it is -1): raise it.');
    expect(errorOf('stage1.w1', 2e5)!.text).toBe('w₁ must be between 0 and 100,000 (it is 200,000): lower it.');
    expect(errorOf('method', 'magic')!.text).toBe('Method must be one of refilled, vanilla, stage1-only, kd, rkd: pick one of these.');
  });

  it('name every field of the table by its label, never by its key alone', () => {
    const bad: Record<FieldSpec['kind'], unknown> = { enum: '??', number: Number.NaN, boolean: 'maybe', classes: [1, 1], shots: -2 };
    for (const spec of FIELDS) {
      if (spec.key === 'teacherClasses') continue;
      const error = errorOf(spec.key, bad[spec.kind]);
      expect(error, spec.key).toBeDefined();
      expect(error!.message.startsWith(`${fieldTitle(spec)} (${spec.key}) `), error!.message).toBe(true);
      expect(error!.text!.startsWith(`${fieldTitle(spec)} `), error!.text).toBe(true);
      expect(error!.text, 'the UI form has no dotted key').not.toContain(`(${spec.key})`);
      expect(error!.message, 'says what to do').toMatch(/: [a-z][^:]*\.$/);
    }
  });

  it('the stage is said where two fields share a label', () => {
    const byKey = (key: string) => FIELDS.find((f) => f.key === key)!;
    expect(fieldTitle(byKey('stage1.epochs'))).toBe('Stage 1 epochs');
    expect(fieldTitle(byKey('stage2.lrSchedule'))).toBe('Stage 2 LR schedule');
    expect(fieldTitle(byKey('stage1.tau1'))).toBe('τ₁');
    expect(fieldTitle(byKey('shotsPerClass'))).toBe('Shots per class');
  });

  it('the student-classes message says how many are picked and what to do', () => {
    const none = errorOf('studentClasses', [])!;
    expect(none.text).toBe('Student classes must hold at least 2 classes (0 picked): pick two or more for the student to tell apart.');
    expect(errorOf('studentClasses', [5, 12])!.text).toBe('Student classes lists 12, not classes of Fashion-MNIST (0 to 9): remove it.');
  });

  it('the CLI prints the key that --set takes', () => {
    try {
      resolveConfig({ stage1: { learningRate: 0 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toContain('Stage 1 learning rate (stage1.learningRate) must be between 0.000001 and 10 (it is 0): raise it.');
    }
  });

  it('a link notice names the field and says what was used instead (not what to do)', () => {
    const { notices } = decodeConfigHash('#v=1&stage1.tau1=-3&shotsPerClass=500');
    expect(notices).toContain('τ₁ (stage1.tau1) must be between 0.05 and 100 (it is -3); using the default 4.');
    expect(notices.find((n) => n.startsWith('Shots per class (shotsPerClass) must be at most 225 here (it is 500)'))).toMatch(/; using the default 10\.$/);
  });

  it('limits are written as people write numbers', () => {
    expect(formatLimit(1e-6)).toBe('0.000001');
    expect(formatLimit(0.05)).toBe('0.05');
    expect(formatLimit(1000)).toBe('1000');
    expect(formatLimit(1e5)).toBe('100,000');
  });
});

describe('shots per class: the limit the data set gives', () => {
  it('is the pool of a class less its validation share, known before a run', () => {
    expect(shotsLimit(DEFAULT_CONFIG)).toEqual({ max: 225, pool: 300, validation: 75 });
    expect(shotsLimit({ dataset: 'mnist', validationFraction: 0.05 })).toEqual({ max: 285, pool: 300, validation: 15 });
    // round(0.125 · 300) = round(37.5) = 38, as the split draws it.
    expect(shotsLimit({ dataset: 'fashion-mnist', validationFraction: 0.125 }).max).toBe(262);
  });

  it('fails validation above the limit with a message that says the numbers and the ways out', () => {
    expect(errorOf('shotsPerClass', 225)).toBeUndefined();
    expect(errorOf('shotsPerClass', 'all')).toBeUndefined();
    const error = errorOf('shotsPerClass', 1000)!;
    expect(error.text).toBe(
      'Shots per class must be at most 225 here (it is 1000): Fashion-MNIST has 300 images per class, and validation fraction 0.25 holds 75 of them out: ' +
        'lower the shots, choose "all" (225), or lower the validation fraction.',
    );
    // A lower validation fraction raises the limit.
    expect(validateConfig(setField(setField(DEFAULT_CONFIG, 'shotsPerClass', 250), 'validationFraction', 0.1))).toEqual([]);
  });

  it('the catalog agrees with the shipped manifests', () => {
    for (const id of DATASET_IDS) {
      const manifest = JSON.parse(readFileSync(new URL(`../../public/data/${id}/manifest.json`, import.meta.url), 'utf8')) as { splits: { pool: { countsPerClass: number[] } } };
      expect(manifest.splits.pool.countsPerClass, id).toEqual(new Array(DATASETS[id].classNames.length).fill(DATASETS[id].poolImagesPerClass));
    }
  });
});
