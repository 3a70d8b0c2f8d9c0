/**
 * Options for every estimator: one `DEFAULTS` const per estimator, merged with what the caller
 * passed, then checked field by field (sklearn's `_parameter_constraints`, checked in `fit`).
 *
 * - `undefined` never overrides a default (unlike a plain object spread), so
 *   `{ k: flags.k }` with no `--k` flag keeps the default.
 * - Unknown option names are rejected (a typo such as `nint` should not silently do nothing).
 * - Each failed check throws a RangeError that names the field, what it expected and what it got.
 */

/** Returns undefined when the value is fine, otherwise what was expected ("an integer ≥ 1"). */
export type Check<V> = (value: V) => string | undefined;
export type Checks<T> = { readonly [K in keyof T]?: Check<T[K]> };

export function resolveOptions<T extends object>(
  defaults: T,
  partial: Partial<T> | undefined,
  checks: Checks<T>,
  who = 'options',
): T {
  const out = { ...defaults } as T;
  if (partial !== undefined && partial !== null) {
    for (const key of Object.keys(partial) as (keyof T)[]) {
      if (!Object.prototype.hasOwnProperty.call(defaults, key)) {
        throw new RangeError(
          `${who}: unknown option "${String(key)}" (known: ${Object.keys(defaults).join(', ')})`,
        );
      }
      const v = partial[key];
      if (v !== undefined) out[key] = v as T[keyof T];
    }
  }
  for (const key of Object.keys(checks) as (keyof T)[]) {
    const check = checks[key];
    if (!check) continue;
    const v = out[key];
    const expected = check(v);
    if (expected !== undefined) {
      throw new RangeError(`${who}: option "${String(key)}" must be ${expected}, got ${describe(v)}`);
    }
  }
  return out;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return typeof v;
  }
}

// ---- reusable checks -------------------------------------------------------------------------

/** An integer in [min, max] (max optional). */
export function integer(min: number, max = Infinity): Check<number> {
  const text = max === Infinity ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
  return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? undefined : text);
}

/** A finite number with optional bounds; `exclusiveMin` makes the lower bound strict. */
export function finite(bounds: { min?: number; max?: number; exclusiveMin?: boolean } = {}): Check<number> {
  const { min = -Infinity, max = Infinity, exclusiveMin = false } = bounds;
  const parts: string[] = [];
  if (min > -Infinity) parts.push(`${exclusiveMin ? '>' : '≥'} ${min}`);
  if (max < Infinity) parts.push(`≤ ${max}`);
  const text = `a finite number${parts.length ? ' ' + parts.join(' and ') : ''}`;
  return (v) =>
    typeof v === 'number' && Number.isFinite(v) && (exclusiveMin ? v > min : v >= min) && v <= max
      ? undefined
      : text;
}

/** One of a fixed set of values (sklearn's StrOptions). */
export function oneOf<V extends string | number | boolean>(allowed: readonly V[]): Check<V> {
  const text = `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
  return (v) => (allowed.includes(v) ? undefined : text);
}

export const booleanCheck: Check<boolean> = (v) => (typeof v === 'boolean' ? undefined : 'a boolean');

/** A rate or fraction in [0, 1) (dropout, Adam's betas). */
export const unitIntervalCheck: Check<number> = (v) => (typeof v === 'number' && v >= 0 && v < 1 ? undefined : 'a number in [0, 1)');

/** A seed for createRng: any integer that fits in 32 bits (signed or unsigned). */
export const seedCheck: Check<number> = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 4294967295
    ? undefined
    : 'an integer seed in [-2^31, 2^32)';

// ---- data checks shared by the estimators' fit/predict -----------------------------------------

/** Throws a RangeError naming the first non-finite cell (sklearn's check_array force_all_finite). */
export function assertFiniteMatrix(X: { rows: number; cols: number; data: Float64Array }, who: string): void {
  const x = X.data;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      const r = Math.floor(i / X.cols), c = i - r * X.cols;
      throw new RangeError(`${who}: input has a non-finite value (${x[i]}) at row ${r}, column ${c}`);
    }
  }
}
