/**
 * Cluster stability by bootstrap (Hennig 2007; Lange et al. 2004 in spirit): fit K-Means on B
 * bootstrap resamples of the rows, label every original row with each fit's nearest centroid, and
 * compare the B labelings pairwise with the adjusted Rand index. A k whose clusters are real
 * structure gives ARIs near 1; a k that cuts a blob arbitrarily gives ARIs well below.
 */
import { adjustedRandIndex } from '../evaluate/adjusted-rand.ts';
import { KMeans } from './kmeans.ts';
import { takeRows, type Matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';

export interface ClusterStabilityOptions {
  k: number;
  /** Bootstrap resamples. Default 10 (45 pairs). */
  bootstraps?: number;
  /** K-Means restarts per resample. Default 3. */
  nInit?: number;
  seed?: number;
  /** Rows drawn per resample, at most; larger inputs are subsampled (with replacement, as always). Default 50,000. */
  maxRows?: number;
}

export interface ClusterStability {
  readonly k: number;
  readonly bootstraps: number;
  /** Mean and population std of the pairwise ARIs. */
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  /** Every pairwise ARI, pairs (0,1), (0,2), … */
  readonly pairs: readonly number[];
}

/**
 * Bootstrap ARI stability of K-Means with `k` clusters on X (pass the matrix you cluster, already
 * scaled). Cost: `bootstraps` K-Means fits plus `bootstraps` assignments of all rows.
 */
export function clusterStability(X: Matrix, options: ClusterStabilityOptions): ClusterStability {
  const B = options.bootstraps ?? 10;
  const k = options.k;
  if (!(Number.isInteger(B) && B >= 2)) throw new RangeError(`clusterStability: bootstraps must be an integer ≥ 2, got ${B}`);
  if (!(Number.isInteger(k) && k >= 2 && k <= X.rows)) throw new RangeError(`clusterStability: k must be an integer in [2, ${X.rows}], got ${k}`);
  const rng = createRng(options.seed ?? 0);
  const m = Math.min(X.rows, options.maxRows ?? 50_000);
  const labelings: Int32Array[] = [];
  for (let b = 0; b < B; b++) {
    const idx = new Int32Array(m);
    for (let i = 0; i < m; i++) idx[i] = rng.int(X.rows);
    const fit = new KMeans({ k, nInit: options.nInit ?? 3, seed: rng.int(2 ** 31) }).fit(takeRows(X, idx));
    labelings.push(fit.predict(X));
  }
  const pairs: number[] = [];
  for (let a = 0; a < B; a++) for (let b = a + 1; b < B; b++) pairs.push(adjustedRandIndex(labelings[a], labelings[b]));
  const mean = pairs.reduce((s, v) => s + v, 0) / pairs.length;
  const std = Math.sqrt(pairs.reduce((s, v) => s + (v - mean) ** 2, 0) / pairs.length);
  return { k, bootstraps: B, mean, std, min: Math.min(...pairs), pairs };
}
