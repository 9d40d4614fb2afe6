import { DATASETS } from '../../protocol/catalog';
import { fieldError, isHidden, useConfigStore } from '../../state/configStore';
import { Thumbnail } from '../assets/Thumbnail';
import { useThumbnails } from '../assets/thumbnails';
import { OverlapControl } from './OverlapControl';
import { RelationBadge } from './RelationBadge';

/** The student's classes: one toggle chip per class of the dataset, with an example image. */
export function ClassChips() {
  const dataset = useConfigStore((s) => s.config.dataset);
  const studentClasses = useConfigStore((s) => s.config.studentClasses);
  const teacherClasses = useConfigStore((s) => s.config.teacherClasses);
  const error = useConfigStore((s) => fieldError(s, 'studentClasses'));
  const hidden = useConfigStore((s) => isHidden(s, 'studentClasses'));
  const toggle = useConfigStore((s) => s.toggleStudentClass);
  const setClasses = useConfigStore((s) => s.setStudentClasses);
  const thumbs = useThumbnails(dataset);
  const names = DATASETS[dataset].classNames;
  if (hidden) return null;
  const all = names.map((_, i) => i);
  const others = all.filter((c) => !teacherClasses.includes(c));
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <div className="field__label" id="student-classes-label">
        Student classes <span className="field__count">{studentClasses.length} picked</span>
      </div>
      <div className="chips" role="group" aria-labelledby="student-classes-label" data-testid="field-studentClasses">
        {names.map((name, c) => {
          const on = studentClasses.includes(c);
          const teacherKnows = teacherClasses.includes(c);
          return (
            <button
              key={c}
              type="button"
              className={`chip${on ? ' chip--on' : ''}`}
              aria-pressed={on}
              data-testid={`class-chip-${c}`}
              onClick={() => toggle(c)}
              title={teacherKnows ? `${name} — the teacher was trained on this class` : name}
            >
              <Thumbnail pixels={thumbs.status === 'ready' ? thumbs.value[c] : undefined} size={36} title={name} />
              <span className="chip__name">{name}</span>
              {teacherKnows && <span className="chip__teacher" aria-label="teacher's class">T</span>}
            </button>
          );
        })}
      </div>
      <div className="quick-picks">
        <span className="quick-picks__label">Pick:</span>
        {others.length >= 2 && (
          <button type="button" className="link-button" onClick={() => setClasses(others)} title="The classes the teacher never saw: cross-task">
            unseen by the teacher
          </button>
        )}
        <button type="button" className="link-button" onClick={() => setClasses(teacherClasses)} title="The teacher's own classes: standard KD">
          the teacher’s
        </button>
        <button type="button" className="link-button" onClick={() => setClasses(all)}>
          All {all.length}
        </button>
      </div>
      <OverlapControl />
      <RelationBadge />
      <p className="field__help">The student’s task. “T” marks the classes the teacher was trained on.</p>
      {error && (
        <p className="field__error" role="alert" data-testid="error-studentClasses">
          {error}
        </p>
      )}
    </div>
  );
}
