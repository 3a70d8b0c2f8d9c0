/**
 * ReportInput parts computed from a catalogue table and, optionally, a trained mood model: the
 * feature columns, predicted moods, a PCA mood map, example explanations with counterfactuals and
 * global importance. Used by `moodscape report`; `demo` can call the same helpers.
 */
import { AUDIO_FEATURES } from '../data/features.ts';
import { matrix, row, type Matrix } from '../common/matrix.ts';
import { tagProbabilities } from '../tag/tag-tracks.ts';
import { PCA } from '../cluster/pca.ts';
import type { TrackTable } from '../data/track-table.ts';
import { backgroundSample, explainTrack, shapleyValues, type ExplainableModel } from '../explain/shapley.ts';
import { findCounterfactual } from '../explain/counterfactual.ts';
import { compareImportance, meanAbsShapley, permutationImportance, type ImportanceMethod } from '../explain/importance.ts';
import { sampleIndices } from './stats.ts';
import type { ReportInput } from './report-data.ts';

/** Canonical audio feature columns of a table, in features.ts order. */
export function tableFeatures(table: TrackTable): NonNullable<ReportInput['features']> {
  const names = AUDIO_FEATURES.map((f) => f.name).filter((f) => f in table.numeric && f !== 'key' && f !== 'time_signature');
  return { names, columns: Object.fromEntries(names.map((f) => [f, table.numeric[f]])) };
}

/** Std and [min, max] of each column of X (NaN skipped). */
export function columnStats(X: Matrix): { std: number[]; ranges: [number, number][] } {
  const std: number[] = [], ranges: [number, number][] = [];
  for (let j = 0; j < X.cols; j++) {
    let n = 0, s = 0, lo = Infinity, hi = -Infinity;
    for (let i = 0; i < X.rows; i++) { const v = X.data[i * X.cols + j]; if (Number.isFinite(v)) { n++; s += v; lo = Math.min(lo, v); hi = Math.max(hi, v); } }
    const m = s / n;
    let ss = 0;
    for (let i = 0; i < X.rows; i++) { const v = X.data[i * X.cols + j]; if (Number.isFinite(v)) ss += (v - m) ** 2; }
    std.push(Math.sqrt(ss / Math.max(1, n)) || 1);
    ranges.push([lo, hi]);
  }
  return { std, ranges };
}

export interface ModelReportOptions {
  /** True class index per row (−1 = unknown), for permutation importance. */
  y?: Int32Array;
  /** Rows to explain in the report. Default: the most confident track of each mood. */
  examples?: number[];
  /** Title per row (e.g. "name — artist"). */
  titleOf?: (i: number) => string;
  backgroundSize?: number;
  /** Tracks whose |Shapley| values are averaged for global importance (40 background rows). Default 24. */
  importanceTracks?: number;
  seed?: number;
  /** Top probability below which a track's mood is `uncertain` (default: the model's, else 0.4). */
  uncertainBelow?: number;
}

/** Predicted moods, PCA map, example explanations and importance for a model over a raw feature matrix. */
export function modelReportParts(model: ExplainableModel & { readonly uncertainBelow?: number }, X: Matrix, o: ModelReportOptions = {}): Pick<ReportInput, 'moodMap' | 'explanations' | 'importance'> & { predicted: string[] } {
  const seed = o.seed ?? 0;
  const P = model.predictProbaRaw(X);
  const uncertainBelow = o.uncertainBelow ?? model.uncertainBelow;
  const top = tagProbabilities(model.classes, P, { uncertainBelow }).decisions;
  const predicted = top.map((t) => t.mood);
  const { std, ranges } = columnStats(X);

  // PCA of the standardised inputs; centroid of each predicted mood in PC space.
  const Z = matrix(X.rows, X.cols);
  const mean = new Float64Array(X.cols);
  for (let j = 0; j < X.cols; j++) { let s = 0; for (let i = 0; i < X.rows; i++) s += X.data[i * X.cols + j]; mean[j] = s / X.rows; }
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) Z.data[i * X.cols + j] = (X.data[i * X.cols + j] - mean[j]) / std[j];
  const pca = new PCA({ nComponents: 2 }).fit(Z);
  const S = pca.transform(Z);
  const xs = Float64Array.from({ length: X.rows }, (_, i) => S.data[i * 2]);
  const ys = Float64Array.from({ length: X.rows }, (_, i) => S.data[i * 2 + 1]);
  const centroids = model.classes.map((name) => {
    let sx = 0, sy = 0, n = 0;
    for (let i = 0; i < X.rows; i++) if (predicted[i] === name) { sx += xs[i]; sy += ys[i]; n++; }
    return n ? { name, x: sx / n, y: sy / n } : null;
  }).filter((c): c is { name: string; x: number; y: number } => c !== null);
  const ev = pca.explainedVarianceRatio;

  const bg = backgroundSample(X, o.backgroundSize ?? 100, seed);
  const examples = o.examples ?? model.classes.map((c) => {
    let best = -1;
    for (let i = 0; i < X.rows; i++) if (predicted[i] === c && (best < 0 || top[i].confidence > top[best].confidence)) best = i;
    return best;
  }).filter((i) => i >= 0);
  const rangeMap = Object.fromEntries(model.inputFeatures.map((f, j) => [f, ranges[j]] as const));
  const explanations = examples.map((i) => ({
    explanation: explainTrack(model, row(X, i), bg),
    title: o.titleOf?.(i),
    counterfactual: findCounterfactual(model, row(X, i), { scale: std, ranges: rangeMap }),
  }));

  // Global importance: a smaller background keeps this to ≈ tracks × 2^d × 40 model rows.
  const idx = sampleIndices(X.rows, o.importanceTracks ?? 24, seed + 1);
  const bgSmall = backgroundSample(X, Math.min(40, o.backgroundSize ?? 100), seed + 2);
  const shap = Array.from(idx, (i) => shapleyValues((M) => model.predictProbaRaw(M), row(X, i), bgSmall));
  const methods: ImportanceMethod[] = [{ id: 'shap', label: 'mean |Shapley|', values: meanAbsShapley(shap, X.cols), unit: 'mean |Δ probability|' }];
  if (o.y) {
    const keep: number[] = [];
    for (let i = 0; i < o.y.length; i++) if (o.y[i] >= 0) keep.push(i);
    if (keep.length >= 20) {
      const sub = matrix(keep.length, X.cols);
      keep.forEach((i, r) => sub.data.set(row(X, i), r * X.cols));
      const perm = permutationImportance((M) => model.predictProbaRaw(M), sub, Int32Array.from(keep, (i) => o.y![i]), { repeats: 3, seed });
      methods.push({ id: 'permutation', label: 'permutation importance', values: perm.mean, spread: perm.std, unit: 'accuracy drop (0–1)' });
    }
  }
  return {
    predicted,
    moodMap: { x: xs, y: ys, moods: predicted, centroids, explainedVariance: [ev[0], ev[1] ?? 0] },
    explanations,
    importance: compareImportance([...model.inputFeatures], methods),
  };
}
