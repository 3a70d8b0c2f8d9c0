/**
 * Hard constraints on the candidate pool, applied in order. When the pool empties, the InputError
 * names the constraint that emptied it, the pool size at each step, and how many tracks that
 * constraint alone would keep (so the user knows whether it is impossible or only in combination).
 */
import { InputError } from '../errors.ts';

export interface Constraint {
  /** What the user reads: "energy ≥ 0.65 (context workout)". */
  readonly label: string;
  /** Where it came from: "query", "context workout", "mood", "seeds", "user alice". */
  readonly source: string;
  /** Shown in `why` for every returned track (false for bookkeeping rules such as "not a seed"). */
  readonly explain: boolean;
  test(row: number): boolean;
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
  if (start) rows = start;
  else { rows = new Int32Array(n); for (let i = 0; i < n; i++) rows[i] = i; }
  const steps: FilterStep[] = [];
  for (let c = 0; c < constraints.length; c++) {
    const con = constraints[c];
    const next = new Int32Array(rows.length);
    let m = 0;
    for (let i = 0; i < rows.length; i++) if (con.test(rows[i])) next[m++] = rows[i];
    const before = rows.length;
    rows = next.subarray(0, m);
    steps.push({ constraint: con.label, remaining: m });
    if (m === 0) {
      let alone = 0;
      for (let i = 0; i < n; i++) if (con.test(i)) alone++;
      const trail = [`${n} in the catalogue`, ...steps.map((s) => `${s.remaining} after ${s.constraint}`)].join(' → ');
      const hint = alone === 0
        ? `no track in the catalogue meets "${con.label}" on its own`
        : `on its own it keeps ${alone} tracks, but none of the ${before} left by the earlier constraints`;
      throw new InputError(`empty pool: the constraint "${con.label}" removed every remaining track (${hint}; ${trail})`);
    }
  }
  return { rows: Int32Array.from(rows), steps };
}
