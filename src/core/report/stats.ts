/**
 * Small descriptive statistics the report needs when the pipeline did not hand them over:
 * pandas-style describe rows, Pearson correlations, histogram bins with a Gaussian KDE scaled to
 * counts, and deterministic sub-sampling for point charts. NaN values are skipped.
 */
import { createRng, shuffleInPlace } from '../common/random.ts';

// describe rows and correlations live in ../describe.ts (one implementation for CLI and report).
import { finiteSorted, quantileSorted } from '../data/describe.ts';
export { describeColumn, correlationMatrix, quantileSorted, type DescribeRow } from '../data/describe.ts';

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
