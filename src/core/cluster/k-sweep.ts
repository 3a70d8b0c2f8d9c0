/**
 * Choosing the number of clusters: fit K-Means for every k in [kMin, kMax] and report, per k, the
 * inertia and the silhouette (exact up to `silhouetteMaxExact` rows, sampled above, flagged).
 *
 * Two automatic picks are reported:
 * - `kneeK`: the knee of the inertia curve — after scaling k and inertia to [0, 1], the k whose
 *   point lies farthest below the chord from the first to the last point (Kneedle's difference
 *   curve for a decreasing convex curve, Satopää et al. 2011). `null` when no point lies below the
 *   chord (a straight or concave curve has no knee) or fewer than 3 ks were swept.
 * - `bestSilhouetteK`: the k with the highest silhouette (the smaller k on ties).
 *
 * `chosenK` = `kneeK` when there is one, otherwise `bestSilhouetteK` (`chosenBy` says which).
 * Why the knee first: audio features form one continuous cloud rather than separated blobs, and
 * on such data the silhouette is usually highest at k = 2 (e.g. the acoustic / electric split),
 * which merges moods we want apart; the silhouette values of neighbouring k also differ by less
 * than their sampling noise when sampled. The knee measures diminishing returns in explained
 * variance and is deterministic given the fits. Callers wanting the silhouette rule can read
 * `bestSilhouetteK`; both are always reported.
 */
import type { Matrix } from '../common/matrix.ts';
import { KMeans, KMEANS_DEFAULTS } from './kmeans.ts';
import { assertFiniteMatrix, finite, integer, resolveOptions, seedCheck } from '../common/options.ts';
import { silhouette } from './silhouette.ts';

export interface KSweepOptions {
  kMin: number;
  kMax: number;
  /**
   * K-Means restarts per k. 3 rather than K-Means' 10: the sweep compares ks, and the caller fits
   * the chosen k with full restarts afterwards. Measured with 10, 3 and 1 restarts: the knee (the
   * chosen k) was the same on data_moods, tidytuesday (28k) and 100k generated tracks, per-k
   * inertia within 0.14 % of 10 restarts with 3 (up to 1.4 % with 1), and the 100k sweep took
   * 9.8 s instead of 24.5 s.
   */
  nInit: number;
  maxIter: number;
  tol: number;
  /** Seed of every K-Means fit and of the silhouette sample. */
  seed: number;
  /** Silhouette is exact up to this many rows (the pipeline promises exact up to 10,000). */
  silhouetteMaxExact: number;
  /**
   * Above silhouetteMaxExact, the silhouette is computed on a seeded sample of this many rows.
   * 5,000: the silhouette does not pick k when the inertia curve has a knee, and on tidytuesday
   * (28k tracks), data_moods and a generated 100k catalogue the knee (k = 5) and the
   * best-silhouette k (2) were the same as with 10,000; per-k scores moved by ≤ 0.005, and the
   * sweep's silhouette CPU time fell from 7.3 s to 1.8 s on 100k rows.
   */
  silhouetteSample: number;
}

export const K_SWEEP_DEFAULTS: KSweepOptions = {
  kMin: 2,
  kMax: 10,
  nInit: 3,
  maxIter: KMEANS_DEFAULTS.maxIter,
  tol: KMEANS_DEFAULTS.tol,
  seed: 0,
  silhouetteMaxExact: 10_000,
  silhouetteSample: 5_000,
};

export interface KSweepPoint {
  k: number;
  inertia: number;
  silhouette: number;
  /** True when the silhouette was computed on a sample. */
  sampled: boolean;
  /** Rows the silhouette was computed on. */
  silhouetteRows: number;
  nIter: number;
}

export interface KSweepResult {
  points: KSweepPoint[];
  kneeK: number | null;
  bestSilhouetteK: number;
  chosenK: number;
  chosenBy: 'knee' | 'silhouette';
}

/**
 * Computes the sweep points for the given ks (e.g. on worker threads, see
 * src/app/parallel/fold-runner.ts), in the order of `ks`, each equal to `sweepPoint(X, k, o)`.
 */
