import { DATASETS } from '../../protocol/catalog';
import { overlapLevels, sharedClasses } from '../../protocol/classOverlap';
import { useConfigStore } from '../../state/configStore';
import '../teacher-training/teacherTraining.css';

/** A slider from disjoint (cross-task) through partial overlap to identical (same-task) that picks the student's classes. */
export function OverlapControl() {
  const dataset = useConfigStore((s) => s.config.dataset);
  const teacherClasses = useConfigStore((s) => s.config.teacherClasses);
  const studentClasses = useConfigStore((s) => s.config.studentClasses);
  const setClasses = useConfigStore((s) => s.setStudentClasses);
  const levels = overlapLevels(teacherClasses, DATASETS[dataset].classNames.length);
  if (levels.length < 2) return null;
  const shared = sharedClasses(teacherClasses, studentClasses);
  const min = levels[0].shared;
  const max = levels[levels.length - 1].shared;
  const at = Math.min(max, Math.max(min, shared));
  return (
    <div className="overlap-control">
      <label className="field__label" htmlFor="overlap-slider">
        Overlap with the teacher’s classes <span className="field__count" data-testid="overlap-readout">{shared} of {teacherClasses.length} shared</span>
      </label>
      <input
        id="overlap-slider"
        data-testid="overlap-slider"
        type="range"
        min={min}
        max={max}
        step={1}
        value={at}
        aria-valuetext={`${at} of the teacher's ${teacherClasses.length} classes shared`}
        onChange={(e) => {
          const level = levels.find((l) => l.shared === Number(e.target.value));
          if (level) setClasses(level.studentClasses);
        }}
      />
      <div className="overlap-control__ends" aria-hidden="true">
        <span>{min === 0 ? 'disjoint (cross-task)' : `${min} shared`}</span>
        <span>identical (same-task)</span>
      </div>
    </div>
  );
}
