/**
 * The report as data: ReportInput holds whatever results a run produced (every part optional);
 * buildReportData turns them into ordered sections, each with a plain-language lead paragraph,
 * tables and Vega-Lite chart specs. Absent inputs give a section with a note saying so, never an
 * error. Pure: no files, no clock (the caller passes generatedAt).
 */
import type { TrackExplanation } from '../explain/shapley.ts';
import type { Counterfactual } from '../explain/counterfactual.ts';
import type { GlobalImportance } from '../explain/importance.ts';
import { formatContribution, formatCounterfactual, formatFeatureValue, formatSigned, sortedContributions } from '../explain/format.ts';
import { FEATURE_SPEC } from '../data/features.ts';
import { UNCERTAIN } from '../classify/uncertain.ts';
import { correlationMatrix, describeColumn, histogramWithDensity, sampleIndices, type DescribeRow } from './stats.ts';
import {
  confusionSpec, contributionSpec, correlationSpec, distributionsSpec, foldAccuracySpec, gmmConfidenceSpec, importanceSpec,
  moodMapSpec, reliabilitySpec, scatterMatrixSpec, sweepSpec, trainingCurvesSpec,
  type ChartSpec, type CurvePoint, type ReliabilityBin, type SweepPointInput,
} from './specs.ts';

export interface DatasetSummary {
  file: string;
  rowsRead: number;
  rowsKept: number;
  duplicates: number;
  /** Cells filled per feature. */
  imputed?: Record<string, number>;
  droppedMissing?: number;
  /** Rows rejected as invalid (a count, or the list of rejections). */
  rejected?: number | readonly unknown[];
  /** Columns dropped as mostly empty (names, or {column} objects as ingest reports them). */
  droppedColumns?: readonly (string | { column: string })[];
  missingOptional?: readonly string[];
  /** Name of the mood label column, when the file has one, and its counts. */
  labelColumn?: string;
  labelCounts?: Record<string, number>;
}

export interface ReportInput {
  title?: string;
  subtitle?: string;
  /** ISO timestamp shown in the header (core has no clock: pass it in). */
  generatedAt?: string;
  dataset?: DatasetSummary;
  /** Raw feature columns (NaN = missing): used for describe, distributions, correlations and the scatter matrix when those are not given. */
  features?: { names: readonly string[]; columns: Readonly<Record<string, ArrayLike<number>>> };
  /** Mood per row of `features` (true labels or predictions), to colour the scatter matrix. */
  moods?: readonly string[];
  describe?: readonly DescribeRow[];
  correlations?: { features: readonly string[]; matrix: readonly (readonly number[])[] };
  /** Features of the scatter matrix (default: valence, energy, danceability, acousticness where present). */
  scatterFeatures?: readonly string[];
  /** K sweep (structurally a KSweepResult) plus optional bootstrap stability per k. */
  sweep?: { points: readonly SweepPointInput[]; chosenK: number; chosenBy?: string; stability?: readonly { k: number; mean: number; std: number }[] };
  moodMap?: {
    x: ArrayLike<number>;
    y: ArrayLike<number>;
    moods: readonly string[];
    centroids?: readonly { name: string; x: number; y: number }[];
    /** Share of variance of PC1 and PC2 (0–1). */
    explainedVariance?: readonly [number, number];
  };
  /** Highest GMM membership probability per track. */
  gmmConfidence?: ArrayLike<number>;
  clusterProfiles?: {
    /** Feature names of the centroid columns (original units). */
    features: readonly string[];
    clusters: readonly { name: string; size: number; centroid: readonly number[]; evidence?: readonly string[] }[];
  };
  cv?: {
    /** Accuracy per fold, in fold order. */
    accuracy: readonly number[];
    macroF1?: readonly number[];
    /** Per-fold training histories (EpochRecord-like). */
    histories?: readonly (readonly { epoch: number; loss: number; accuracy?: number; valLoss?: number; valAccuracy?: number }[])[];
    /** Accuracy of always predicting the most common mood. */
    baseline?: number;
    model?: string;
  };
  confusion?: { classes: readonly string[]; matrix: readonly (readonly number[])[]; note?: string };
  reliability?: { bins: readonly ReliabilityBin[]; ece?: number; method?: string };
  importance?: GlobalImportance;
  explanations?: readonly { explanation: TrackExplanation; title?: string; counterfactual?: Counterfactual | null }[];
  playlists?: readonly { name: string; description?: string; tracks: readonly { id?: string; name: string; artist?: string; mood?: string; score?: number }[] }[];
  /** Points drawn in scatter charts at most (sampled, seeded). Default 2,000. */
  maxPoints?: number;
  seed?: number;
}

