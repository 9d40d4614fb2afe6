import { DATASETS } from '../../protocol/catalog';
import { useConfigStore } from '../../state/configStore';
import { useTeachersStore } from '../../state/teachersStore';

/** The teachers kept in this browser: pick one, or delete it. */
export function StoredTeachers() {
  const stored = useTeachersStore((s) => s.stored);
  const storageError = useTeachersStore((s) => s.storageError);
  const remove = useTeachersStore((s) => s.remove);
  const teacher = useConfigStore((s) => s.config.teacher);
  const setTeacher = useConfigStore((s) => s.setTeacher);
  if (stored.length === 0 && !storageError) return null;
  return (
    <div className="stored-teachers" data-testid="stored-teachers">
      <div className="stored-teachers__title">Your teachers (kept in this browser)</div>
      {storageError && <p className="warning">{storageError}</p>}
      <ul>
        {stored.map((t) => (
          <li key={t.id} data-testid="stored-teacher" data-id={t.id}>
            <button type="button" className="link-button" aria-pressed={t.id === teacher} onClick={() => setTeacher(t.id)} title={`Use ${t.title}`}>
              {t.title}
            </button>
            <span className="stored-teachers__meta">
              {DATASETS[t.dataset].title} · {t.classes ? `classes ${t.classes.join(', ')}` : 'classes unknown'} · {(t.sizeBytes / 1024).toFixed(0)} KB
            </span>
            <button type="button" className="banner__x" aria-label={`Delete ${t.title}`} data-testid="stored-teacher-delete" onClick={() => void remove(t.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
