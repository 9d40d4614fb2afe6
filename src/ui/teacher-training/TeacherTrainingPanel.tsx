import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { teacherTrainingBridge } from '../../bridge/teacherTraining';
import { DATASETS, DATASET_IDS, type DatasetId } from '../../protocol/catalog';
import { SHIPPED_TEACHER_IMAGES_PER_CLASS, TEACHER_EPOCHS, TEACHER_WIDTHS, type TeacherWidth } from '../../protocol/teacherTraining';
import { jobActive, specProblems, specSummary, useTeacherTrainingStore } from '../../state/teacher-training/store';
import { refreshStoredTeachers } from '../../state/teacher-training/storedTeachers';
import { Thumbnail } from '../assets/Thumbnail';
import { useThumbnails } from '../assets/thumbnails';
import { TeacherJobStatus } from './TeacherJobStatus';
import './teacherTraining.css';

/** Train a teacher here: a data set, any classes, a width and epochs; trains in its own worker. */
export function TeacherTrainingPanel() {
  const spec = useTeacherTrainingStore((s) => s.spec);
  const busy = useTeacherTrainingStore((s) => jobActive(s.job));
  const problems = useTeacherTrainingStore(useShallow(specProblems));
  const setDataset = useTeacherTrainingStore((s) => s.setDataset);
  const toggleClass = useTeacherTrainingStore((s) => s.toggleClass);
  const setClasses = useTeacherTrainingStore((s) => s.setClasses);
  const setSpec = useTeacherTrainingStore((s) => s.setSpec);
  const thumbs = useThumbnails(spec.dataset);
  useEffect(() => {
    void refreshStoredTeachers();
  }, []);
  const names = DATASETS[spec.dataset].classNames;
  const { images, perClass, steps } = specSummary(spec);
  const shipped = SHIPPED_TEACHER_IMAGES_PER_CLASS[spec.dataset];
  return (
    <details className="teacher-training" data-testid="teacher-training">
      <summary className="link-button">Train a teacher…</summary>
      <div className="field">
        <label className="field__label" htmlFor="tt-dataset">
          Data set
        </label>
        <select id="tt-dataset" data-testid="tt-dataset" value={spec.dataset} disabled={busy} onChange={(e) => setDataset(e.target.value as DatasetId)}>
          {DATASET_IDS.map((d) => (
            <option key={d} value={d}>
              {DATASETS[d].title}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <div className="field__label" id="tt-classes-label">
          Teacher classes <span className="field__count">{spec.classes.length} picked</span>
        </div>
        <div className="chips" role="group" aria-labelledby="tt-classes-label">
          {names.map((name, c) => {
            const on = spec.classes.includes(c);
            return (
              <button key={c} type="button" className={`chip${on ? ' chip--on' : ''}`} aria-pressed={on} disabled={busy} data-testid={`tt-class-${c}`} onClick={() => toggleClass(c)}>
                <Thumbnail pixels={thumbs.status === 'ready' ? thumbs.value[c] : undefined} size={28} title={name} />
                <span className="chip__name">{name}</span>
              </button>
            );
          })}
        </div>
        <div className="quick-picks">
          <span className="quick-picks__label">Pick:</span>
          <button type="button" className="link-button" disabled={busy} onClick={() => setClasses([0, 1, 2, 3, 4])}>
            first 5
          </button>
          <button type="button" className="link-button" disabled={busy} onClick={() => setClasses([5, 6, 7, 8, 9])}>
            last 5
          </button>
          <button type="button" className="link-button" disabled={busy} onClick={() => setClasses(names.map((_, c) => c))}>
            all {names.length}
          </button>
        </div>
      </div>
      <div className="field-pair">
        <div className="field">
          <label className="field__label" htmlFor="tt-width">
            Width
          </label>
          <select id="tt-width" data-testid="tt-width" value={spec.widthMultiplier} disabled={busy} onChange={(e) => setSpec({ widthMultiplier: Number(e.target.value) as TeacherWidth })}>
            {TEACHER_WIDTHS.map((w) => (
              <option key={w} value={w}>
                {w}× {w === 1 ? '(as the shipped teachers)' : ''}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="tt-epochs">
            Epochs
          </label>
          <input
            id="tt-epochs"
            data-testid="tt-epochs"
            type="number"
            min={TEACHER_EPOCHS.min}
            max={TEACHER_EPOCHS.max}
            step={1}
            value={spec.epochs}
            disabled={busy}
            onChange={(e) => setSpec({ epochs: Math.round(Number(e.target.value)) })}
          />
        </div>
      </div>
      <p className="field__help" data-testid="tt-data-note">
        Trains on the shipped pool split: {perClass} images per class, {images.toLocaleString('en')} here ({steps} steps of {spec.batchSize}). The shipped teachers saw about{' '}
        {shipped.toLocaleString('en')} per class, so a teacher trained here sees fewer images and is usually weaker. It trains in a worker of its own: the page stays usable.
      </p>
      {problems.length > 0 && (
        <p className="field__error" data-testid="tt-problems">
          {problems.join(' ')}
        </p>
      )}
      <div className="teacher-training__actions">
        {busy ? (
          <button type="button" data-testid="tt-cancel" onClick={() => teacherTrainingBridge.cancel()}>
            Cancel
          </button>
        ) : (
          <button type="button" className="primary" data-testid="tt-train" disabled={problems.length > 0} onClick={() => teacherTrainingBridge.train(spec)}>
            Train teacher
          </button>
        )}
      </div>
      <TeacherJobStatus />
      <p className="field__help">Measured like the shipped teachers: accuracy on its classes’ test images, and NCM accuracy of its frozen embedding on the classes it never saw.</p>
    </details>
  );
}
