/**
 * The serialised form of every fitted estimator (tfjs-layers' config + weights split): `config`
 * is plain JSON (options and small learned values), `arrays` hold the weights. The model store
 * writes config into JSON and arrays into one binary file, and loads them back the same.
 *
 * Every `fromState` reads its state through one `StateReader`, which checks each field's type
 * and shape as it reads it: a saved model that was truncated or edited by hand fails with a
 * `ModelStateError` naming the estimator and the field, never with a cast that lets a wrong value
 * through to the numerics. The io loader (io/mood-model-dir.ts) adds the file's name.
 */
import { InputError } from '../common/errors.ts';

export type NumericArray = Float64Array | Float32Array | Int32Array;

export interface ModelState {
  readonly kind: string;
  readonly formatVersion: number;
  readonly config: Record<string, unknown>;
  readonly arrays: Record<string, NumericArray>;
}

export type ArrayType = 'float64' | 'float32' | 'int32';

/** A saved state that is not what its estimator writes: `field` is where ("config.nFeatures", "arrays.kernel0"). */
export class ModelStateError extends InputError {
  constructor(
    readonly kind: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${kind} state: ${field} ${problem}`);
    this.name = 'ModelStateError';
  }
}

/**
 * Checks the kind and format version of a state and returns a reader of its fields; refuses a
 * state of another kind or an unknown format version, with a message that says which.
 */
export function readState(state: ModelState, kind: string, supportedVersion: number): StateReader {
  if (!isObject(state)) throw new ModelStateError(kind, 'state', `must be an object, got ${describe(state)}`);
  if (state.kind !== kind) throw new ModelStateError(kind, 'kind', `is wrong: expected a ${kind} model state, got ${describe(state.kind)}`);
  if (state.formatVersion !== supportedVersion) {
    throw new ModelStateError(kind, 'formatVersion', `says format version ${describe(state.formatVersion)}; this moodscape reads version ${supportedVersion}`);
  }
  if (!isObject(state.config)) throw new ModelStateError(kind, 'config', `must be an object, got ${describe(state.config)}`);
  if (!isObject(state.arrays)) throw new ModelStateError(kind, 'arrays', `must be an object, got ${describe(state.arrays)}`);
  return new StateReader(state, kind, 'config');
}

/** Reads the fields of one state's config (or of an object inside it) with type and shape checks. */
export class StateReader {
  /** The fields read (the config, or an object inside it). */
  readonly fields: Record<string, unknown>;
  constructor(
    private readonly state: ModelState,
    readonly kind: string,
    /** Where `fields` sits in the state, for messages ("config", "config.fitInfo"). */
    private readonly at: string,
    fields: Record<string, unknown> = state.config,
  ) {
    this.fields = fields;
  }

  /** Throws a ModelStateError for `name` (a config field, or "arrays.x"). */
  fail(name: string, problem: string): never {
    throw new ModelStateError(this.kind, name.startsWith('arrays.') ? name : `${this.at}.${name}`, problem);
  }

  has(name: string): boolean {
    return this.fields[name] !== undefined;
  }

  /** The raw value, for fields passed on unread (a member's state, free-form metadata). */
  raw(name: string): unknown {
    return this.fields[name];
  }

  private get(name: string, fallback: unknown): unknown {
    const v = this.fields[name];
    if (v !== undefined) return v;
    if (fallback !== undefined) return fallback;
    return this.fail(name, 'is missing');
  }

  /** A finite number; `fallback` is used when the field is absent (older files). */
  number(name: string, fallback?: number): number {
    const v = this.get(name, fallback);
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(name, `must be a finite number, got ${describe(v)}`);
  }

  /** An integer ≥ min. */
  int(name: string, min = -Infinity, fallback?: number): number {
    const v = this.get(name, fallback);
    return Number.isInteger(v) && (v as number) >= min ? (v as number) : this.fail(name, `must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}, got ${describe(v)}`);
  }

  boolean(name: string, fallback?: boolean): boolean {
    const v = this.get(name, fallback);
    return typeof v === 'boolean' ? v : this.fail(name, `must be true or false, got ${describe(v)}`);
  }

  string(name: string, fallback?: string): string {
    const v = this.get(name, fallback);
    return typeof v === 'string' ? v : this.fail(name, `must be a string, got ${describe(v)}`);
  }

  /** An array of strings (at least `minLength`). */
  strings(name: string, minLength = 0): string[] {
    const v = this.get(name, undefined);
    return Array.isArray(v) && v.length >= minLength && v.every((s) => typeof s === 'string')
      ? [...v]
      : this.fail(name, `must be an array of ${minLength ? `at least ${minLength} ` : ''}strings, got ${describe(v)}`);
  }

  /** An array of integers ≥ min (at least `minLength`). */
  ints(name: string, min: number, minLength = 0): number[] {
    const v = this.get(name, undefined);
    return Array.isArray(v) && v.length >= minLength && v.every((x) => Number.isInteger(x) && x >= min)
      ? [...v]
      : this.fail(name, `must be an array of ${minLength ? `at least ${minLength} ` : ''}integers ≥ ${min}, got ${describe(v)}`);
  }

  /** A plain object, read with its own reader (messages say "config.name.field"). */
  object(name: string, fallback?: Record<string, unknown>): StateReader {
    const v = this.get(name, fallback);
    if (!isObject(v)) return this.fail(name, `must be an object, got ${describe(v)}`);
    return new StateReader(this.state, this.kind, `${this.at}.${name}`, v);
  }

  /** Each element of an array of objects, read with its own reader ("config.members[2].kind"). */
  objects(name: string, minLength = 0): StateReader[] {
    const v = this.get(name, undefined);
    if (!Array.isArray(v) || v.length < minLength) return this.fail(name, `must be an array of ${minLength ? `at least ${minLength} ` : ''}objects, got ${describe(v)}`);
    return v.map((o, i) => (isObject(o) ? new StateReader(this.state, this.kind, `${this.at}.${name}[${i}]`, o) : this.fail(`${name}[${i}]`, `must be an object, got ${describe(o)}`)));
  }

  /**
   * Options through the estimator's own resolver (which fills defaults and range-checks): its
   * RangeError becomes a ModelStateError naming the field.
   */
  options<T>(resolve: (partial: Partial<T>) => T, name = 'options'): T {
    const v = this.get(name, {});
    if (!isObject(v)) return this.fail(name, `must be an object, got ${describe(v)}`);
    try {
      return resolve(v as Partial<T>);
    } catch (e) {
      if (e instanceof RangeError) return this.fail(name, `are invalid: ${e.message}`);
      throw e;
    }
  }

  /** A JSON value checked by `valid` (which says what it expected, or undefined when fine). */
  json<T>(name: string, valid: (v: unknown) => string | undefined, fallback?: T): T {
    const v = this.get(name, fallback);
    const expected = valid(v);
    return expected === undefined ? (v as T) : this.fail(name, `must be ${expected}, got ${describe(v)}`);
  }

  /** An array of the state, of the given type and (when given) length. */
  array(name: string, type: 'float64', length?: number): Float64Array;
  array(name: string, type: 'float32', length?: number): Float32Array;
  array(name: string, type: 'int32', length?: number): Int32Array;
  array(name: string, type: ArrayType, length?: number): NumericArray {
    const field = `arrays.${name}`;
    const a = this.state.arrays[name];
    if (a === undefined) return this.fail(field, 'is missing');
    if (arrayType(a) !== type) return this.fail(field, `must be ${type}, got ${arrayType(a) ?? describe(a)}`);
    if (length !== undefined && a.length !== length) return this.fail(field, `holds ${a.length} values, expected ${length}`);
    return a;
  }

  /** Names of the state's arrays. */
  arrayNames(): string[] {
    return Object.keys(this.state.arrays);
  }
}

function arrayType(a: unknown): ArrayType | undefined {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? s.slice(0, 57) + '…' : s;
  } catch {
    return typeof v;
  }
}
