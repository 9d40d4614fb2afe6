import type { FieldSpec } from '../../protocol/config';
import { useTeachersStore } from '../../state/teachersStore';

/** The teacher field's choices: the shipped teachers, then those kept in this browser. */
export function useWithStoredTeachers(spec: FieldSpec): FieldSpec {
  const stored = useTeachersStore((s) => s.stored);
  if (spec.key !== 'teacher' || spec.kind !== 'enum' || stored.length === 0) return spec;
  return { ...spec, values: [...spec.values, ...stored.map((t) => t.id)] };
}
