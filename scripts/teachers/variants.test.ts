import { describe, expect, it } from 'vitest';
import { convNetWeightBytes, epochsForBudget, MAX_TEACHER_BYTES, TEACHER_VARIANTS, teacherVariant, variantAugment, variantFolder } from './variants';
import { blockChannels } from '../../src/core/model/convnet';

describe('teacher variants', () => {
  it('names folders beside the shipped teacher', () => {
    expect(variantFolder('fashion-0-4', 'shipped')).toBe('fashion-0-4');
    expect(variantFolder('fashion-0-4', 'wide')).toBe('fashion-0-4-wide');
  });

  it('flips only Fashion-MNIST, shifts both', () => {
    const v = teacherVariant('wide-aug');
    expect(variantAugment(v, 'fashion-mnist')).toEqual({ shift: 2, flip: true });
    expect(variantAugment(v, 'mnist')).toEqual({ shift: 2, flip: false });
    expect(variantAugment(teacherVariant('wide'), 'fashion-mnist')).toEqual({ shift: 0, flip: false });
  });

  it('refuses an unknown variant with the known ones', () => {
    expect(() => teacherVariant('huge')).toThrow(/shipped, aug, wide, wide-aug/);
  });

  it('counts weight bytes by hand: width 1 is the shipped 376 KB, every variant fits 2 MB', () => {
    // Width 1, 5 classes: 9·1·32+4·32 + 9·32·64+4·64 + 9·64·128+4·128 + 128·5+5 = 93,989 floats,
    // the 375,956 bytes of the shipped public/teachers/fashion-0-4/weights.bin.
    expect(convNetWeightBytes([32, 64, 128], 5)).toBe(375956);
    // Width 2: 9·64+256 + 9·64·128+512 + 9·128·256+1024 + 256·5+5 = 372,293 floats.
    expect(convNetWeightBytes(blockChannels(2), 5)).toBe(4 * 372293);
    for (const v of TEACHER_VARIANTS) expect(convNetWeightBytes(blockChannels(v.widthMultiplier), 10)).toBeLessThanOrEqual(MAX_TEACHER_BYTES);
  });

  it('fits epochs to a budget, capped, in tenths, at least a tenth', () => {
    // 100 steps per epoch at 200 ms = 20 s per epoch: 130 s → 6.5 epochs.
    expect(epochsForBudget(130_000, 200, 100, 12)).toBe(6.5);
    expect(epochsForBudget(1_000_000, 200, 100, 12)).toBe(12);
    expect(epochsForBudget(10, 200, 100, 12)).toBe(0.1);
    expect(epochsForBudget(39_900, 200, 100, 12)).toBe(1.9);
  });
});
