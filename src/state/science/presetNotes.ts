/**
 * What to expect from each preset with the shipped teachers, in words, with the study's
 * numbers (docs/results.md, `npm run study`). Data, not components: an instructor can read
 * and adapt it. Shown under the preset control when REFILLED is the method.
 */
import type { ExperimentConfig, Preset } from '../../protocol/config';

export interface PresetNote {
  tone: 'good' | 'caution';
  title: string;
  text: string;
}

export const PRESET_NOTES: Record<Exclude<Preset, 'custom'>, PresetNote> = {
  tpami: {
    tone: 'good',
    title: 'The preset that helps here',
    text:
      'Over 7 cross-task splits and 5 seeds, REFILLED with this preset beat the vanilla student in 11 of 14 settings with 5 or 10 shots (95 % interval above zero) and was never significantly worse. Most of stage 2’s gain is label smoothing: with τ₂ = 1 the teacher’s local classifier is nearly flat here, and the same recipe with uniform targets gains almost as much. Use Compare to see it on your split.',
  },
  current: {
    tone: 'caution',
    title: 'Trains, but stays below the vanilla student here',
    text:
      'λ = 100 pins the student to the teacher’s local classifier, which is right on about 80 % of the training images of these classes: less than the student learns on its own. Published as is (τ₂ = 2 on scores that differ by a few hundredths), the teacher’s targets are nearly uniform and training collapses to chance; this preset therefore calibrates the teacher’s temperature on the training images (τ* ≈ 0.05) and divides the step by 1 + λ. See the teacher card after a run.',
  },
  cvpr2020: {
    tone: 'caution',
    title: 'Trains, but stays below the vanilla student here',
    text:
      'λ = 1000 (decaying by e^(−0.05·epoch)) pins the student to the teacher’s local classifier, which is weaker on these classes than what the student learns itself. Published as is, training collapses to chance (the teacher’s targets at τ₂ = 2 are nearly uniform); this preset calibrates the teacher’s temperature (τ*) and divides the step by 1 + λ so that it trains.',
  },
};

/** The note for a configuration, or null (another method, or a custom preset). */
export function presetNote(config: Pick<ExperimentConfig, 'method' | 'preset'>): PresetNote | null {
  if (config.method !== 'refilled' || config.preset === 'custom') return null;
  return PRESET_NOTES[config.preset];
}
