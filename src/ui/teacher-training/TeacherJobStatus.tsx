import { formatPercent } from '../../state/selectors';
import { jobFraction, jobStatusText, useTeacherTrainingStore } from '../../state/teacher-training/store';
import { chooseStoredTeacher } from '../../state/teacher-training/storedTeachers';

/** The teacher being trained: progress bar, phase / epoch / time left, and what it measured. */
export function TeacherJobStatus() {
  const job = useTeacherTrainingStore((s) => s.job);
  const text = useTeacherTrainingStore((s) => jobStatusText(s.job));
  const fraction = useTeacherTrainingStore((s) => jobFraction(s.job));
  if (!job) return null;
  const report = job.report;
  return (
    <div className="teacher-job" data-testid="tt-job" data-status={job.status}>
      <progress max={1} value={fraction} aria-label="Teacher training progress" data-testid="tt-progress-bar" />
      <p className="teacher-job__line" data-testid="tt-progress" aria-live="polite">
        {text}
      </p>
      {report && (
        <p className="teacher-job__result" data-testid="tt-result">
          Test accuracy on its {report.classes.length} classes {formatPercent(report.testAccuracy)} ({report.testImages.toLocaleString('en')} test images)
          {report.ncmOtherClasses !== null && <> · NCM of its embedding on the other classes {formatPercent(report.ncmOtherClasses)}</>} · {report.parameters.toLocaleString('en')} parameters.{' '}
          <button type="button" className="link-button" data-testid="tt-use-new" onClick={() => chooseStoredTeacher(report)}>
            Use it as the teacher
          </button>
        </p>
      )}
      {job.error && (
        <p className="field__error" role="alert" data-testid="tt-error">
          {job.error.message} {job.error.hint}
        </p>
      )}
    </div>
  );
}
