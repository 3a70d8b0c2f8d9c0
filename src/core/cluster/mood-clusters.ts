/**
 * Unsupervised moods: scale the clustering features, pick k (or take the user's), cluster with
 * K-Means or a Gaussian mixture, and name each cluster from its centroid.
 */
import { availableInputs, CLUSTER_FEATURES, designMatrix, inputMatrix, type FeatureSelection } from '../data/feature-matrix.ts';
import { KMeans, type FittedKMeans, type KMeansRestartRunner } from './kmeans.ts';
import type { GmmRunnerFactory } from './gmm-passes.ts';
import { matrix, type Matrix } from '../common/matrix.ts';
import { nameMoods, type MoodName } from './mood-names.ts';
import { integer, resolveOptions, seedCheck } from '../common/options.ts';
import { StandardScaler, type FittedStandardScaler } from '../data/scaler.ts';
import type { TrackTable } from '../data/track-table.ts';
import { K_SWEEP_DEFAULTS, sweepK, type KSweepResult, type KSweepRunner } from './k-sweep.ts';
import { GaussianMixture, type FittedGaussianMixture } from './gmm.ts';
import { PCA, type FittedPCA } from './pca.ts';

export type ClusterMethod = 'kmeans' | 'gmm';

export interface MoodClusteringOptions {
  /** Number of clusters, or 'auto' to pick it from a sweep over kMin..kMax. */
  k: number | 'auto';
  kMin: number;
  kMax: number;
  method: ClusterMethod;
  covariance: 'full' | 'diag';
  features: FeatureSelection;
  /** K-Means restarts of the final fit. */
  nInit: number;
  /** K-Means restarts per k in the sweep of k = 'auto' (see KSweepOptions.nInit). */
  sweepNInit: number;
  seed: number;
}

export const MOOD_CLUSTERING_DEFAULTS: MoodClusteringOptions = {
  k: 'auto',
  kMin: 2,
  kMax: 10,
  method: 'kmeans',
  covariance: 'full',
  features: CLUSTER_FEATURES,
  nInit: 10,
  sweepNInit: K_SWEEP_DEFAULTS.nInit,
  seed: 0,
};

export interface ClusterProfile {
  readonly cluster: number;
  readonly name: string;
  readonly size: number;
  /** Mean of each input feature in original units. */
  readonly mean: Readonly<Record<string, number>>;
  /** The name's evidence: the cluster mean's z-score per feature, against the whole catalogue. */
  readonly z: Readonly<Record<string, number>>;
  readonly reasons: readonly string[];
}

export interface MoodClustering {
  readonly options: MoodClusteringOptions;
  readonly k: number;
  readonly scaler: FittedStandardScaler;
  readonly kmeans: FittedKMeans;
  readonly gmm?: FittedGaussianMixture;
  readonly sweep?: KSweepResult;
  /** Cluster of every track. */
  readonly labels: Int32Array;
  /** Soft memberships (rows × k), from the mixture; K-Means gives none. */
  readonly proba?: Matrix;
  readonly names: readonly MoodName[];
  readonly profiles: readonly ClusterProfile[];
  /** 2-D PCA of the scaled clustering features: the mood map. */
  readonly pca: FittedPCA;
  /** Every track's position on the mood map (rows × 2). */
  readonly coords: Matrix;
}

