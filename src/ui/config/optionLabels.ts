/** Human names of enum values, where the raw value is not self-explanatory. */
import { DATASETS, TEACHERS, teacherInfo } from '../../protocol/catalog';

const LABELS: Record<string, Record<string, string>> = {
  method: {
    refilled: 'REFILLED (stage 1 + stage 2)',
    vanilla: 'Vanilla student (cross-entropy only)',
    'stage1-only': 'Stage 1, then fine-tune (λ = 0)',
    kd: 'Standard KD (Hinton)',
    rkd: 'RKD (Park et al. 2019), then fine-tune',
  },
  preset: {
    cvpr2020: 'CVPR 2020 code',
    current: 'Current code (2021)',
    tpami: 'TPAMI (GKD) code',
    custom: 'Custom',
  },
  studentWidth: { '1': '1.0× (as wide as the teacher)', '0.75': '0.75×', '0.5': '0.5×', '0.25': '0.25×' },
  dataset: Object.fromEntries(Object.entries(DATASETS).map(([id, d]) => [id, d.title])),
  teacher: Object.fromEntries(TEACHERS.map((t) => [t.id, t.title])),
};

export function optionLabel(key: string, value: string | number): string {
  // Stored teachers are runtime data: their titles come from the registry.
  return LABELS[key]?.[String(value)] ?? (key === 'teacher' ? teacherInfo(String(value))?.title : undefined) ?? String(value);
}
