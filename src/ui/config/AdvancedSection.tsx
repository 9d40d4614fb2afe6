import { FIELDS } from '../../protocol/config';
import { isHidden, useConfigStore } from '../../state/configStore';
import { FieldControl } from './FieldControl';

const GROUPS = [
  { group: 'stage1', title: 'Stage 1 — embedding distillation', line: 'Align the student’s triplet probabilities on mined (anchor, positive, negative) triplets with the teacher’s: w₁ · KL(P_T ‖ P_S).' },
  { group: 'stage2', title: 'Stage 2 — local classifier distillation', line: 'Cross-entropy plus λ · KL from the teacher’s centre-based classifier over the batch’s classes.' },
  { group: 'optimizer', title: 'Optimiser', line: 'Shared by both stages; each stage starts with fresh optimiser state.' },
  { group: 'augment', title: 'Augmentation', line: 'Random shifts and flips of the training images, drawn from the seed; the same for every method and both stages.' },
  { group: 'runtime', title: 'Runtime', line: 'How the browser runs it; does not change what is learned.' },
] as const;

/** Every hyperparameter of the FIELDS table, grouped as the algorithm is. */
export function AdvancedSection() {
  const hidden = useConfigStore((s) => isHidden(s, 'advanced'));
  if (hidden) return null;
  return (
    <details className="panel-section advanced" data-testid="advanced">
      <summary>
        <h2>Advanced</h2>
        <span className="summary-hint">every hyperparameter</span>
      </summary>
      <section className="advanced__group">
        <h3>Data split</h3>
        <FieldControl fieldKey="validationFraction" />
      </section>
      {GROUPS.map(({ group, title, line }) => (
        <section key={group} className="advanced__group" data-testid={`group-${group}`}>
          <h3>{title}</h3>
          <p className="advanced__line">{line}</p>
          {FIELDS.filter((f) => f.group === group).map((f) => (
            <FieldControl key={f.key} fieldKey={f.key} />
          ))}
        </section>
      ))}
    </details>
  );
}
