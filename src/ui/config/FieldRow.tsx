import type { ReactNode } from 'react';

interface Props {
  id: string;
  label: string;
  help: string;
  error?: string;
  /** Shown when the chosen method ignores the field. */
  unusedNote?: string;
  children: ReactNode;
  inline?: boolean;
}

/** A control with its label, its one-line help and, when invalid, the error at the control. */
export function FieldRow({ id, label, help, error, unusedNote, children, inline }: Props) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}${unusedNote ? ' field--unused' : ''}${inline ? ' field--inline' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
        {unusedNote && <span className="field__unused">{unusedNote}</span>}
      </label>
      <div className="field__control">{children}</div>
      <p className="field__help" id={`${id}-help`}>
        {help}
      </p>
      {error && (
        <p className="field__error" role="alert" data-testid={`error-${id.replace(/^input-/, '')}`}>
          {error}
        </p>
      )}
    </div>
  );
}
