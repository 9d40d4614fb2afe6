import { useEffect, useRef, useState } from 'react';
import { readRunFile, type NamedBlob, type StudentModel } from '../../protocol/runFileIo';
import type { RunFile } from '../../protocol/runFile';
import './export.css';

interface Props {
  /** Called with a run file that passed the parser (and a bundle's student). */
  onImport: (file: RunFile, student?: StudentModel) => void;
}

/**
 * Import of run files and bundles: a file picker, and dropping a file anywhere on the page.
 * A file the parser refuses changes nothing; its message shows here.
 */
export function ImportControl({ onImport }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [dragging, setDragging] = useState(false);

  const take = async (file: NamedBlob | undefined) => {
    if (!file) return;
    const parsed = await readRunFile(file);
    if (!parsed.ok) {
      setMessage({ ok: false, text: parsed.error.message });
      return;
    }
    onImport(parsed.file, parsed.student);
    setMessage({ ok: true, text: `Imported "${parsed.file.name}"${parsed.student ? ' with its student' : ''}.` });
  };

  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      void take(e.dataTransfer?.files[0]);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
    // `take` only closes over onImport and setters; re-registering on each render is not needed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onImport]);

  return (
    <div className={`import-control${dragging ? ' is-dragging' : ''}`} data-testid="import-control">
      <button type="button" className="button" onClick={() => input.current?.click()} data-testid="import-button">
        Import run…
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-input"
        onChange={(e) => {
          void take(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      <span className="import-control__hint">or drop a .json run file or .refilled.json bundle on the page</span>
      {message && (
        <p className={`import-control__message${message.ok ? '' : ' is-error'}`} role={message.ok ? 'status' : 'alert'} data-testid="import-message" data-ok={message.ok}>
          {message.text}
        </p>
      )}
    </div>
  );
}
