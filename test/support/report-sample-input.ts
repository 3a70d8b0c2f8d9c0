/**
 * A complete ReportInput computed from a labelled CSV (data_moods.csv layout) with small,
 * self-contained models: used by the report tests and the browser test to exercise every section
 * and chart on real data. The product's report comes from the pipeline instead (see
 * app/cli/commands/report.ts); this is test support.
 */
import { readFileSync } from 'node:fs';
import { fromRows, matrix, row, takeRows, type Matrix } from '../../src/core/common/matrix.ts';
import { createRng, shuffleInPlace } from '../../src/core/common/random.ts';
import { KMeans } from '../../src/core/cluster/kmeans.ts';
import { silhouette } from '../../src/core/cluster/silhouette.ts';
import { parseCsv, trainSoftmax } from './explain-test-model.ts';
import { backgroundSample, explainTrack, shapleyValues } from '../../src/core/explain/shapley.ts';
import { findCounterfactual } from '../../src/core/explain/counterfactual.ts';
import { centroidSpreadImportance, compareImportance, logregCoefficientImportance, meanAbsShapley, permutationImportance } from '../../src/core/explain/importance.ts';
import type { ReportInput } from '../../src/core/report/report-data.ts';

export const SAMPLE_FEATURES = ['danceability', 'acousticness', 'energy', 'instrumentalness', 'liveness', 'valence', 'loudness', 'speechiness', 'tempo'];

function standardise(X: Matrix): { Z: Matrix; mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(X.cols), std = new Float64Array(X.cols);
  for (let j = 0; j < X.cols; j++) {
    let s = 0;
    for (let i = 0; i < X.rows; i++) s += X.data[i * X.cols + j];
    mean[j] = s / X.rows;
    let v = 0;
    for (let i = 0; i < X.rows; i++) v += (X.data[i * X.cols + j] - mean[j]) ** 2;
    std[j] = Math.sqrt(v / X.rows) || 1;
  }
  const Z = matrix(X.rows, X.cols);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) Z.data[i * X.cols + j] = (X.data[i * X.cols + j] - mean[j]) / std[j];
  return { Z, mean, std };
}

/** Top two principal components by power iteration with deflation (fixture-grade). */
function pca2(Z: Matrix): { scores: [Float64Array, Float64Array]; explained: [number, number] } {
  const d = Z.cols;
  const C = new Float64Array(d * d);
  for (let i = 0; i < Z.rows; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) C[a * d + b] += (Z.data[i * d + a] * Z.data[i * d + b]) / Z.rows;
  let trace = 0;
  for (let a = 0; a < d; a++) trace += C[a * d + a];
  const vecs: Float64Array[] = [], vals: number[] = [];
  for (let c = 0; c < 2; c++) {
    let v = Float64Array.from({ length: d }, (_, j) => 1 + j * 0.1);
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) w[a] += C[a * d + b] * v[b];
      lambda = Math.hypot(...w);
      v = w.map((x) => x / lambda);
    }
    vecs.push(v);
    vals.push(lambda);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) C[a * d + b] -= lambda * v[a] * v[b];
  }
  const scores = vecs.map((v) => {
    const s = new Float64Array(Z.rows);
    for (let i = 0; i < Z.rows; i++) for (let j = 0; j < d; j++) s[i] += Z.data[i * d + j] * v[j];
    return s;
  });
  return { scores: [scores[0], scores[1]], explained: [vals[0] / trace, vals[1] / trace] };
}

