/** The bare inputs of the field kinds; each writes through the config store. */
import { useState } from 'react';
import { fieldTitle, formatLimit, type FieldSpec } from '../../protocol/config';
import { useConfigStore } from '../../state/configStore';
import { useTeacherTrainingStore } from '../../state/teacher-training/store';
import { chooseStoredTeacher } from '../../state/teacher-training/storedTeachers';
import { optionLabel } from './optionLabels';

export const inputId = (key: string) => `input-${key}`;

interface InputProps<S extends FieldSpec['kind']> {
  spec: Extract<FieldSpec, { kind: S }>;
  value: unknown;
  invalid: boolean;
}

export function EnumInput({ spec, value, invalid }: InputProps<'enum'>) {
  const setField = useConfigStore((s) => s.setField);
  // The teacher picker also offers the teachers kept in this browser (trained here or uploaded).
  const stored = useTeacherTrainingStore((s) => (spec.key === 'teacher' ? s.stored : null));
  const pickStored = (id: string) => stored?.find((t) => t.id === id);
  return (
    <select
      id={inputId(spec.key)}
      data-testid={`field-${spec.key}`}
      aria-invalid={invalid}
      aria-describedby={`${inputId(spec.key)}-help`}
      // The whole name on hover, where the box is too narrow for a long option (a teacher's title).
      title={optionLabel(spec.key, String(value))}
      value={String(value)}
      onChange={(e) => {
        const own = pickStored(e.target.value);
        if (own) chooseStoredTeacher(own);
        else setField(spec.key, spec.values.find((v) => String(v) === e.target.value));
      }}
    >
      {spec.values.map((v) => (
        <option key={String(v)} value={String(v)}>
          {optionLabel(spec.key, v)}
        </option>
      ))}
      {stored?.map((t) => (
        <option key={t.id} value={t.id}>
          {t.title}
        </option>
      ))}
      {spec.key === 'teacher' && !spec.values.includes(String(value)) && !pickStored(String(value)) && <option value={String(value)}>{String(value)} (not in this browser)</option>}
    </select>
  );
}

export function BooleanInput({ spec, value }: InputProps<'boolean'>) {
  const setField = useConfigStore((s) => s.setField);
  return (
    <input
      id={inputId(spec.key)}
      data-testid={`field-${spec.key}`}
      type="checkbox"
      checked={value === true}
      onChange={(e) => setField(spec.key, e.target.checked)}
    />
  );
}

/** Parses what was typed: a value, or the sentence that says why it is not one and what to type. */
export function parseTyped(spec: FieldSpec, text: string): { value: unknown } | { error: string } {
  const trimmed = text.trim();
  if (spec.kind === 'shots' && trimmed.toLowerCase() === 'all') return { value: 'all' };
  if (spec.kind === 'number' && spec.auto && trimmed.toLowerCase() === 'auto') return { value: 'auto' };
  const n = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(n)) {
    const title = fieldTitle(spec);
    if (spec.kind === 'shots') return { error: `${title} must be a whole number or "all": type how many images each class gets, such as 10.` };
    if (spec.kind === 'number') return { error: `${title} must be a number from ${formatLimit(spec.min)} to ${formatLimit(spec.max)}${spec.auto ? ' or "auto"' : ''}: type digits, such as ${formatLimit(spec.max <= 1 ? spec.max / 2 : Math.max(spec.min, 1))}.` };
    return { error: `${title} must be a number: type digits.` };
  }
  return { value: n };
}

/**
 * A text box for numbers (and shots, which also take "all"): what is typed stays as typed
 * while focused ("0.", "1e-"), and reaches the config as soon as it parses.
 */
export function NumberInput({ spec, value, invalid }: InputProps<'number' | 'shots'>) {
  const setField = useConfigStore((s) => s.setField);
  const setInputError = useConfigStore((s) => s.setInputError);
  const [draft, setDraft] = useState<string | null>(null);
  const [seenValue, setSeenValue] = useState(value);
  if (seenValue !== value) {
    // Changed from outside (a preset, a link, a quick pick): drop a draft that says otherwise.
    setSeenValue(value);
    if (draft !== null) {
      const parsed = parseTyped(spec, draft);
      if ('error' in parsed || parsed.value !== value) setDraft(null);
    }
  }
  return (
    <input
      id={inputId(spec.key)}
      data-testid={`field-${spec.key}`}
      type="text"
      inputMode={spec.kind === 'shots' ? 'text' : 'decimal'}
      spellCheck={false}
      autoComplete="off"
      aria-invalid={invalid}
      aria-describedby={`${inputId(spec.key)}-help`}
      value={draft ?? String(value)}
      onChange={(e) => {
        setDraft(e.target.value);
        const parsed = parseTyped(spec, e.target.value);
        if ('error' in parsed) {
          setInputError(spec.key, parsed.error);
        } else {
          setInputError(spec.key, null);
          setField(spec.key, parsed.value);
        }
      }}
      onBlur={() => {
        if (!('error' in parseTyped(spec, draft ?? String(value)))) setDraft(null);
      }}
    />
  );
}
