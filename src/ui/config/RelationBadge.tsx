import { taskRelation, type TaskRelation } from '../../protocol/catalog';
import { useConfigStore } from '../../state/configStore';
import { UnknownRelation, useTeacherClassesUnknown } from '../teachers/UnknownRelation';

const TEXT: Record<TaskRelation, { title: string; line: string }> = {
  'cross-task': { title: 'cross-task', line: 'Disjoint classes: the teacher never saw the student’s classes — REFILLED’s setting.' },
  'same-task': { title: 'same-task', line: 'Same classes: standard knowledge distillation.' },
  'partial-overlap': { title: 'partial-overlap', line: 'Some classes shared: the generalised setting.' },
};

/** How the student's classes relate to the teacher's, said plainly; with fewer than two picked, what to do. */
export function RelationBadge() {
  const teacherClasses = useConfigStore((s) => s.config.teacherClasses);
  const studentClasses = useConfigStore((s) => s.config.studentClasses);
  const classesUnknown = useTeacherClassesUnknown();
  if (studentClasses.length < 2) {
    return (
      <div className="relation relation--none">
        <span className="relation__badge" data-testid="relation-badge">
          pick classes
        </span>
        <span className="relation__line" data-testid="relation-line">
          {studentClasses.length === 0 ? 'No class picked yet.' : 'One class picked.'} Click at least two class chips above (or a quick pick) to give the student its task.
        </span>
      </div>
    );
  }
  if (classesUnknown) return <UnknownRelation />;
  const relation = taskRelation(teacherClasses, studentClasses);
  const teacher = new Set(teacherClasses);
  const shared = studentClasses.filter((c) => teacher.has(c)).length;
  return (
    <div className={`relation relation--${relation}`}>
      <span className="relation__badge" data-testid="relation-badge">
        {TEXT[relation].title}
      </span>
      <span className="relation__line" data-testid="relation-line">
        {TEXT[relation].line} {shared} of {studentClasses.length} student classes are the teacher’s.
      </span>
    </div>
  );
}