export function clusterMoods(
  table: TrackTable,
  options: Partial<MoodClusteringOptions> = {},
  onStep?: (msg: string) => void,
  runtime: { runSweep?: KSweepRunner; runRestarts?: KMeansRestartRunner; gmmPasses?: GmmRunnerFactory } = {},
): MoodClustering {
  const o = resolveOptions(MOOD_CLUSTERING_DEFAULTS, options, {
    k: (v) => (v === 'auto' || (Number.isInteger(v) && (v as number) >= 2) ? undefined : '"auto" or an integer ≥ 2'),
    kMin: integer(2),
    kMax: integer(2),
    method: (v) => (v === 'kmeans' || v === 'gmm' ? undefined : '"kmeans" or "gmm"'),
    covariance: (v) => (v === 'full' || v === 'diag' ? undefined : '"full" or "diag"'),
    nInit: integer(1),
    sweepNInit: integer(1),
    seed: seedCheck,
  }, 'clustering');
  const X = designMatrix(table, o.features, 'data');
  const scaler = new StandardScaler().fit(X);
  const Xs = scaler.transform(X);
  let sweep: KSweepResult | undefined;
  let k: number;
  if (o.k === 'auto') {
    onStep?.(`sweeping k = ${o.kMin}..${o.kMax}`);
    sweep = sweepK(Xs, { kMin: o.kMin, kMax: Math.min(o.kMax, Xs.rows - 1), nInit: o.sweepNInit, seed: o.seed }, runtime.runSweep);
    k = sweep.chosenK;
  } else {
    k = o.k;
  }
  onStep?.(`K-Means with k = ${k}`);
  const kmeans = new KMeans({ k, nInit: o.nInit, seed: o.seed }).fit(Xs, runtime.runRestarts);
  let labels = kmeans.labels;
  let gmm: FittedGaussianMixture | undefined;
  let proba: Matrix | undefined;
  if (o.method === 'gmm') {
    onStep?.(`Gaussian mixture (${o.covariance}) with ${k} components`);
    gmm = new GaussianMixture({ k, covarianceType: o.covariance, seed: o.seed }).fit(Xs, runtime.gmmPasses);
    proba = gmm.predictProba(Xs);
    labels = gmm.predict(Xs);
  }
  const profiles = profileClusters(table, labels, k);
  const pca = new PCA({ nComponents: 2 }).fit(Xs);
  const coords = pca.transform(Xs);
  return { options: o, k, scaler, kmeans, gmm, sweep, labels, proba, names: profiles.names, profiles: profiles.profiles, pca, coords };
}

/**
 * Cluster means in original units and as z-scores against the whole table, over every input
 * feature the table has (not only the clustering features), so a name can cite acousticness or
 * instrumentalness even when they did not drive the split.
 */
export function profileClusters(table: TrackTable, labels: Int32Array, k: number): { names: MoodName[]; profiles: ClusterProfile[] } {
  const features = availableInputs(table).filter((f) => f !== 'mode' && f !== 'duration_ms');
  const X = inputMatrix(table, features);
  const d = features.length;
  const n = X.rows;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) { const v = X.data[i * d + j]; mean[j] += v; sq[j] += v * v; }
  for (let j = 0; j < d; j++) { mean[j] /= n; sq[j] = Math.sqrt(Math.max(sq[j] / n - mean[j] * mean[j], 0)) || 1; }
  const sums = new Float64Array(k * d);
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    sizes[c]++;
    for (let j = 0; j < d; j++) sums[c * d + j] += X.data[i * d + j];
  }
  const means: Record<string, number>[] = [];
  const zs: Record<string, number>[] = [];
  for (let c = 0; c < k; c++) {
    const m: Record<string, number> = {};
    const z: Record<string, number> = {};
    for (let j = 0; j < d; j++) {
      const v = sizes[c] ? sums[c * d + j] / sizes[c] : mean[j];
      m[features[j]] = v;
      z[features[j]] = (v - mean[j]) / sq[j];
    }
    means.push(m);
    zs.push(z);
  }
  const names = nameMoods(zs);
  const profiles = names.map((nm, c) => ({ cluster: c, name: nm.name, size: sizes[c], mean: means[c], z: zs[c], reasons: nm.reasons }));
  return { names, profiles };
}

/** Assigns tracks of another table to a fitted clustering's clusters. */
export function assignClusters(c: MoodClustering, table: TrackTable): { labels: Int32Array; proba?: Matrix } {
  const Xs = c.scaler.transform(designMatrix(table, c.options.features, 'data'));
  if (c.gmm) return { labels: c.gmm.predict(Xs), proba: c.gmm.predictProba(Xs) };
  return { labels: c.kmeans.predict(Xs) };
}

/** The largest membership probability per row (how sure the mixture is of each track). */
export function maxMembership(proba: Matrix): Float64Array {
  const out = new Float64Array(proba.rows);
  for (let i = 0; i < proba.rows; i++) {
    let m = 0;
    for (let j = 0; j < proba.cols; j++) m = Math.max(m, proba.data[i * proba.cols + j]);
    out[i] = m;
  }
  return out;
}

export { matrix };
