import { isHidden, useConfigStore } from '../../state/configStore';
import { AdvancedSection } from './AdvancedSection';
import { ClassChips } from './ClassChips';
import { PresetNote } from '../science/PresetNote';
import { FieldControl } from './FieldControl';
import { ShotsPicks } from './ShotsPicks';
import { TeacherCard } from './TeacherCard';
import { TeacherTrainingPanel } from '../teacher-training/TeacherTrainingPanel';
import { StoredTeachers } from '../teachers/StoredTeachers';
import { TeacherUpload } from '../teachers/TeacherUpload';

/** The left column: the task (teacher, student classes, shots), the method, then the rest. */
export function ConfigPanel() {
  const hideTask = useConfigStore((s) => isHidden(s, 'task'));
  const hideMethod = useConfigStore((s) => isHidden(s, 'student'));
  return (
    <aside className="config" aria-label="Configuration">
      {!hideTask && (
        <section className="panel-section">
          <h2>Task</h2>
          <FieldControl fieldKey="dataset" />
          <FieldControl fieldKey="teacher" />
          <div className="own-teachers">
            <TeacherUpload />
            <TeacherTrainingPanel />
          </div>
          <StoredTeachers />
          <TeacherCard />
          <ClassChips />
          <FieldControl fieldKey="shotsPerClass" />
          <ShotsPicks />
        </section>
      )}
      {!hideMethod && (
        <section className="panel-section">
          <h2>Student and method</h2>
          <FieldControl fieldKey="method" />
          <FieldControl fieldKey="preset" />
          <PresetNote />
          <div className="field-pair">
            <FieldControl fieldKey="studentWidth" />
            <FieldControl fieldKey="seed" />
          </div>
        </section>
      )}
      <AdvancedSection />
    </aside>
  );
}
