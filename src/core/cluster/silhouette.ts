/**
 * Silhouette coefficient (Rousseeuw 1987) with Euclidean distances, as sklearn's
 * `silhouette_score` / `silhouette_samples`:
 *   a(i) = mean distance to the other members of i's cluster,
 *   b(i) = smallest mean distance to the members of another cluster,
 *   s(i) = (b − a) / max(a, b), and s(i) = 0 when i's cluster has one member.
 *
 * Exact: every pair once (i < j), each distance added to both rows' per-cluster sums, so the cost
 * is N²/2 distances and the memory N·k sums (no N×N matrix; sklearn's chunked version allocates
 * far more). Above `maxExact` rows the score is computed on a seeded sample of `sampleSize` rows
 * drawn without replacement (sklearn's `sample_size`), and the result says so.
 */
import type { Matrix } from '../common/matrix.ts';
import { assertFiniteMatrix, integer, resolveOptions, seedCheck } from '../common/options.ts';
import { createRng } from '../common/random.ts';

export interface SilhouetteOptions {
  /** Up to this many rows the score is exact. */
  maxExact: number;
  /** Rows sampled when there are more than maxExact. */
  sampleSize: number;
  /** Seed of the sample. */
  seed: number;
}

export const SILHOUETTE_DEFAULTS: SilhouetteOptions = { maxExact: 10_000, sampleSize: 10_000, seed: 0 };

export interface SilhouetteResult {
  /** Mean silhouette over the rows used. */
  score: number;
  /** True when the score comes from a sample of the rows. */
  sampled: boolean;
  /** Rows the score was computed on (all rows when not sampled). */
  sampleSize: number;
}

export function resolveSilhouetteOptions(partial?: Partial<SilhouetteOptions>): SilhouetteOptions {
  return resolveOptions(
    SILHOUETTE_DEFAULTS,
    partial,
    { maxExact: integer(2), sampleSize: integer(2), seed: seedCheck },
    'silhouette',
  );
}

export function silhouette(X: Matrix, labels: ArrayLike<number>, options?: Partial<SilhouetteOptions>): SilhouetteResult {
  const o = resolveSilhouetteOptions(options);
  checkInputs(X, labels);
  const n = X.rows;
  if (n <= o.maxExact) {
    return { score: mean(silhouetteSamples(X, labels)), sampled: false, sampleSize: n };
  }
  const m = Math.min(o.sampleSize, n);
  const idx = sampleWithoutReplacement(n, m, o.seed);
  const d = X.cols;
  const sub = new Float64Array(m * d);
  const subLabels = new Int32Array(m);
  for (let r = 0; r < m; r++) {
    const src = idx[r];
    sub.set(X.data.subarray(src * d, src * d + d), r * d);
    subLabels[r] = labels[src];
  }
  const s = silhouetteSamples({ rows: m, cols: d, data: sub }, subLabels);
  return { score: mean(s), sampled: m < n, sampleSize: m };
}

/** Exact per-row silhouette values (O(N²) time, O(N·k) memory). */
export function silhouetteSamples(X: Matrix, labels: ArrayLike<number>): Float64Array {
  checkInputs(X, labels);
  const n = X.rows, d = X.cols, x = X.data;
  const { codes, k, sizes } = denseLabels(labels);
  if (k < 2 || k > n - 1) {
    throw new RangeError(`silhouette: needs 2 ≤ number of clusters ≤ rows − 1, got ${k} clusters for ${n} rows`);
  }
  // sums[i * k + c] = Σ distance(i, j) over j in cluster c.
  const sums = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const io = i * d, ci = codes[i], ik = i * k;
    for (let j = i + 1; j < n; j++) {
      const jo = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const u = x[io + t] - x[jo + t];
        s += u * u;
      }
      const dist = Math.sqrt(s);
      sums[ik + codes[j]] += dist;
      sums[j * k + ci] += dist;
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ci = codes[i];
    const own = sizes[ci];
    if (own <= 1) { out[i] = 0; continue; }
    const a = sums[i * k + ci] / (own - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c === ci) continue;
      const v = sums[i * k + c] / sizes[c];
      if (v < b) b = v;
    }
    const den = Math.max(a, b);
    out[i] = den > 0 ? (b - a) / den : 0;
  }
  return out;
}

function checkInputs(X: Matrix, labels: ArrayLike<number>): void {
  if (labels.length !== X.rows) throw new RangeError(`silhouette: ${X.rows} rows but ${labels.length} labels`);
  assertFiniteMatrix(X, 'silhouette');
}

function denseLabels(labels: ArrayLike<number>): { codes: Int32Array; k: number; sizes: Float64Array } {
  const map = new Map<number, number>();
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let c = map.get(labels[i]);
    if (c === undefined) { c = map.size; map.set(labels[i], c); }
    codes[i] = c;
  }
  const sizes = new Float64Array(map.size);
  for (let i = 0; i < codes.length; i++) sizes[codes[i]]++;
  return { codes, k: map.size, sizes };
}

/** m distinct indices of 0..n−1 (partial Fisher–Yates), sorted so the sample keeps row order. */
export function sampleWithoutReplacement(n: number, m: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p.slice(0, m).sort();
}

function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}
