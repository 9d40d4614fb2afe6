import { fieldSpec, getField, type FieldSpec } from '../../protocol/config';
import { fieldError, fieldHelp, fieldUsedBy, isHidden, useConfigStore } from '../../state/configStore';
import { useWithStoredTeachers } from '../teachers/teacherOptions';
import { FieldRow } from './FieldRow';
import { BooleanInput, EnumInput, NumberInput, inputId } from './inputs';

/** One field of the FIELDS table: label, input of its kind, one-line help, error at the control. */
export function FieldControl({ fieldKey }: { fieldKey: string }) {
  const spec = fieldSpec(fieldKey) as FieldSpec;
  const value = useConfigStore((s) => getField(s.config, fieldKey));
  const error = useConfigStore((s) => fieldError(s, fieldKey));
  const help = useConfigStore((s) => fieldHelp(s, fieldKey));
  const hidden = useConfigStore((s) => isHidden(s, fieldKey));
  const method = useConfigStore((s) => s.config.method);
  const shown = useWithStoredTeachers(spec);
  if (hidden || spec.kind === 'classes') return null;
  const unusedNote = fieldUsedBy(method, fieldKey) ? undefined : `not used by ${method}`;
  const invalid = error !== undefined;
  return (
    <FieldRow id={inputId(fieldKey)} label={spec.label} help={help} error={error} unusedNote={unusedNote} inline={spec.kind === 'boolean'}>
      {shown.kind === 'enum' && <EnumInput spec={shown} value={value} invalid={invalid} />}
      {spec.kind === 'boolean' && <BooleanInput spec={spec} value={value} invalid={invalid} />}
      {(spec.kind === 'number' || spec.kind === 'shots') && <NumberInput spec={spec} value={value} invalid={invalid} />}
    </FieldRow>
  );
}
