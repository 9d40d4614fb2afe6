import { DATASETS } from '../../protocol/catalog';
import { useTeachersStore } from '../../state/teachersStore';
import { CardLine } from './CardLine';

/** The card of a teacher kept in this browser (what the app measured when it was uploaded). */
export function StoredTeacherCard({ id }: { id: string }) {
  const teacher = useTeachersStore((s) => s.stored.find((t) => t.id === id));
  const loaded = useTeachersStore((s) => s.loaded);
  if (!teacher) {
    return (
      <div className="teacher-card" data-testid="stored-teacher-card">
        <p className="warning">{loaded ? `Teacher ${id} is not in this browser: upload its model files, or pick a shipped teacher.` : 'Reading your teachers…'}</p>
      </div>
    );
  }
  const names = DATASETS[teacher.dataset].classNames;
  return (
    <div className="teacher-card" data-testid="stored-teacher-card">
      <div className="teacher-card__title">
        {teacher.title}: {teacher.classes ? `knows ${teacher.classes.map((c) => names[c]).join(', ')}` : 'its classes are unknown'}
      </div>
      <p className="teacher-card__meta" data-testid="teacher-meta">
        {teacher.card ? <CardLine card={teacher.card} names={names} /> : 'Not measured.'}
      </p>
    </div>
  );
}
