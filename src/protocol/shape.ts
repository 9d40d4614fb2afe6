/**
 * A small strict shape checker for plain JSON data read from outside (imported run files):
 * every problem is reported with its dotted path, what was found and what was expected, and
 * keys the shape does not name are refused. Plain functions, no dependencies.
 */

/** One problem in a value: where (dotted path, `[i]` for array items) and what. */
export interface ShapeProblem {
  path: string;
  message: string;
}

/** Checks `value` at `path`, pushes problems, and returns the value to keep (possibly converted). */
export type Shape<T> = (value: unknown, path: string, problems: ShapeProblem[]) => T;

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v.length > 40 ? `the text "${v.slice(0, 40)}…"` : `the text "${v}"`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
};

const at = (path: string) => path || 'the file';

/** A number in [min, max] (an integer with `integer`); `nullAsNaN` reads JSON's null (how NaN/∞ serialise) as NaN. */
export function num(opts: { min?: number; max?: number; integer?: boolean; nullAsNaN?: boolean } = {}): Shape<number> {
  const { min = -Infinity, max = Infinity, integer = false, nullAsNaN = false } = opts;
  return (v, path, problems) => {
    if (v === null && nullAsNaN) return NaN;
    const range = Number.isFinite(min) && Number.isFinite(max) ? ` from ${min} to ${max}` : Number.isFinite(min) ? ` of at least ${min}` : Number.isFinite(max) ? ` of at most ${max}` : '';
    const expected = `${integer ? 'an integer' : 'a number'}${range}`;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      problems.push({ path, message: `${at(path)} must be ${expected} (it is ${describe(v)})` });
      return NaN;
    }
    if ((integer && !Number.isInteger(v)) || v < min || v > max) problems.push({ path, message: `${at(path)} must be ${expected} (it is ${v})` });
    return v;
  };
}

/** A string of at most `maxLength` characters (non-empty unless `allowEmpty`). */
export function str(opts: { maxLength?: number; allowEmpty?: boolean; pattern?: RegExp; what?: string } = {}): Shape<string> {
  const { maxLength = 10_000, allowEmpty = false, pattern, what = 'text' } = opts;
  return (v, path, problems) => {
    if (typeof v !== 'string') problems.push({ path, message: `${at(path)} must be ${what} (it is ${describe(v)})` });
    else if (!allowEmpty && v.length === 0) problems.push({ path, message: `${at(path)} must not be empty` });
    else if (v.length > maxLength) problems.push({ path, message: `${at(path)} must be at most ${maxLength} characters (it has ${v.length})` });
    else if (pattern && !pattern.test(v)) problems.push({ path, message: `${at(path)} must be ${what} (it is ${describe(v)})` });
    return typeof v === 'string' ? v : '';
  };
}

export function bool(): Shape<boolean> {
  return (v, path, problems) => {
    if (typeof v !== 'boolean') problems.push({ path, message: `${at(path)} must be true or false (it is ${describe(v)})` });
    return v === true;
  };
}

/** One of the listed values. */
export function oneOf<T extends string | number>(values: readonly T[]): Shape<T> {
  return (v, path, problems) => {
    if (!values.includes(v as T)) problems.push({ path, message: `${at(path)} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')} (it is ${describe(v)})` });
    return v as T;
  };
}

/** A list of at most `maxItems` items, each checked by `item`. */
export function list<T>(item: Shape<T>, opts: { maxItems?: number } = {}): Shape<T[]> {
  const { maxItems = 1_000_000 } = opts;
  return (v, path, problems) => {
    if (!Array.isArray(v)) {
      problems.push({ path, message: `${at(path)} must be a list (it is ${describe(v)})` });
      return [];
    }
    if (v.length > maxItems) {
      problems.push({ path, message: `${at(path)} must have at most ${maxItems} items (it has ${v.length})` });
      return [];
    }
    return v.map((x, i) => item(x, `${path}[${i}]`, problems));
  };
}

type Fields = Record<string, Shape<unknown>>;
type Out<F extends Fields> = { [K in keyof F]: F[K] extends Shape<infer T> ? T : never };

/**
 * An object with exactly these keys: `required` must be present, `optional` may be; any other
 * key is refused by name. Optional keys absent stay absent.
 */
export function obj<R extends Fields, O extends Fields = Record<never, never>>(required: R, optional?: O): Shape<Out<R> & Partial<Out<O>>> {
  return (v, path, problems) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      problems.push({ path, message: `${at(path)} must be an object (it is ${describe(v)})` });
      return {} as Out<R> & Partial<Out<O>>;
    }
    const record = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const key = (k: string) => (path ? `${path}.${k}` : k);
    for (const [k, shape] of Object.entries(required)) {
      if (!(k in record)) problems.push({ path: key(k), message: `${key(k)} is missing` });
      else out[k] = shape(record[k], key(k), problems);
    }
    for (const [k, shape] of Object.entries(optional ?? {})) {
      if (k in record && record[k] !== undefined) out[k] = shape(record[k], key(k), problems);
    }
    const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
    const unknown = Object.keys(record).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      problems.push({ path, message: `${at(path)} has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).map((k) => `"${k}"`).join(', ')}${unknown.length > 5 ? '…' : ''} (expected only ${[...known].join(', ')})` });
    }
    return out as Out<R> & Partial<Out<O>>;
  };
}

/** The first shape whose check passes, chosen by `pick` on the raw value (a discriminated union). */
export function union<T>(pick: (v: unknown) => Shape<T> | string): Shape<T> {
  return (v, path, problems) => {
    const shape = pick(v);
    if (typeof shape === 'string') {
      problems.push({ path, message: `${at(path)} ${shape}` });
      return v as T;
    }
    return shape(v, path, problems);
  };
}

/** Any JSON object, unchecked inside (e.g. a model topology tfjs checks itself). */
export function anyObject(): Shape<Record<string, unknown>> {
  return (v, path, problems) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) problems.push({ path, message: `${at(path)} must be an object (it is ${describe(v)})` });
    return v as Record<string, unknown>;
  };
}
