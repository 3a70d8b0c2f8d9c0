/**
 * pandas-style `describe()` and Pearson correlations of a table's audio features.
 */
import { AUDIO_FEATURES } from './features.ts';
import type { TrackTable } from './track-table.ts';

export interface DescribeRow {
  readonly feature: string;
  readonly count: number;
  readonly missing: number;
  readonly mean: number;
  /** Sample standard deviation (ddof = 1), as pandas reports it. */
  readonly std: number;
  readonly min: number;
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  readonly max: number;
}

/** The features of a table in registry order. */
export function tableFeatures(table: TrackTable): string[] {
  return AUDIO_FEATURES.map((f) => f.name).filter((f) => f in table.numeric);
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** The finite values of a column, sorted ascending. */
export function finiteSorted(col: ArrayLike<number>): Float64Array {
  const values: number[] = [];
  for (let i = 0; i < col.length; i++) if (Number.isFinite(col[i])) values.push(col[i]);
  return Float64Array.from(values).sort();
}

/** pandas describe of one column: count, mean, sample std, min, quartiles, max; NaN skipped. */
export function describeColumn(feature: string, col: ArrayLike<number>): DescribeRow {
  const s = finiteSorted(col);
  const n = s.length;
  let sum = 0;
  for (const v of s) sum += v;
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (const v of s) ss += (v - mean) ** 2;
  return {
    feature,
    count: n,
    missing: col.length - n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN,
    min: n ? s[0] : NaN,
    q25: quantileSorted(s, 0.25),
    median: quantileSorted(s, 0.5),
    q75: quantileSorted(s, 0.75),
    max: n ? s[n - 1] : NaN,
  };
}

/** Pearson correlation matrix over rows where both values are finite. */
export function correlationMatrix(columns: readonly ArrayLike<number>[]): number[][] {
  const d = columns.length;
  const out = Array.from({ length: d }, () => new Array<number>(d).fill(NaN));
  for (let a = 0; a < d; a++) {
    out[a][a] = 1;
    for (let b = a + 1; b < d; b++) {
      const x = columns[a], y = columns[b];
      let n = 0, sx = 0, sy = 0;
      for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) { n++; sx += x[i]; sy += y[i]; }
      const mx = sx / n, my = sy / n;
      let cxy = 0, cxx = 0, cyy = 0;
      for (let i = 0; i < x.length; i++) {
        if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
        const dx = x[i] - mx, dy = y[i] - my;
        cxy += dx * dy; cxx += dx * dx; cyy += dy * dy;
      }
      const r = cxx > 0 && cyy > 0 ? cxy / Math.sqrt(cxx * cyy) : NaN;
      out[a][b] = out[b][a] = r;
    }
  }
  return out;
}

export function describe(table: TrackTable, features = tableFeatures(table)): DescribeRow[] {
  return features.map((f) => describeColumn(f, table.numeric[f]));
}

export function correlations(table: TrackTable, features = tableFeatures(table)): { features: string[]; matrix: number[][] } {
  return { features, matrix: correlationMatrix(features.map((f) => table.numeric[f])) };
}

/** The most strongly correlated pairs, strongest first. */
export function strongestPairs(c: { features: string[]; matrix: number[][] }, limit = 5): { a: string; b: string; r: number }[] {
  const pairs: { a: string; b: string; r: number }[] = [];
  for (let i = 0; i < c.features.length; i++) for (let j = i + 1; j < c.features.length; j++) {
    if (!Number.isNaN(c.matrix[i][j])) pairs.push({ a: c.features[i], b: c.features[j], r: c.matrix[i][j] });
  }
  return pairs.sort((x, y) => Math.abs(y.r) - Math.abs(x.r)).slice(0, limit);
}
