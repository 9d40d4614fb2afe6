import { useState, type DragEvent } from 'react';
import { measureTeacherCard } from '../../bridge/teacherCards';
import { DATASETS, DATASET_IDS, type DatasetId } from '../../protocol/catalog';
import { useConfigStore } from '../../state/configStore';
import { useTeachersStore } from '../../state/teachersStore';
import { CardLine } from './CardLine';
import './teachers.css';

/**
 * "Upload a teacher": pick or drop model.json with its .bin files, name the head's classes (or
 * "unknown"), see the card the worker measures, keep it. The checks and the store do the work.
 */
export function TeacherUpload({ defaultOpen = false }: { defaultOpen?: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const [dragging, setDragging] = useState(false);
  const upload = useTeachersStore((s) => s.upload);
  const pickFiles = useTeachersStore((s) => s.pickFiles);
  const setUpload = useTeachersStore((s) => s.setUpload);
  const toggleClass = useTeachersStore((s) => s.toggleUploadClass);
  const setCard = useTeachersStore((s) => s.setCard);
  const keep = useTeachersStore((s) => s.keepUpload);
  const reset = useTeachersStore((s) => s.resetUpload);
  const studentClasses = useConfigStore((s) => s.config.studentClasses);
  const backend = useConfigStore((s) => s.backend);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void pickFiles([...e.dataTransfer.files]);
  };
  const measure = async () => {
    if (!upload.check?.ok) return;
    setCard('measuring');
    const reply = await measureTeacherCard({ backend, dataset: upload.dataset, classes: upload.classes, ncmClasses: studentClasses.filter((c) => !(upload.classes ?? []).includes(c)), model: upload.check.model });
    setCard(reply.type === 'card' ? { ok: true, card: reply.card } : { ok: false, message: reply.message });
  };

  if (!open) {
    return (
      <button type="button" className="link-button teacher-upload__open" data-testid="teacher-upload-open" onClick={() => setOpen(true)}>
        Upload a teacher…
      </button>
    );
  }
  const check = upload.check;
  const model = check?.ok ? check.model : null;
  const names = DATASETS[upload.dataset].classNames;
  const classes = upload.classes;
  const head = model?.headUnits ?? null;
  const classesReady = classes === null || classes.length === (head ?? classes.length);
  return (
    <div className="teacher-upload" data-testid="teacher-upload">
      <div className="teacher-upload__head">
        <strong>Upload a teacher</strong>
        <button type="button" className="link-button" onClick={() => { reset(); setOpen(false); }}>
          Close
        </button>
      </div>
      <label
        className={`teacher-upload__drop${dragging ? ' teacher-upload__drop--over' : ''}`}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <span>A TensorFlow.js layers model: drop or pick model.json together with its .bin weight files.</span>
        <input type="file" multiple accept=".json,.bin,application/json,application/octet-stream" data-testid="teacher-upload-files" onChange={(e) => void pickFiles([...(e.target.files ?? [])])} />
      </label>
      {upload.checking && <p role="status">Checking the files…</p>}
      {check && !check.ok && (
        <p className="warning" role="alert" data-testid="teacher-upload-error" data-code={check.error.code}>
          {check.error.message}
        </p>
      )}
      {model && (
        <>
          <p className="teacher-upload__summary" data-testid="teacher-upload-summary">
            Input [{model.inputShape.map((d) => d ?? 'batch').join(', ')}] · embedding: {model.embeddingLayer} · {model.parameters.toLocaleString('en')} weights
            {head !== null && <> · head of {head} outputs</>}
          </p>
          <label className="teacher-upload__row">
            Name
            <input type="text" value={upload.title} maxLength={80} data-testid="teacher-upload-title" onChange={(e) => setUpload({ title: e.target.value })} />
          </label>
          <label className="teacher-upload__row">
            Dataset
            <select value={upload.dataset} data-testid="teacher-upload-dataset" onChange={(e) => setUpload({ dataset: e.target.value as DatasetId, classes: null })}>
              {DATASET_IDS.map((d) => (
                <option key={d} value={d}>
                  {DATASETS[d].title}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="teacher-upload__classes">
            <legend>Its classes, in the order of its head’s outputs{head !== null ? ` (${head})` : ''}</legend>
            <label>
              <input type="checkbox" checked={classes === null} data-testid="teacher-upload-unknown" onChange={(e) => setUpload({ classes: e.target.checked ? null : [] })} /> unknown (runs assume cross-task)
            </label>
            {classes !== null && (
              <div className="chips" role="group" aria-label="The teacher's classes">
                {names.map((name, c) => {
                  const at = classes.indexOf(c);
                  return (
                    <button key={c} type="button" className={`chip${at >= 0 ? ' chip--on' : ''}`} aria-pressed={at >= 0} data-testid={`teacher-upload-class-${c}`} onClick={() => toggleClass(c)}>
                      <span className="chip__name">{name}</span>
                      {at >= 0 && <span className="chip__teacher">{at + 1}</span>}
                    </button>
                  );
                })}
              </div>
            )}
            {!classesReady && <p className="warning">Name {head} classes, one per output ({classes?.length ?? 0} named), or tick “unknown”.</p>}
          </fieldset>
          <div className="teacher-upload__actions">
            <button type="button" data-testid="teacher-upload-measure" disabled={!classesReady || upload.cardStatus === 'measuring'} onClick={() => void measure()}>
              {upload.cardStatus === 'measuring' ? 'Measuring…' : 'Measure its card'}
            </button>
            <button type="button" data-testid="teacher-upload-keep" disabled={upload.cardStatus !== 'ready'} onClick={() => void keep()}>
              Keep and use it
            </button>
          </div>
          {upload.card && (
            <p className="teacher-card__meta" data-testid="teacher-upload-card">
              <CardLine card={upload.card} names={names} />
            </p>
          )}
          {upload.cardError && (
            <p className="warning" role="alert" data-testid="teacher-upload-card-error">
              {upload.cardError}
            </p>
          )}
        </>
      )}
    </div>
  );
}
