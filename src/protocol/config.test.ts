import { describe, expect, it } from 'vitest';
import { applyPreset, ConfigError, DEFAULT_CONFIG, detectPreset, FIELDS, formatClassList, getField, parseClassList, PRESET_VALUES, resolveConfig, setField, validateConfig } from './config';

describe('config', () => {
  it('has valid defaults, each field described once', () => {
    expect(validateConfig(DEFAULT_CONFIG)).toEqual([]);
    expect(new Set(FIELDS.map((f) => f.key)).size).toBe(FIELDS.length);
    for (const f of FIELDS) expect(getField(DEFAULT_CONFIG, f.key)).not.toBeUndefined();
    expect(detectPreset(DEFAULT_CONFIG)).toBe(DEFAULT_CONFIG.preset);
  });

  it('fills in each published variant from its preset', () => {
    const cvpr = applyPreset(DEFAULT_CONFIG, 'cvpr2020');
    expect(cvpr.stage1.mining).toBe('semihard-nearest');
    expect(cvpr.stage1.form).toBe('triplet');
    expect(cvpr.stage2.centres).toBe('local');
    expect(cvpr.stage2.lambdaSchedule).toBe('exp-decay');
    expect(cvpr.stage2.lambda).toBe(1000);
    const tpami = applyPreset(DEFAULT_CONFIG, 'tpami');
    expect(tpami.stage2.temperatureOn).toBe('teacher');
    expect(tpami.stage2.tau2).toBe(1);
    expect(tpami.stage2.lambda).toBe(1);
    for (const preset of ['cvpr2020', 'current', 'tpami'] as const) {
      expect(detectPreset(applyPreset(DEFAULT_CONFIG, preset))).toBe(preset);
      expect(validateConfig(applyPreset(DEFAULT_CONFIG, preset))).toEqual([]);
      for (const key of Object.keys(PRESET_VALUES[preset])) expect(FIELDS.some((f) => f.key === key)).toBe(true);
    }
    expect(detectPreset(setField(DEFAULT_CONFIG, 'stage1.tau1', 3))).toBe('custom');
  });

  it('reports every invalid field in words', () => {
    const bad = setField(setField(setField(DEFAULT_CONFIG, 'stage1.tau1', -1), 'shotsPerClass', 0), 'studentWidth', 0.3);
    const keys = validateConfig(bad).map((e) => e.key);
    expect(keys).toEqual(expect.arrayContaining(['stage1.tau1', 'shotsPerClass', 'studentWidth']));
    expect(validateConfig(bad).find((e) => e.key === 'stage1.tau1')?.message).toBe('τ₁ (stage1.tau1) must be between 0.05 and 100 (it is -1): raise it.');
  });

  it('checks combinations across fields', () => {
    const kd = setField(DEFAULT_CONFIG, 'method', 'kd');
    expect(validateConfig(kd).map((e) => e.key)).toEqual(['method']);
    const okKd = resolveConfig({ method: 'kd', teacher: 'fashion-all', studentClasses: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(okKd.teacherClasses).toHaveLength(10);
    expect(validateConfig(setField(DEFAULT_CONFIG, 'teacher', 'mnist-0-4')).map((e) => e.key)).toContain('teacher');
    expect(validateConfig(setField(DEFAULT_CONFIG, 'studentClasses', [5, 12])).map((e) => e.key)).toContain('studentClasses');
    expect(validateConfig(setField(DEFAULT_CONFIG, 'studentClasses', [5, 5])).map((e) => e.key)).toContain('studentClasses');
    expect(validateConfig(setField(DEFAULT_CONFIG, 'stage1.epochs', 0)).map((e) => e.key)).toContain('stage1.epochs');
    expect(validateConfig(setField(setField(DEFAULT_CONFIG, 'stage1.epochs', 0), 'method', 'vanilla'))).toEqual([]);
  });

  it('takes augmentation off by default, shifts of 0–4 pixels, and refuses flips for digits', () => {
    expect(DEFAULT_CONFIG.augment).toEqual({ shift: 0, flip: false });
    expect(resolveConfig({ augment: { shift: 4, flip: true } }).augment).toEqual({ shift: 4, flip: true });
    expect(validateConfig(setField(DEFAULT_CONFIG, 'augment.shift', 5)).map((e) => e.message)).toEqual(['Random shift (augment.shift) must be between 0 and 4 (it is 5): lower it.']);
    expect(validateConfig(setField(DEFAULT_CONFIG, 'augment.shift', 1.5)).map((e) => e.message)).toEqual(['Random shift (augment.shift) must be a whole number from 0 to 4 (it is 1.5): drop the decimals.']);
    const digits = { dataset: 'mnist', teacher: 'mnist-0-4' };
    expect(resolveConfig({ ...digits, augment: { shift: 2 } }).augment.shift).toBe(2);
    expect(() => resolveConfig({ ...digits, augment: { flip: true } })).toThrow(/Random flip \(augment\.flip\) must be off for MNIST digits: a mirrored image can be another class/);
    const errors = validateConfig(setField(resolveConfig(digits), 'augment.flip', true));
    expect(errors.map((e) => e.key)).toEqual(['augment.flip']);
  });

  it('resolves partial JSON with defaults and rejects unknown keys', () => {
    expect(resolveConfig({})).toEqual(DEFAULT_CONFIG);
    expect(resolveConfig({ stage2: { tau2: 3 } }).stage2.tau2).toBe(3);
    expect(() => resolveConfig({ stage2: { tau3: 3 } })).toThrow(ConfigError);
    expect(() => resolveConfig([])).toThrow(/JSON object/);
  });

  it('writes class lists as ranges', () => {
    expect(parseClassList('0-4')).toEqual([0, 1, 2, 3, 4]);
    expect(parseClassList('0,2,5-7')).toEqual([0, 2, 5, 6, 7]);
    expect(formatClassList([0, 1, 2, 3, 4, 7])).toBe('0-4,7');
    expect(() => parseClassList('a-b')).toThrow();
    expect(() => parseClassList('4-2')).toThrow();
  });
});