export interface ReportTable {
  caption?: string;
  columns: { label: string; numeric?: boolean }[];
  rows: string[][];
}

export interface ReportSection {
  id: string;
  title: string;
  /** Plain-language paragraph(s) leading the section. */
  lead: string[];
  tables: ReportTable[];
  charts: ChartSpec[];
  /** Preformatted text blocks (e.g. explain output). */
  text: string[];
  /** Set when the section's inputs were absent: why it is empty. */
  skipped?: string;
}

export interface ReportData {
  title: string;
  subtitle?: string;
  generatedAt?: string;
  /** Headline facts shown at the top. */
  highlights: string[];
  sections: ReportSection[];
}

const pct = (x: number, d = 1) => `${(x * 100).toFixed(d)}%`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const num = (x: number) => (!Number.isFinite(x) ? '–' : Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(2) : x.toFixed(3));

function section(id: string, title: string, init: Partial<ReportSection> = {}): ReportSection {
  return { id, title, lead: [], tables: [], charts: [], text: [], ...init };
}
const skipped = (id: string, title: string, why: string) => section(id, title, { skipped: why });

function meanStd(v: readonly number[]): { mean: number; std: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
}

export function buildReportData(input: ReportInput): ReportData {
  const maxPoints = input.maxPoints ?? 2000;
  const seed = input.seed ?? 0;
  const highlights: string[] = [];
  const sections: ReportSection[] = [];
  const feat = input.features;
  const featNames = feat ? feat.names.filter((f) => f in feat.columns) : [];

  // 1. Dataset summary
  const ds = input.dataset;
  if (ds) {
    const s = section('dataset', 'The catalogue');
    const rejected = typeof ds.rejected === 'number' ? ds.rejected : (ds.rejected?.length ?? 0);
    const imputedTotal = Object.values(ds.imputed ?? {}).reduce((a, b) => a + b, 0);
    s.lead.push(
      `${ds.file} has ${int(ds.rowsRead)} rows; ${int(ds.rowsKept)} tracks were kept. ` +
        `${ds.duplicates ? `${int(ds.duplicates)} repeated track ids were dropped (first kept). ` : 'No track id repeats. '}` +
        `${imputedTotal ? `${int(imputedTotal)} missing feature values were filled in. ` : 'No feature value had to be filled in. '}` +
        `${ds.droppedMissing ? `${int(ds.droppedMissing)} rows were dropped for missing values. ` : ''}` +
        `${rejected ? `${int(rejected)} invalid rows were rejected.` : ''}`,
    );
    const rows: string[][] = [
      ['rows in file', int(ds.rowsRead)],
      ['tracks kept', int(ds.rowsKept)],
      ['duplicate ids dropped', int(ds.duplicates)],
      ['values imputed', int(imputedTotal)],
      ['rows dropped for missing values', int(ds.droppedMissing ?? 0)],
      ['invalid rows rejected', int(rejected)],
    ];
    const dropped = (ds.droppedColumns ?? []).map((c) => (typeof c === 'string' ? c : c.column));
    if (dropped.length) rows.push(['columns dropped (mostly empty)', dropped.join(', ')]);
    if (ds.missingOptional?.length) rows.push(['optional features absent', ds.missingOptional.join(', ')]);
    s.tables.push({ columns: [{ label: 'what' }, { label: 'count', numeric: true }], rows });
    const imputed = Object.entries(ds.imputed ?? {}).filter(([, n]) => n > 0);
    if (imputed.length) s.tables.push({ caption: 'Values filled in, per feature', columns: [{ label: 'feature' }, { label: 'cells', numeric: true }], rows: imputed.map(([f, n]) => [f, int(n)]) });
    if (ds.labelCounts && Object.keys(ds.labelCounts).length) {
      const total = Object.values(ds.labelCounts).reduce((a, b) => a + b, 0);
      const entries = Object.entries(ds.labelCounts).sort((a, b) => b[1] - a[1]);
      s.lead.push(`The "${ds.labelColumn ?? 'mood'}" column labels ${int(total)} tracks with ${entries.length} moods: ${entries.map(([m, n]) => `${m} ${int(n)}`).join(', ')}. The most common mood alone is ${pct(entries[0][1] / total)} of the tracks, the accuracy a classifier gets by always guessing it.`);
      s.tables.push({ caption: 'Tracks per mood label', columns: [{ label: 'mood' }, { label: 'tracks', numeric: true }, { label: 'share', numeric: true }], rows: entries.map(([m, n]) => [m, int(n), pct(n / total)]) });
    }
    highlights.push(`${int(ds.rowsKept)} tracks from ${ds.file}`);
    sections.push(s);
  } else sections.push(skipped('dataset', 'The catalogue', 'No ingest summary was given.'));

  // 2. Describe table
  const describe = input.describe ?? (featNames.length ? featNames.map((f) => describeColumn(f, feat!.columns[f])) : undefined);
  if (describe?.length) {
    const s = section('describe', 'Feature statistics');
    s.lead.push('Each audio feature in its own units: how many tracks have it, its mean and spread, and its quartiles. Most Spotify features run from 0 to 1; loudness is in decibels and tempo in beats per minute.');
    s.tables.push({
      columns: ['feature', 'unit', 'count', 'missing', 'mean', 'std', 'min', '25%', 'median', '75%', 'max'].map((label, i) => ({ label, numeric: i >= 2 })),
      rows: describe.map((r) => [r.feature, FEATURE_SPEC.get(r.feature)?.unit ?? '', int(r.count), int(r.missing), num(r.mean), num(r.std), num(r.min), num(r.q25), num(r.median), num(r.q75), num(r.max)]),
    });
    sections.push(s);
  } else sections.push(skipped('describe', 'Feature statistics', 'No feature columns were given.'));

  // 3. Distributions
  if (featNames.length) {
    const s = section('distributions', 'Distributions');
    s.lead.push('How each feature is spread over the catalogue. Skewed features (speechiness, instrumentalness, liveness are usually piled up near 0) carry less information for most tracks than their range suggests.');
    s.charts.push(distributionsSpec(featNames.map((f) => {
      const spec = FEATURE_SPEC.get(f);
      const range = spec && spec.max - spec.min <= 1 ? ([spec.min, spec.max] as const) : undefined;
      return { feature: f, hist: histogramWithDensity(feat!.columns[f], 30, range) };
    })));
    sections.push(s);
  } else sections.push(skipped('distributions', 'Distributions', 'No feature columns were given.'));

  // 4. Correlations
  const corr = input.correlations ?? (featNames.length >= 2 ? { features: featNames, matrix: correlationMatrix(featNames.map((f) => feat!.columns[f])) } : undefined);
  if (corr) {
    const s = section('correlations', 'Correlations');
    let best = { a: '', b: '', r: 0 };
    corr.features.forEach((a, i) => corr.features.forEach((b, j) => {
      if (j > i && Number.isFinite(corr.matrix[i][j]) && Math.abs(corr.matrix[i][j]) > Math.abs(best.r)) best = { a, b, r: corr.matrix[i][j] };
    }));
    s.lead.push(`Pairs of features that move together (red) or in opposite directions (blue). The strongest pair here is ${best.a} and ${best.b} (r = ${best.r.toFixed(2)}): ${Math.abs(best.r) > 0.6 ? 'they carry much of the same information, so a model gains little from having both.' : 'no two features are close to redundant.'}`);
    s.charts.push(correlationSpec(corr.features, corr.matrix));
    sections.push(s);
  } else sections.push(skipped('correlations', 'Correlations', 'Fewer than two feature columns were given.'));

  // 5. Scatter matrix
  const scatterFeatures = (input.scatterFeatures ?? ['valence', 'energy', 'danceability', 'acousticness']).filter((f) => featNames.includes(f));
  if (scatterFeatures.length >= 2 && feat) {
    const s = section('scatter', 'Scatter matrix');
    const n = feat.columns[scatterFeatures[0]].length;
    const idx = sampleIndices(n, Math.min(maxPoints, 500), seed);
    const moods = input.moods && input.moods.length === n ? input.moods : undefined;
    const rows = Array.from(idx, (i) => {
      const r: Record<string, number | string> = {};
      for (const f of scatterFeatures) r[f] = feat.columns[f][i];
      if (moods) r.mood = moods[i];
      return r;
    }).filter((r) => scatterFeatures.every((f) => Number.isFinite(r[f] as number)));
    const moodList = moods ? [...new Set(moods)].sort() : undefined;
    s.lead.push(`The main mood features against each other${idx.length < n ? ` (a seeded sample of ${int(idx.length)} of ${int(n)} tracks)` : ''}${moodList ? ', coloured by mood' : ''}. Valence (positive vs. negative) and energy (calm vs. intense) are the two axes of the classic mood circumplex.`);
    s.charts.push(scatterMatrixSpec(scatterFeatures, rows, moodList));
    sections.push(s);
  } else sections.push(skipped('scatter', 'Scatter matrix', 'Needs at least two of the main features.'));

  // 6. K sweep
  if (input.sweep?.points.length) {
    const sw = input.sweep;
    const s = section('clusters', 'How many moods?');
    const chosen = sw.points.find((p) => p.k === sw.chosenK);
    s.lead.push(
      `K-Means was run for k = ${sw.points[0].k}…${sw.points[sw.points.length - 1].k}. Inertia always falls as k grows; the "elbow" is where extra clusters stop paying off. The silhouette (−1 to 1) measures how well separated the clusters are. ` +
        `k = ${sw.chosenK} was chosen${sw.chosenBy ? ` by the ${sw.chosenBy}` : ''}${chosen?.silhouette !== undefined ? `; its silhouette is ${chosen.silhouette.toFixed(3)}` : ''}` +
        `${chosen?.silhouette !== undefined && chosen.silhouette < 0.25 ? ', which means the clusters overlap a lot: moods in audio-feature space are regions of a continuum, not separate islands.' : '.'}`,
    );
    if (sw.stability?.length) s.lead.push('Bootstrap stability (adjusted Rand index between clusterings of resampled data) shows whether the same clusters come back when the data change a little; near 1 means stable.');
    s.charts.push(sweepSpec(sw.points, sw.chosenK, sw.stability));
    s.tables.push({ columns: [{ label: 'k', numeric: true }, { label: 'inertia', numeric: true }, { label: 'silhouette', numeric: true }], rows: sw.points.map((p) => [String(p.k), num(p.inertia), p.silhouette !== undefined ? p.silhouette.toFixed(3) : '–']) });
    sections.push(s);
  } else sections.push(skipped('clusters', 'How many moods?', 'No K-Means sweep was run.'));

  // 7. Mood map
  if (input.moodMap && input.moodMap.x.length) {
    const mm = input.moodMap;
    const s = section('mood-map', 'Mood map');
    const idx = sampleIndices(mm.x.length, maxPoints, seed + 1);
    const pts = Array.from(idx, (i) => ({ x: mm.x[i], y: mm.y[i], mood: mm.moods[i] }));
    const moods = [...new Set(mm.moods)].sort();
    const ev = mm.explainedVariance;
    s.lead.push(`Every track projected onto the two directions along which the (scaled) features vary most${ev ? `, which together hold ${pct(ev[0] + ev[1])} of the variance` : ''}. Colours are moods; the labelled diamonds are the cluster centres${idx.length < mm.x.length ? `. A seeded sample of ${int(idx.length)} of ${int(mm.x.length)} tracks is drawn` : ''}.`);
    const uncertain = mm.moods.filter((m) => m === UNCERTAIN).length;
    if (uncertain) s.lead.push(`${int(uncertain)} of ${int(mm.moods.length)} tracks (${pct(uncertain / mm.moods.length)}) are "${UNCERTAIN}": no mood reached the model's threshold.`);
    s.charts.push(moodMapSpec(pts, moods, mm.centroids ?? [], ev));
    sections.push(s);
  } else sections.push(skipped('mood-map', 'Mood map', 'No PCA projection was given.'));

  // 8. GMM confidence
  if (input.gmmConfidence && input.gmmConfidence.length) {
    const g = input.gmmConfidence;
    const s = section('gmm', 'Membership confidence');
    const hist = histogramWithDensity(g, 20, [0, 1]);
    let sure = 0, unsure = 0;
    for (let i = 0; i < g.length; i++) { if (g[i] >= 0.9) sure++; if (g[i] < 0.6) unsure++; }
    s.lead.push(`A Gaussian mixture gives every track a probability of belonging to each mood cluster. ${pct(sure / g.length)} of tracks belong to one cluster with at least 90% probability; ${pct(unsure / g.length)} sit between clusters (below 60%). Those in-between tracks are where any mood tag is a judgement call.`);
    s.charts.push(gmmConfidenceSpec(hist.bins, g.length));
    sections.push(s);
  } else sections.push(skipped('gmm', 'Membership confidence', 'No Gaussian mixture was fitted.'));

  // 9. Cluster profiles
  if (input.clusterProfiles?.clusters.length) {
    const cp = input.clusterProfiles;
    const s = section('profiles', 'Cluster profiles');
    s.lead.push('The centre of each cluster in the features\' own units, and the evidence behind its name: which features set it apart from the others.');
    s.tables.push({
      columns: [{ label: 'cluster' }, { label: 'tracks', numeric: true }, ...cp.features.map((f) => ({ label: f + (FEATURE_SPEC.get(f)?.unit ? ` (${FEATURE_SPEC.get(f)!.unit})` : ''), numeric: true }))],
      rows: cp.clusters.map((c) => [c.name, int(c.size), ...c.centroid.map((v, j) => formatFeatureValue(cp.features[j], v).replace(/ (dB|BPM)$/, ''))]),
    });
    const ev = cp.clusters.filter((c) => c.evidence?.length);
    if (ev.length) s.tables.push({ caption: 'Why each name', columns: [{ label: 'cluster' }, { label: 'evidence' }], rows: ev.map((c) => [c.name, c.evidence!.join('; ')]) });
    sections.push(s);
  } else sections.push(skipped('profiles', 'Cluster profiles', 'No clusters were profiled.'));

  // 10. Cross-validation
  if (input.cv?.accuracy.length) {
    const cv = input.cv;
    const s = section('cv', 'How good is the classifier?');
    const { mean, std } = meanStd(cv.accuracy);
    const f1 = cv.macroF1?.length ? meanStd(cv.macroF1) : undefined;
    s.lead.push(
      `${cv.model ? `The ${cv.model} classifier` : 'The classifier'} was scored by ${cv.accuracy.length}-fold cross-validation: each fold is predicted by a model that never saw it. ` +
        `It labels ${pct(mean)} ± ${pct(std)} of held-out tracks correctly` +
        `${cv.baseline !== undefined ? `, against ${pct(cv.baseline)} for always guessing the most common mood` : ''}` +
        `${f1 ? `; macro-F1 (every mood counted equally) is ${f1.mean.toFixed(3)} ± ${f1.std.toFixed(3)}` : ''}.`,
    );
    highlights.push(`classifier accuracy ${pct(mean)} ± ${pct(std)} (${cv.accuracy.length}-fold CV${cv.baseline !== undefined ? `; majority guess ${pct(cv.baseline)}` : ''})`);
    s.charts.push(foldAccuracySpec(cv.accuracy.map((a, i) => ({ fold: i + 1, accuracy: a })), mean, std, cv.baseline));
    const curves: CurvePoint[] = [];
    (cv.histories ?? []).forEach((h, f) => h.forEach((e) => {
      curves.push({ fold: f + 1, epoch: e.epoch, split: 'train', loss: e.loss, accuracy: e.accuracy });
      if (e.valLoss !== undefined || e.valAccuracy !== undefined) curves.push({ fold: f + 1, epoch: e.epoch, split: 'validation', loss: e.valLoss, accuracy: e.valAccuracy });
    }));
    if (curves.length) {
      s.lead.push('Training curves show whether the network kept improving or started to memorise its training rows (validation loss rising while training loss falls).');
      s.charts.push(trainingCurvesSpec(curves));
    } else s.text.push('No training curves: the classifier has no epochs (or none were recorded).');
    s.tables.push({
      columns: [{ label: 'fold' }, { label: 'accuracy', numeric: true }, ...(cv.macroF1 ? [{ label: 'macro-F1', numeric: true }] : [])],
      rows: [...cv.accuracy.map((a, i) => [String(i + 1), a.toFixed(3), ...(cv.macroF1 ? [cv.macroF1[i].toFixed(3)] : [])]), ['mean ± std', `${mean.toFixed(3)} ± ${std.toFixed(3)}`, ...(f1 ? [`${f1.mean.toFixed(3)} ± ${f1.std.toFixed(3)}`] : [])]],
    });
    sections.push(s);
  } else sections.push(skipped('cv', 'How good is the classifier?', 'No cross-validation results were given (run with a labelled CSV or a model).'));

  // 11. Confusion
  if (input.confusion?.classes.length) {
    const cm = input.confusion;
    const s = section('confusion', 'Which moods get confused');
    let worst = { t: '', p: '', share: 0 };
    cm.classes.forEach((t, i) => {
      const total = cm.matrix[i].reduce((a, b) => a + b, 0);
      cm.classes.forEach((p, j) => { if (i !== j && total && cm.matrix[i][j] / total > worst.share) worst = { t, p, share: cm.matrix[i][j] / total }; });
    });
    s.lead.push(`${cm.note ?? 'Out-of-fold predictions against the true moods.'} The diagonal holds the correct answers.${worst.t ? ` The most common mistake: ${pct(worst.share, 0)} of ${worst.t} tracks are called ${worst.p}.` : ''}`);
    s.charts.push(confusionSpec(cm.classes, cm.matrix));
    sections.push(s);
  } else sections.push(skipped('confusion', 'Which moods get confused', 'No confusion matrix was given.'));

  // 12. Reliability
  if (input.reliability?.bins.some((b) => b.count > 0)) {
    const r = input.reliability;
    const s = section('reliability', 'Can the probabilities be trusted?');
    s.lead.push(`When the model says a mood is 80% likely, is it right 80% of the time? Points on the dashed diagonal mean yes; below it, the model is overconfident.${r.ece !== undefined ? ` The expected calibration error is ${pct(r.ece)}.` : ''}${r.method ? ` Calibration: ${r.method}.` : ''}`);
    s.charts.push(reliabilitySpec(r.bins, r.ece));
    sections.push(s);
  } else sections.push(skipped('reliability', 'Can the probabilities be trusted?', 'No calibration bins were computed.'));

  // 13. Importance
  if (input.importance?.methods.length) {
    const imp = input.importance;
    const s = section('importance', 'Which features matter');
    s.lead.push('Four ways to rank the features. Mean |Shapley| is how much a feature moves a track\'s mood probability on average; permutation importance is the accuracy lost when the feature is scrambled; the original notebook\'s two methods (logistic-regression coefficients after K-Means, and how far apart the GMM centroids sit on each feature) describe the clusters rather than the classifier.');
    s.lead.push(imp.summary);
    s.charts.push(importanceSpec(imp.features, imp.methods));
    sections.push(s);
  } else sections.push(skipped('importance', 'Which features matter', 'No importance was computed.'));

  // 14. Per-track explanations
  if (input.explanations?.length) {
    const s = section('explanations', 'Why did a track get its mood?');
    s.lead.push('For a few example tracks: each feature\'s Shapley value is the share of the gap between this track\'s mood probability and the average track\'s that the feature accounts for; they add up exactly to that gap. The counterfactual is the smallest change to one or two features that would make the model pick another mood.');
    input.explanations.forEach(({ explanation: e, title, counterfactual }, k) => {
      const name = title ?? e.trackId ?? `track ${k + 1}`;
      const rows = sortedContributions(e).map((c) => ({ label: formatContribution(c).replace(/ \([+-][0-9.]+\)$/, ''), shap: c.shap }));
      s.charts.push(contributionSpec(`explain-${k + 1}`, `${name}: ${e.mood} (${pct(e.probability, 0)})`, rows, e.mood));
      const top = sortedContributions(e).slice(0, 3).map((c) => formatContribution(c)).join(', ');
      s.text.push(
        `${name} → ${e.mood}, probability ${e.probability.toFixed(2)} vs ${e.baseline.toFixed(2)} for the average track (${formatSigned(e.probability - e.baseline)}). ` +
          `Largest contributions: ${top}.` +
          (counterfactual ? ` Smallest flip: ${formatCounterfactual(counterfactual)}.` : counterfactual === null ? ' No change of one or two features flips it.' : '') +
          (e.exact ? '' : ` (Estimated from ${e.permutations} sampled permutations, not exact.)`),
      );
    });
    sections.push(s);
  } else sections.push(skipped('explanations', 'Why did a track get its mood?', 'No model was given, so no track was explained.'));

  // 15. Playlists
  if (input.playlists?.length) {
    const s = section('playlists', 'Example playlists');
    s.lead.push('Playlists the recommender builds from the tagged catalogue.');
    for (const p of input.playlists) {
      s.tables.push({
        caption: p.description ? `${p.name}: ${p.description}` : p.name,
        columns: [{ label: '#', numeric: true }, { label: 'track' }, { label: 'artist' }, { label: 'mood' }, { label: 'score', numeric: true }],
        rows: p.tracks.map((t, i) => [String(i + 1), t.name, t.artist ?? '', t.mood ?? '', t.score !== undefined ? t.score.toFixed(3) : '']),
      });
    }
    sections.push(s);
  } else sections.push(skipped('playlists', 'Example playlists', 'The recommender was not run.'));

  return { title: input.title ?? 'moodscape report', subtitle: input.subtitle, generatedAt: input.generatedAt, highlights, sections };
}
