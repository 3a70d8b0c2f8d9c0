/**
 * Small descriptive statistics the report needs when the pipeline did not hand them over:
 * pandas-style describe rows, Pearson correlations, histogram bins with a Gaussian KDE scaled to
 * counts, and deterministic sub-sampling for point charts. NaN values are skipped.
 */
import { createRng, shuffleInPlace } from '../random.ts';

export interface DescribeRow {
  feature: string;
  count: number;
  missing: number;
  mean: number;
  std: number;
  min: number;
  q25: number;
  median: number;
  q75: number;
  max: number;
}

function finiteSorted(col: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < col.length; i++) if (Number.isFinite(col[i])) out.push(col[i]);
  return Float64Array.from(out).sort();
}

/** Linear-interpolated quantile of sorted values (numpy's default). */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** pandas describe: count, mean, sample std (ddof 1), min, quartiles, max. */
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

export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}

export interface HistogramWithDensity {
  bins: HistogramBin[];
  /** Gaussian KDE (Scott's bandwidth) evaluated on a grid, scaled to expected counts per bin. */
  density: { x: number; count: number }[];
  n: number;
}

/** `nBins` equal-width bins over [min, max] (or `range`), plus a KDE curve on the same count scale. */
export function histogramWithDensity(col: ArrayLike<number>, nBins = 30, range?: readonly [number, number], gridPoints = 80): HistogramWithDensity {
  const s = finiteSorted(col);
  const n = s.length;
  if (n === 0) return { bins: [], density: [], n: 0 };
  let lo = range ? range[0] : s[0];
  let hi = range ? range[1] : s[n - 1];
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const w = (hi - lo) / nBins;
  const counts = new Array<number>(nBins).fill(0);
  for (const v of s) counts[Math.min(nBins - 1, Math.max(0, Math.floor((v - lo) / w)))]++;
  const bins = counts.map((count, b) => ({ start: lo + b * w, end: lo + (b + 1) * w, count }));
  // KDE on at most 5,000 evenly spaced order statistics (exact enough for a curve, O(grid·5k)).
  const step = Math.max(1, Math.floor(n / 5000));
  const pts: number[] = [];
  for (let i = 0; i < n; i += step) pts.push(s[i]);
  let mean = 0;
  for (const v of s) mean += v;
  mean /= n;
  let varr = 0;
  for (const v of s) varr += (v - mean) ** 2;
  const sd = Math.sqrt(varr / Math.max(1, n - 1));
  const iqr = quantileSorted(s, 0.75) - quantileSorted(s, 0.25);
  const spread = Math.min(sd, iqr / 1.34) || sd || w;
  const h = 0.9 * spread * Math.pow(n, -0.2) || w; // Silverman's rule of thumb
  const density: { x: number; count: number }[] = [];
  for (let g = 0; g < gridPoints; g++) {
    const x = lo + ((hi - lo) * g) / (gridPoints - 1);
    let f = 0;
    for (const p of pts) f += Math.exp(-0.5 * ((x - p) / h) ** 2);
    f /= pts.length * h * Math.sqrt(2 * Math.PI);
    density.push({ x, count: f * n * w });
  }
  return { bins, density, n };
}

/** Up to `max` row indices, seeded and sorted (all rows when n ≤ max). */
export function sampleIndices(n: number, max: number, seed = 0): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  return Int32Array.from(shuffleInPlace(all, createRng(seed)).subarray(0, max)).sort();
}
