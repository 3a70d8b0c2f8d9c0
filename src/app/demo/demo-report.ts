/**
 * Turns the demo's results into the report's input: every section filled from what the demo
 * computed, plus the original pipeline's two importance methods for comparison.
 */
import { expectedCalibrationError, reliabilityBins } from '../../core/classify/calibration.ts';
import { centroidSpreadImportance, compareImportance, logregCoefficientImportance } from '../../core/explain/importance.ts';
import { LogisticRegression } from '../../core/classify/logreg.ts';
import { matrix } from '../../core/common/matrix.ts';
import { maxMembership, type MoodClustering } from '../../core/cluster/mood-clusters.ts';
import { modelReportParts, tableFeatures } from '../../core/report/from-model.ts';
import type { ReportInput } from '../../core/report/report-data.ts';
import { StandardScaler } from '../../core/data/scaler.ts';
import type { TrainOutcome } from '../../core/classify/train-mood-model.ts';
import type { TrackTable } from '../../core/data/track-table.ts';
import type { IngestReport } from '../../io/csv/read-tracks.ts';

export interface DemoReportParts {
  catalogue: { table: TrackTable; report: IngestReport };
  clusters: MoodClustering;
  honest: TrainOutcome;
  /** The honest model's mood per catalogue track. */
  taggedMoods: string[];
  playlists?: ReportInput['playlists'];
  stability?: { k: number; mean: number; std: number }[];
  generatedAt: string;
  seed: number;
}

export function demoReportInput(p: DemoReportParts): ReportInput {
  const { clusters, honest, catalogue } = p;
  const names = clusters.names.map((n) => n.name);
  const clusterMoods = Array.from(clusters.labels, (l) => names[l]);
  const coords = clusters.coords;
  const xs = Float64Array.from({ length: coords.rows }, (_, i) => coords.data[2 * i]);
  const ys = Float64Array.from({ length: coords.rows }, (_, i) => coords.data[2 * i + 1]);
  const centroids = names.map((name, c) => {
    let sx = 0, sy = 0, n = 0;
    for (let i = 0; i < coords.rows; i++) if (clusters.labels[i] === c) { sx += xs[i]; sy += ys[i]; n++; }
    return { name, x: sx / Math.max(n, 1), y: sy / Math.max(n, 1) };
  });
  const ev = clusters.pca.explainedVarianceRatio;

  // Explanations and importance on the labelled sample, where permutation importance has truth.
  const model = honest.model;
  const Xlab = model.featureMatrix(honest.table);
  const parts = modelReportParts(model, Xlab, {
    y: honest.target.y,
    titleOf: (i) => `${honest.table.text.name?.[i] ?? ''} — ${honest.table.text.artist?.[i] ?? ''}`,
    seed: p.seed,
  });

  // The original's two methods, over the same input features: logistic-regression coefficients
  // fitted to the K-Means moods, and the spread of the mixture's cluster means in std units.
  const Xcat = model.featureMatrix(catalogue.table);
  const scaler = new StandardScaler().fit(Xcat);
  const Zcat = scaler.transform(Xcat);
  const logreg = new LogisticRegression().fit(Zcat, clusters.kmeans.labels, clusters.k);
  const coef: number[][] = [];
  for (let c = 0; c < logreg.coefficients.rows; c++) coef.push(Array.from(logreg.coefficients.data.subarray(c * Zcat.cols, (c + 1) * Zcat.cols)));
  const means = matrix(clusters.k, Zcat.cols);
  const sizes = new Float64Array(clusters.k);
  for (let i = 0; i < Zcat.rows; i++) {
    const c = clusters.labels[i];
    sizes[c]++;
    for (let j = 0; j < Zcat.cols; j++) means.data[c * Zcat.cols + j] += Zcat.data[i * Zcat.cols + j];
  }
  const centroidRows: number[][] = [];
  for (let c = 0; c < clusters.k; c++) centroidRows.push(Array.from(means.data.subarray(c * Zcat.cols, (c + 1) * Zcat.cols), (v) => v / Math.max(sizes[c], 1)));
  const methods = [
    ...(parts.importance?.methods ?? []),
    { id: 'logreg-kmeans', label: 'logistic regression on K-Means moods (original)', values: logregCoefficientImportance(coef), unit: 'mean |coefficient| per std' },
    { id: 'gmm-spread', label: 'spread of mixture cluster means (original)', values: centroidSpreadImportance(centroidRows), unit: 'std of cluster means, in stds' },
  ];

  const cv = honest.cv!;
  const counts = new Map<number, number>();
  for (const y of honest.target.y) counts.set(y, (counts.get(y) ?? 0) + 1);
  const oofBins = reliabilityBins(cv.oofProba, honest.target.y, 10);
  return {
    title: 'moodscape demo report',
    subtitle: `${catalogue.table.rowCount} generated tracks · moods learned from a ${honest.table.rowCount}-track labelled sample`,
    generatedAt: p.generatedAt,
    seed: p.seed,
    dataset: { ...catalogue.report },
    features: tableFeatures(catalogue.table),
    moods: p.taggedMoods,
    sweep: clusters.sweep ? { ...clusters.sweep, stability: p.stability } : undefined,
    moodMap: { x: xs, y: ys, moods: clusterMoods, centroids, explainedVariance: [ev[0], ev[1] ?? 0] },
    gmmConfidence: clusters.proba ? maxMembership(clusters.proba) : undefined,
    clusterProfiles: (() => {
      const features = Object.keys(clusters.profiles[0]?.mean ?? {});
      return {
        features,
        clusters: clusters.profiles.map((c) => ({ name: c.name, size: c.size, centroid: features.map((f) => c.mean[f]), evidence: [...c.reasons] })),
      };
    })(),
    cv: {
      accuracy: [...cv.accuracy.perFold],
      macroF1: [...cv.macroF1.perFold],
      histories: cv.histories.map((h) => [...h]),
      baseline: Math.max(...counts.values()) / honest.target.y.length,
      model: model.options.model,
    },
    confusion: { classes: [...honest.target.classes], matrix: cv.report.confusion, note: 'Out-of-fold predictions of 5-fold cross-validation on the labelled sample.' },
    reliability: { bins: oofBins, ece: expectedCalibrationError(cv.oofProba, honest.target.y, 10), method: 'out-of-fold probabilities' },
    importance: compareImportance([...model.inputFeatures], methods),
    explanations: parts.explanations,
    playlists: p.playlists,
  };
}
