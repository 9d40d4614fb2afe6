import { selectActiveRun, useRunStore } from '../../state/runStore';

/**
 * The active run moved to another backend (its GPU device was lost, or the user switched) and
 * continued from its last checkpoint: a notice, not an error. The latest move is shown.
 */
export function ResumeNotice() {
  const resume = useRunStore((s) => selectActiveRun(s)?.resumes?.at(-1));
  if (!resume) return null;
  return (
    <div className="banner banner--notice" role="status" data-testid="resume-notice" data-cause={resume.cause} data-backend={resume.backend}>
      <span data-testid="resume-message">{resume.message}.</span>
    </div>
  );
}
