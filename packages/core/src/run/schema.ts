// Checks for JSON read from disk: every file a run directory holds is parsed through one of these, so a
// wrong type is reported as "<file>: field <name> must be ..., got ...", never as a TypeError deep inside.
// Browser-safe.

/** A failed check, with the dotted path of the field and what was expected. */
export class FieldError extends Error {
  constructor(readonly field: string, readonly expected: string, readonly got: unknown) {
    super(`${field ? `field "${field}"` : 'the file'} must be ${expected}, got ${describe(got)}`);
    this.name = 'FieldError';
  }
}

/** An unreadable or invalid file, named. */
export class RunFileError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'RunFileError';
  }
}

export type Check<T> = (value: unknown, field: string) => T;

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const join = (field: string, key: string | number) => (typeof key === 'number' ? `${field}[${key}]` : field ? `${field}.${key}` : key);

export const finiteNumber: Check<number> = (v, f) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FieldError(f, 'a finite number', v);
  return v;
};

export function integer(min: number): Check<number> {
  return (v, f) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new FieldError(f, `an integer >= ${min}`, v);
    return v;
  };
}

export const string: Check<string> = (v, f) => {
  if (typeof v !== 'string') throw new FieldError(f, 'a string', v);
  return v;
};

export const boolean: Check<boolean> = (v, f) => {
  if (typeof v !== 'boolean') throw new FieldError(f, 'true or false', v);
  return v;
};

export function oneOf<T extends string>(choices: readonly T[]): Check<T> {
  return (v, f) => {
    if (typeof v !== 'string' || !choices.includes(v as T)) throw new FieldError(f, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, v);
    return v as T;
  };
}

export function matching(pattern: RegExp, expected: string): Check<string> {
  return (v, f) => {
    if (typeof v !== 'string' || !pattern.test(v)) throw new FieldError(f, expected, v);
    return v;
  };
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (v, f) => (v === undefined ? undefined : check(v, f));
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, f) => (v === null ? null : check(v, f));
}

export function arrayOf<T>(check: Check<T>): Check<T[]> {
  return (v, f) => {
    if (!Array.isArray(v)) throw new FieldError(f, 'an array', v);
    return v.map((item, i) => check(item, join(f, i)));
  };
}

export function recordOf<T>(check: Check<T>): Check<Record<string, T>> {
  return (v, f) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FieldError(f, 'an object', v);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, check(x, join(f, k))]));
  };
}

/** An object with these fields checked; fields it does not name are kept as they are (newer writers). */
export function object<T>(fields: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  return (v, f) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FieldError(f, 'an object', v);
    const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const [key, check] of Object.entries(fields) as [string, Check<unknown>][]) {
      const value = check((v as Record<string, unknown>)[key], join(f, key));
      if (value === undefined) delete out[key];
      else out[key] = value;
    }
    return out as T;
  };
}

/** One of several object shapes, told apart by a string field. */
export function taggedUnion<T>(tag: string, shapes: Record<string, Check<T>>): Check<T> {
  return (v, f) => {
    const kind = (v as Record<string, unknown> | null)?.[tag];
    const check = typeof kind === 'string' ? shapes[kind] : undefined;
    if (!check) throw new FieldError(join(f, tag), `one of ${Object.keys(shapes).map((k) => JSON.stringify(k)).join(', ')}`, kind);
    return check(v, f);
  };
}

/** Checks a parsed file's content; errors name the file and the field. */
export function parseFile<T>(check: Check<T>, value: unknown, file: string): T {
  try {
    return check(value, '');
  } catch (e) {
    if (e instanceof FieldError) throw new RunFileError(file, e.message);
    throw e;
  }
}