export type KSweepRunner = (X: Matrix, o: KSweepOptions, ks: readonly number[]) => KSweepPoint[];

/** One point of the sweep: K-Means with k clusters and its silhouette (validated options). */
export function sweepPoint(X: Matrix, k: number, o: KSweepOptions): KSweepPoint {
  const m = new KMeans({ k, nInit: o.nInit, maxIter: o.maxIter, tol: o.tol, seed: o.seed }).fit(X);
  const s = silhouette(X, m.labels, { maxExact: Math.max(o.silhouetteMaxExact, o.silhouetteSample), sampleSize: o.silhouetteSample, seed: o.seed });
  return { k, inertia: m.inertia, silhouette: s.score, sampled: s.sampled, silhouetteRows: s.sampleSize, nIter: m.nIter };
}

/** The default runner: one k after the other, in this thread. */
export const sweepInline: KSweepRunner = (X, o, ks) => ks.map((k) => sweepPoint(X, k, o));

export function sweepK(X: Matrix, options?: Partial<KSweepOptions>, run: KSweepRunner = sweepInline): KSweepResult {
  const o = resolveOptions(
    K_SWEEP_DEFAULTS,
    options,
    {
      kMin: integer(2),
      kMax: integer(2),
      nInit: integer(1),
      maxIter: integer(1),
      tol: finite({ min: 0 }),
      seed: seedCheck,
      silhouetteMaxExact: integer(2),
      silhouetteSample: integer(2),
    },
    'sweepK',
  );
  if (o.kMax < o.kMin) throw new RangeError(`sweepK: option "kMax" must be ≥ kMin (${o.kMin}), got ${o.kMax}`);
  if (o.kMax > X.rows - 1) throw new RangeError(`sweepK: option "kMax" must be ≤ rows − 1 (${X.rows - 1}), got ${o.kMax}`);
  assertFiniteMatrix(X, 'sweepK');

  const ks: number[] = [];
  for (let k = o.kMin; k <= o.kMax; k++) ks.push(k);
  const points = run(X, o, ks);
  if (points.length !== ks.length || points.some((p, i) => p.k !== ks[i])) throw new Error('sweepK: the runner returned points for other ks');
  const knee = kneeIndex(ks, points.map((p) => p.inertia));
  const kneeK = knee === null ? null : ks[knee];
  let best = 0;
  for (let i = 1; i < points.length; i++) if (points[i].silhouette > points[best].silhouette) best = i;
  const bestSilhouetteK = ks[best];
  return kneeK !== null
    ? { points, kneeK, bestSilhouetteK, chosenK: kneeK, chosenBy: 'knee' }
    : { points, kneeK, bestSilhouetteK, chosenK: bestSilhouetteK, chosenBy: 'silhouette' };
}

/**
 * Index of the knee of a decreasing curve: the interior point farthest below the chord joining the
 * first and last points, with both axes scaled to [0, 1]. Null when no interior point lies below
 * the chord by more than 1e-9 (straight or concave curve) or there are fewer than 3 points.
 */
export function kneeIndex(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError(`kneeIndex: ${n} x values but ${ys.length} y values`);
  if (n < 3) return null;
  const x0 = xs[0], x1 = xs[n - 1];
  let yMin = Infinity, yMax = -Infinity;
  for (const y of ys) { if (y < yMin) yMin = y; if (y > yMax) yMax = y; }
  if (x1 === x0 || yMax === yMin) return null;
  const nx = (x: number) => (x - x0) / (x1 - x0);
  const ny = (y: number) => (y - yMin) / (yMax - yMin);
  const ya = ny(ys[0]), yb = ny(ys[n - 1]);
  let best = -1, bestGap = 1e-9;
  for (let i = 1; i < n - 1; i++) {
    const t = nx(xs[i]);
    const chord = ya + (yb - ya) * t;
    // Perpendicular distance is the vertical gap times a constant factor, so the gap ranks the same.
    const gap = chord - ny(ys[i]);
    if (gap > bestGap) { bestGap = gap; best = i; }
  }
  return best < 0 ? null : best;
}
