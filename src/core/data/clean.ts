/**
 * Pure clean-up of a TrackTable's numeric columns: sparse-column removal and missing-value
 * imputation. No I/O here; the CSV reader (io/csv/read-tracks.ts) calls these.
 */
import type { TrackTable } from './track-table.ts';
import { selectRows } from './track-table.ts';

export type MissingStrategy = 'mean' | 'median' | 'drop';

/** Features whose values are categories coded as integers: imputed values are rounded. */
export const DISCRETE_FEATURES: ReadonlySet<string> = new Set(['key', 'mode', 'time_signature']);

export function countMissing(col: ArrayLike<number>, length = col.length): number {
  if (col instanceof Float64Array) return countMissingF64(col, length);
  let n = 0;
  for (let i = 0; i < length; i++) if (col[i] !== col[i]) n++;
  return n;
}

function countMissingF64(col: Float64Array, length: number): number {
  let n = 0;
  for (let i = 0; i < length; i++) if (col[i] !== col[i]) n++;
  return n;
}

/** Mean of the non-NaN values; NaN when there are none. */
export function meanIgnoringNaN(col: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v === v) {
      s += v;
      n++;
    }
  }
  return n === 0 ? NaN : s / n;
}

/** Median of the non-NaN values (mean of the two middle values for an even count); NaN when there are none. */
export function medianIgnoringNaN(col: ArrayLike<number>): number {
  const vals = new Float64Array(col.length);
  let n = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v === v) vals[n++] = v;
  }
  if (n === 0) return NaN;
  const sorted = vals.subarray(0, n).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface SparseColumn {
  column: string;
  missing: number;
  missingFraction: number;
}

/**
 * Removes numeric columns whose share of missing values is above `maxMissingFraction`
 * (an entirely empty column is always removed), except those in `keep`.
 */
export function dropSparseColumns(
  table: TrackTable,
  maxMissingFraction: number,
  keep: Iterable<string> = [],
): { table: TrackTable; dropped: SparseColumn[] } {
  const keepSet = new Set(keep);
  const numeric: Record<string, Float64Array> = {};
  const dropped: SparseColumn[] = [];
  for (const [name, col] of Object.entries(table.numeric)) {
    const missing = countMissing(col, table.rowCount);
    const frac = table.rowCount === 0 ? 0 : missing / table.rowCount;
    const allEmpty = table.rowCount > 0 && missing === table.rowCount;
    if (!keepSet.has(name) && (allEmpty || frac > maxMissingFraction)) {
      dropped.push({ column: name, missing, missingFraction: frac });
    } else {
      numeric[name] = col;
    }
  }
  return { table: { rowCount: table.rowCount, numeric, text: table.text }, dropped };
}

export interface ImputeResult {
  table: TrackTable;
  /** Cells filled per column (only columns that had missing values); all zero for 'drop'. */
  imputed: Record<string, number>;
  /** The value each column's gaps were filled with. */
  fillValues: Record<string, number>;
  /** Rows removed by the 'drop' strategy. */
  droppedRows: number;
}

/**
 * Fills (mean / median) or drops (rows with any gap) missing values in the given numeric columns
 * (default: all). Inputs are never mutated. Discrete features (key, mode, time_signature) are
 * filled with a rounded value. A column with no values at all cannot be filled and is left as is.
 */
export function imputeMissing(
  table: TrackTable,
  strategy: MissingStrategy,
  columns: readonly string[] = Object.keys(table.numeric),
): ImputeResult {
  const cols = columns.filter((c) => c in table.numeric);
  const imputed: Record<string, number> = {};
  const fillValues: Record<string, number> = {};
  const n = table.rowCount;

  if (strategy === 'drop') {
    const keep: number[] = [];
    for (let i = 0; i < n; i++) {
      let ok = true;
      for (const c of cols) {
        const v = table.numeric[c][i];
        if (v !== v) {
          ok = false;
          break;
        }
      }
      if (ok) keep.push(i);
    }
    if (keep.length === n) return { table, imputed, fillValues, droppedRows: 0 };
    return { table: selectRows(table, keep), imputed, fillValues, droppedRows: n - keep.length };
  }

  const numeric: Record<string, Float64Array> = { ...table.numeric };
  for (const c of cols) {
    const col = table.numeric[c];
    const missing = countMissing(col, n);
    if (missing === 0) continue;
    let fill = strategy === 'mean' ? meanIgnoringNaN(col.subarray(0, n)) : medianIgnoringNaN(col.subarray(0, n));
    if (fill !== fill) continue;
    if (DISCRETE_FEATURES.has(c)) fill = Math.round(fill);
    const out = Float64Array.from(col);
    for (let i = 0; i < n; i++) if (out[i] !== out[i]) out[i] = fill;
    numeric[c] = out;
    imputed[c] = missing;
    fillValues[c] = fill;
  }
  return { table: { rowCount: n, numeric, text: table.text }, imputed, fillValues, droppedRows: 0 };
}
