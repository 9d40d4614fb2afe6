import { useConfigStore } from '../../state/configStore';
import { useTeachersStore } from '../../state/teachersStore';

/** Whether the picked teacher is a stored one whose classes the user did not name. */
export function useTeacherClassesUnknown(): boolean {
  const teacher = useConfigStore((s) => s.config.teacher);
  return useTeachersStore((s) => s.stored.some((t) => t.id === teacher && t.classes === null));
}

/** The relation badge for a teacher of unknown classes. */
export function UnknownRelation() {
  return (
    <div className="relation relation--cross-task">
      <span className="relation__badge" data-testid="relation-badge">
        unknown
      </span>
      <span className="relation__line" data-testid="relation-line">
        The teacher’s classes are unknown: the run treats it as cross-task (none of the student’s classes assumed to be the teacher’s).
      </span>
    </div>
  );
}
