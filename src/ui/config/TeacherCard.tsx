import { DATASETS, teacherInfo } from '../../protocol/catalog';
import { isStoredTeacherIdText } from '../../protocol/teacherRegistry';
import { StoredTeacherCard } from '../teachers/StoredTeacherCard';
import { formatPercent } from '../../state/selectors';
import { useConfigStore } from '../../state/configStore';
import { Thumbnail } from '../assets/Thumbnail';
import { useTeacherMeta } from '../assets/teacherMeta';
import { useThumbnails } from '../assets/thumbnails';

/** The chosen teacher: what it was trained on (as images) and how good it is. */
export function TeacherCard() {
  const teacherId = useConfigStore((s) => s.config.teacher);
  const dataset = useConfigStore((s) => s.config.dataset);
  const teacher = teacherInfo(teacherId);
  const meta = useTeacherMeta(teacherId);
  const thumbs = useThumbnails(dataset);
  const names = DATASETS[dataset].classNames;
  const classes = teacher?.classes ?? [];
  if (isStoredTeacherIdText(teacherId)) return <StoredTeacherCard id={teacherId} />;
  return (
    <div className="teacher-card" data-tour="teacher">
      <div className="teacher-card__title">The teacher knows {classes.length} classes</div>
      <div className="thumb-strip" data-testid="teacher-thumbnails" data-points={classes.length}>
        {classes.map((c) => (
          <figure key={c} className="thumb-strip__item">
            <Thumbnail pixels={thumbs.status === 'ready' ? thumbs.value[c] : undefined} size={44} title={names[c]} />
            <figcaption title={names[c]}>{names[c]}</figcaption>
          </figure>
        ))}
      </div>
      <p className="teacher-card__meta" data-testid="teacher-meta">
        {meta.status === 'ready' && (
          <>
            Test accuracy on its own classes {formatPercent(meta.value.testAccuracy)}
            {meta.value.trainingImages !== undefined && <> · trained on {meta.value.trainingImages.toLocaleString('en')} images</>}
            {meta.value.ncmAccuracyOnStudentClasses !== undefined && <> · its NCM on classes it never saw {formatPercent(meta.value.ncmAccuracyOnStudentClasses)}</>}
          </>
        )}
        {meta.status === 'loading' && 'Loading the teacher’s details…'}
        {meta.status === 'error' && (
          <span className="warning">This teacher’s files are not in the app yet (still training, or run “npm run teachers”); a run with it will fail.</span>
        )}
      </p>
    </div>
  );
}