export function sampleReportInput(csvPath: string, options: { epochs?: number; explainTracks?: number } = {}): ReportInput {
  const rows = parseCsv(readFileSync(csvPath, 'utf8'));
  const head = rows[0];
  const body = rows.slice(1);
  const col = (name: string) => head.indexOf(name);
  const classes = [...new Set(body.map((r) => r[col('mood')]))].sort();
  const labels = body.map((r) => r[col('mood')]);
  const y = Int32Array.from(labels.map((m) => classes.indexOf(m)));
  const X = fromRows(body.map((r) => SAMPLE_FEATURES.map((f) => Number(r[col(f)]))));
  const columns: Record<string, Float64Array> = {};
  SAMPLE_FEATURES.forEach((f, j) => (columns[f] = Float64Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols + j])));
  const { Z, std } = standardise(X);
  const labelCounts: Record<string, number> = {};
  for (const m of labels) labelCounts[m] = (labelCounts[m] ?? 0) + 1;

  // K sweep on the standardised features.
  const points = [];
  for (let k = 2; k <= 8; k++) {
    const km = new KMeans({ k, nInit: 3, seed: 0 }).fit(Z);
    points.push({ k, inertia: km.inertia, silhouette: silhouette(Z, km.labels).score });
  }
  const km4 = new KMeans({ k: 4, nInit: 5, seed: 0 }).fit(Z);

  // PCA map coloured by the labelled mood, centroids = mean position per mood.
  const { scores, explained } = pca2(Z);
  const centroids = classes.map((name, c) => {
    let sx = 0, sy = 0, n = 0;
    for (let i = 0; i < X.rows; i++) if (y[i] === c) { sx += scores[0][i]; sy += scores[1][i]; n++; }
    return { name, x: sx / n, y: sy / n };
  });

  // 5-fold CV (seeded shuffle, round-robin folds) with the softmax model.
  const order = shuffleInPlace(Int32Array.from({ length: X.rows }, (_, i) => i), createRng(1));
  const folds = 5;
  const accs: number[] = [];
  const histories = [];
  const oofPred = new Int32Array(X.rows), oofConf = new Float64Array(X.rows);
  for (let f = 0; f < folds; f++) {
    const test = order.filter((_, i) => i % folds === f), train = order.filter((_, i) => i % folds !== f);
    const yTrain = Int32Array.from(train, (i) => y[i]), yTest = Int32Array.from(test, (i) => y[i]);
    const m = trainSoftmax(takeRows(X, train), yTrain, classes, SAMPLE_FEATURES, options.epochs ?? 60, 0.5, { X: takeRows(X, test), y: yTest });
    histories.push(m.history);
    const P = m.predictProbaRaw(takeRows(X, test));
    let ok = 0;
    test.forEach((i, r) => {
      let best = 0;
      for (let c = 1; c < P.cols; c++) if (P.data[r * P.cols + c] > P.data[r * P.cols + best]) best = c;
      oofPred[i] = best;
      oofConf[i] = P.data[r * P.cols + best];
      if (best === y[i]) ok++;
    });
    accs.push(ok / test.length);
  }
  const confusion = classes.map((_, t) => classes.map((_, p) => { let n = 0; for (let i = 0; i < X.rows; i++) if (y[i] === t && oofPred[i] === p) n++; return n; }));
  const bins = Array.from({ length: 10 }, (_, b) => ({ lower: b / 10, upper: (b + 1) / 10, confidence: 0, accuracy: 0, count: 0 }));
  for (let i = 0; i < X.rows; i++) {
    const b = bins[Math.min(9, Math.floor(oofConf[i] * 10))];
    b.count++; b.confidence += oofConf[i]; b.accuracy += oofPred[i] === y[i] ? 1 : 0;
  }
  let ece = 0;
  for (const b of bins) if (b.count) { ece += (b.count / X.rows) * Math.abs(b.accuracy / b.count - b.confidence / b.count); b.confidence /= b.count; b.accuracy /= b.count; }

  // Full model, explanations and importance.
  const model = trainSoftmax(X, y, classes, SAMPLE_FEATURES, options.epochs ?? 200);
  const bg = backgroundSample(X, 40, 1);
  const nExplain = options.explainTracks ?? 40;
  const ex = Array.from({ length: nExplain }, (_, k) => shapleyValues((M) => model.predictProbaRaw(M), row(X, Math.floor((k * X.rows) / nExplain)), bg));
  const perm = permutationImportance((M) => model.predictProbaRaw(M), X, y, { repeats: 3, seed: 2 });
  const kmLogreg = trainSoftmax(Z, km4.labels, ['0', '1', '2', '3'], SAMPLE_FEATURES, 200);
  const coefRows = [0, 1, 2, 3].map((c) => Array.from(kmLogreg.weights.subarray(c * 9, c * 9 + 9)));
  const centroidsScaled = Array.from({ length: 4 }, (_, c) => Array.from(km4.centroids.data.subarray(c * 9, c * 9 + 9)));
  const importance = compareImportance(SAMPLE_FEATURES, [
    { id: 'shap', label: 'mean |Shapley|', values: meanAbsShapley(ex, 9), unit: 'mean |Δ probability|' },
    { id: 'permutation', label: 'permutation importance', values: perm.mean, spread: perm.std, unit: 'accuracy drop (0–1)' },
    { id: 'kmeans-logreg', label: 'logistic coef. after K-Means', values: logregCoefficientImportance(coefRows), unit: 'mean |coefficient| (per std)' },
    { id: 'gmm-spread', label: 'centroid spread', values: centroidSpreadImportance(centroidsScaled), unit: 'std of centroids (std units)' },
  ]);
  const explanations = [0, 1, 2].map((i) => {
    const x = row(X, i);
    return {
      explanation: explainTrack(model, x, bg, { trackId: body[i][col('id')] }),
      title: `${body[i][col('name')]} — ${body[i][col('artist')]}`,
      counterfactual: findCounterfactual(model, x, { scale: Array.from(model.std) }),
    };
  });

  // Cluster profiles in original units.
  const profiles = Array.from({ length: 4 }, (_, c) => {
    const idx: number[] = [];
    for (let i = 0; i < X.rows; i++) if (km4.labels[i] === c) idx.push(i);
    const centroid = SAMPLE_FEATURES.map((_, j) => idx.reduce((a, i) => a + X.data[i * 9 + j], 0) / idx.length);
    const z = SAMPLE_FEATURES.map((_, j) => km4.centroids.data[c * 9 + j]);
    const top = z.map((v, j) => [v, j] as const).sort((a, b) => Math.abs(b[0]) - Math.abs(a[0])).slice(0, 2);
    const evidence = top.map(([v, j]) => `${SAMPLE_FEATURES[j]} ${v > 0 ? 'high' : 'low'} (${v > 0 ? '+' : ''}${v.toFixed(2)} std)`);
    return { name: `cluster ${c + 1}`, size: idx.length, centroid, evidence };
  });

  const happy = classes.indexOf('Happy');
  const full = model.predictProbaRaw(X);
  const topHappy = Array.from({ length: X.rows }, (_, i) => i).sort((a, b) => full.data[b * 4 + happy] - full.data[a * 4 + happy]).slice(0, 8);

  return {
    title: 'moodscape report — data_moods.csv (test fixture)',
    subtitle: 'softmax-regression fixture model',
    dataset: { file: 'data_moods.csv', rowsRead: X.rows, rowsKept: X.rows, duplicates: 0, imputed: {}, droppedMissing: 0, rejected: 0, labelColumn: 'mood', labelCounts },
    features: { names: SAMPLE_FEATURES, columns },
    moods: labels,
    sweep: { points, chosenK: 4, chosenBy: 'elbow' },
    moodMap: { x: scores[0], y: scores[1], moods: labels, centroids, explainedVariance: explained },
    gmmConfidence: oofConf,
    clusterProfiles: { features: SAMPLE_FEATURES, clusters: profiles },
    cv: { accuracy: accs, histories, baseline: Math.max(...Object.values(labelCounts)) / X.rows, model: 'softmax-regression' },
    confusion: { classes, matrix: confusion },
    reliability: { bins, ece },
    importance,
    explanations,
    playlists: [{ name: 'Happy, most sure first', tracks: topHappy.map((i) => ({ id: body[i][col('id')], name: body[i][col('name')], artist: body[i][col('artist')], mood: labels[i], score: full.data[i * 4 + happy] })) }],
  };
}
