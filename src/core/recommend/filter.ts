/**
 * Hard constraints on the candidate pool, applied in order. When the pool empties, the InputError
 * names the constraint that emptied it, the pool size at each step, and how many tracks that
 * constraint alone would keep (so the user knows whether it is impossible or only in combination).
 */
import { InputError } from '../common/errors.ts';

export interface Constraint {
  /** What the user reads: "energy ≥ 0.65 (context workout)". */
  readonly label: string;
  /** Where it came from: "query", "context workout", "mood", "seeds", "user alice". */
  readonly source: string;
  /** Shown in `why` for every returned track (false for bookkeeping rules such as "not a seed"). */
  readonly explain: boolean;
  test(row: number): boolean;
  /**
   * Optional fast path, equivalent to `test`: compacts `rows[0..count)` in place to the rows that
   * pass, keeping their order, and returns how many. Lets a constraint run its own tight loop.
   */
  keep?(rows: Int32Array, count: number): number;
  /**
   * Optional fast path for a first constraint: the rows of 0..n-1 that pass, ascending (a fresh
   * array the caller may modify), e.g. from a per-catalogue index.
   */
  all?(): Int32Array;
}

export interface FilterStep {
  readonly constraint: string;
  readonly remaining: number;
}

export interface FilterResult {
  readonly rows: Int32Array;
  readonly steps: readonly FilterStep[];
}

/** Rows of 0..n-1 (or of `start`) passing every constraint; throws InputError when none does. */
export function applyConstraints(n: number, constraints: readonly Constraint[], start?: Int32Array): FilterResult {
  let rows: Int32Array;
  let c0 = 0;
  const steps: FilterStep[] = [];
  if (start) rows = Int32Array.from(start);
  else if (constraints.length && constraints[0].all) {
    rows = constraints[0].all();
    steps.push({ constraint: constraints[0].label, remaining: rows.length });
    if (rows.length === 0) emptied(n, constraints[0], steps, n);
    c0 = 1;
  } else rows = identity(n);
  let m = rows.length;
  for (let c = c0; c < constraints.length; c++) {
    const con = constraints[c];
    const before = m;
    m = con.keep ? con.keep(rows, m) : keepByTest(con, rows, m);
    steps.push({ constraint: con.label, remaining: m });
    if (m === 0) emptied(n, con, steps, before);
  }
  return { rows: m === rows.length ? rows : rows.slice(0, m), steps };
}

// The loops are functions of their own: V8 optimises a long loop on the stack (OSR), and code after it
// that has not run yet would deoptimise that code on every call.
function identity(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

function keepByTest(con: Constraint, rows: Int32Array, m: number): number {
  let k = 0;
  for (let i = 0; i < m; i++) { const r = rows[i]; if (con.test(r)) rows[k++] = r; }
  return k;
}

function countAlone(con: Constraint, n: number): number {
  let alone = 0;
  for (let i = 0; i < n; i++) if (con.test(i)) alone++;
  return alone;
}

function emptied(n: number, con: Constraint, steps: readonly FilterStep[], before: number): never {
  const alone = countAlone(con, n);
  const trail = [`${n} in the catalogue`, ...steps.map((s) => `${s.remaining} after ${s.constraint}`)].join(' → ');
  const hint = alone === 0
    ? `no track in the catalogue meets "${con.label}" on its own`
    : `on its own it keeps ${alone} tracks, but none of the ${before} left by the earlier constraints`;
  throw new InputError(`empty pool: the constraint "${con.label}" removed every remaining track (${hint}; ${trail})`);
}
