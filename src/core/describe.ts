/**
 * pandas-style `describe()` and Pearson correlations of a table's audio features.
 */
import { AUDIO_FEATURES } from './features.ts';
import type { TrackTable } from './track-table.ts';

export interface FeatureSummary {
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
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function describe(table: TrackTable, features = tableFeatures(table)): FeatureSummary[] {
  return features.map((feature) => {
    const col = table.numeric[feature];
    const values = col.filter((v) => !Number.isNaN(v)).sort();
    const n = values.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i];
    const mean = n ? sum / n : NaN;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
    return {
      feature,
      count: n,
      missing: col.length - n,
      mean,
      std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN,
      min: n ? values[0] : NaN,
      q25: quantile(values, 0.25),
      median: quantile(values, 0.5),
      q75: quantile(values, 0.75),
      max: n ? values[n - 1] : NaN,
    };
  });
}

/** Pearson correlation matrix over rows where both features are present. */
export function correlations(table: TrackTable, features = tableFeatures(table)): { features: string[]; matrix: number[][] } {
  const cols = features.map((f) => table.numeric[f]);
  const n = table.rowCount;
  const out = features.map(() => new Array<number>(features.length).fill(NaN));
  for (let a = 0; a < features.length; a++) {
    out[a][a] = 1;
    for (let b = a + 1; b < features.length; b++) {
      const x = cols[a], y = cols[b];
      let m = 0, sx = 0, sy = 0;
      for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) { sx += x[i]; sy += y[i]; m++; }
      const mx = sx / m, my = sy / m;
      let cxy = 0, cxx = 0, cyy = 0;
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
        const dx = x[i] - mx, dy = y[i] - my;
        cxy += dx * dy; cxx += dx * dx; cyy += dy * dy;
      }
      const r = cxx > 0 && cyy > 0 ? cxy / Math.sqrt(cxx * cyy) : NaN;
      out[a][b] = r;
      out[b][a] = r;
    }
  }
  return { features, matrix: out };
}

/** The most strongly correlated pairs, strongest first. */
export function strongestPairs(c: { features: string[]; matrix: number[][] }, limit = 5): { a: string; b: string; r: number }[] {
  const pairs: { a: string; b: string; r: number }[] = [];
  for (let i = 0; i < c.features.length; i++) for (let j = i + 1; j < c.features.length; j++) {
    if (!Number.isNaN(c.matrix[i][j])) pairs.push({ a: c.features[i], b: c.features[j], r: c.matrix[i][j] });
  }
  return pairs.sort((x, y) => Math.abs(y.r) - Math.abs(x.r)).slice(0, limit);
}
