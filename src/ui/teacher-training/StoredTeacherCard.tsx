import { DATASETS } from '../../protocol/catalog';
import { formatPercent } from '../../state/selectors';
import { useConfigStore } from '../../state/configStore';
import { useTeacherTrainingStore } from '../../state/teacher-training/store';
import { Thumbnail } from '../assets/Thumbnail';
import { useThumbnails } from '../assets/thumbnails';

/** The chosen teacher when it is one kept in this browser: its classes and what was measured of it. */
export function StoredTeacherCard() {
  const teacherId = useConfigStore((s) => s.config.teacher);
  const dataset = useConfigStore((s) => s.config.dataset);
  const classes = useConfigStore((s) => s.config.teacherClasses);
  const teacher = useTeacherTrainingStore((s) => s.stored?.find((t) => t.id === teacherId) ?? null);
  const read = useTeacherTrainingStore((s) => s.stored !== null);
  const thumbs = useThumbnails(dataset);
  const names = DATASETS[dataset].classNames;
  return (
    <div className="teacher-card" data-testid="stored-teacher-card">
      <div className="teacher-card__title">
        {teacher?.title ?? teacherId}: knows {classes.length} classes
      </div>
      <div className="thumb-strip" data-testid="teacher-thumbnails" data-points={classes.length}>
        {classes.map((c) => (
          <figure key={c} className="thumb-strip__item">
            <Thumbnail pixels={thumbs.status === 'ready' ? thumbs.value[c] : undefined} size={44} title={names[c]} />
            <figcaption title={names[c]}>{names[c]}</figcaption>
          </figure>
        ))}
      </div>
      <p className="teacher-card__meta" data-testid="teacher-meta">
        {teacher?.card && (
          <>
            {teacher.source === 'trained' ? 'Trained in this browser' : 'Uploaded'} · test accuracy on its own classes {formatPercent(teacher.card.testAccuracy)}
            {teacher.card.ncmOtherClasses !== null && <> · its NCM on classes it never saw {formatPercent(teacher.card.ncmOtherClasses)}</>}
          </>
        )}
        {read && !teacher && <span className="warning">This teacher is not stored in this browser (deleted, or the link was made elsewhere): pick another teacher.</span>}
      </p>
    </div>
  );
}
