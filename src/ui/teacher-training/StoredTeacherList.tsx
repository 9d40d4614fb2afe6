import { DATASETS } from '../../protocol/catalog';
import { formatPercent } from '../../state/selectors';
import { useConfigStore } from '../../state/configStore';
import { useTeacherTrainingStore } from '../../state/teacher-training/store';
import { chooseStoredTeacher, removeStoredTeacher } from '../../state/teacher-training/storedTeachers';

/** The teachers kept in this browser: pick one as the run's teacher, or delete it. */
export function StoredTeacherList() {
  const stored = useTeacherTrainingStore((s) => s.stored);
  const storageError = useTeacherTrainingStore((s) => s.storageError);
  const current = useConfigStore((s) => s.config.teacher);
  if (storageError) return <p className="warning">{storageError}</p>;
  if (!stored || stored.length === 0) return null;
  return (
    <div className="stored-teachers">
      <h3>Teachers in this browser</h3>
      <ul data-testid="tt-stored">
        {stored.map((t) => (
          <li key={t.id} data-testid="tt-stored-item" data-id={t.id} className={t.id === current ? 'stored-teachers__item--current' : undefined}>
            <span className="stored-teachers__title">{t.title}</span>
            <span className="stored-teachers__meta">
              {DATASETS[t.dataset].title} · {t.source === 'trained' ? 'trained here' : 'uploaded'}
              {t.card?.testAccuracy != null && <> · test {formatPercent(t.card.testAccuracy)}</>}
            </span>
            <span className="stored-teachers__actions">
              <button type="button" className="link-button" disabled={t.id === current} data-testid="tt-use" onClick={() => chooseStoredTeacher(t)}>
                {t.id === current ? 'in use' : 'Use'}
              </button>
              <button type="button" className="link-button" disabled={t.id === current} data-testid="tt-delete" onClick={() => void removeStoredTeacher(t.id)} aria-label={`Delete ${t.title}`}>
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
