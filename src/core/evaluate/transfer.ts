/**
 * Leave-one-set-out evaluation: how well moods carry over to music from a source the model never
 * saw. For each labelled set: pool the others (deduplicated, set-weighted, partial labels), fit,
 * drop the left-out set's tracks that are in the pool (by id or identical features), and score it
 * over the moods that set labels — a prediction of a mood the set does not label counts wrong.
 *
 * `fitOnSets` is the one training path for several sets; `moodscape train a.csv b.csv …`, the
 * built-in model's script and each fold here call it.
 */
import { BASELINE_LOGREG_OPTIONS, majorityClass } from './baselines.ts';
import { brierScore, expectedCalibrationError } from '../classify/calibration.ts';
import { argmaxRows, matrix, type Matrix } from '../common/matrix.ts';
import { buildTrainingIndex, findOverlap } from './leakage.ts';
import { accuracy, classificationReport, type ClassificationReport } from './metrics.ts';
import { MoodClassifier, type FittedMoodClassifier, type MoodClassifierOptions } from '../classify/mood-classifier.ts';
import { poolSets, sharedFeatures, type DedupeReport, type LabelledSet, type PooledSets, type SetWeighting } from '../data/labelled-sets.ts';
import type { FeatureSelection } from '../data/feature-matrix.ts';
import { ENGINEERED_BY_NAME } from '../data/features.ts';
import { selectRows } from '../data/track-table.ts';

/** How a model is trained on several sets. */
export interface MultiSetSpec {
  /** The classifier; its `features` are filled in from the sets when absent. */
  classifier: Partial<MoodClassifierOptions>;
  /** Default 'equal' (every set the same total weight). */
  weighting?: SetWeighting;
  /** Every mood a set labels weighs the same within that set. Default true. */
  classBalanced?: boolean;
  /** Partial-label loss (a set teaches only its own moods). Default true. */
  partialLabels?: boolean;
  /** Engineered features appended to the shared inputs when `classifier.features` is absent. */
  engineered?: readonly string[];
}

/**
 * The default for several sets, chosen under leave-one-set-out (docs/quality.md): strongly
 * regularised logistic regression with partial labels, every set and, within it, every mood
 * weighing the same, on the shared features plus log-scaled speechiness, instrumentalness and
 * acousticness (monotone transforms of skewed features).
 */
export const DEFAULT_MULTI_SET_SPEC: MultiSetSpec = {
  classifier: { model: 'logreg', classifierOptions: { C: 1 } },
  weighting: 'equal',
  classBalanced: true,
  partialLabels: true,
  engineered: ['speechiness_log', 'instrumentalness_log', 'acousticness_log'],
};

/** The network for several sets: small, L2-regularised, no early stopping (its split would ignore set weights). */
export const MULTI_SET_MLP: Readonly<Record<string, unknown>> = { hiddenSizes: [16], dropout: 0.1, l2: 1e-3, epochs: 30, batchSize: 64, earlyStopping: null };
/** The blend for several sets: the default logistic regression plus three such networks. */
export const MULTI_SET_ENSEMBLE: readonly Record<string, unknown>[] = [
  { kind: 'logreg', weight: 1, options: { C: 1 } },
  { kind: 'mlp', weight: 1, seeds: 3, options: { ...MULTI_SET_MLP } },
];

export interface MultiSetFit {
  readonly model: FittedMoodClassifier;
  readonly pooled: PooledSets;
  /**
   * The mood mix the model was trained towards: the sample-weighted mean of its probabilities on
   * its training rows (with partial labels and set weights there is no single label mix). What a
   * prior-shift correction takes as the training priors.
   */
  readonly trainPriors: Float64Array;
}

/** Fits one model on several labelled sets (pooled, deduplicated, weighted, partial labels). */
export function fitOnSets(sets: readonly LabelledSet[], classes: readonly string[], spec: MultiSetSpec, seed = 0): MultiSetFit {
  const inputs = sharedFeatures(sets.map((s) => s.table));
  // Engineered features whose inputs some set lacks are left out with them.
  const engineered = (spec.engineered ?? []).filter((e) => ENGINEERED_BY_NAME.get(e)?.inputs.every((f) => inputs.includes(f)));
  const selection: FeatureSelection = spec.classifier.features ?? { inputs, engineered };
  const pooled = poolSets(sets, classes.length, { features: selection.inputs, weighting: spec.weighting, classBalanced: spec.classBalanced });
  const model = new MoodClassifier({ ...spec.classifier, features: selection, seed }).fit(pooled.table, { y: pooled.y, classes: [...classes] }, {
    sampleWeight: pooled.sampleWeight,
    ...(spec.partialLabels === false ? {} : { labelSets: pooled.labelSets }),
  });
  const p = model.predictProba(pooled.table);
  const K = classes.length, priors = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < p.rows; i++) {
    const w = pooled.sampleWeight[i];
    total += w;
    for (let c = 0; c < K; c++) priors[c] += w * p.data[i * K + c];
  }
  for (let c = 0; c < K; c++) priors[c] /= total;
  // The saved model carries the same priors, so tagging with --prior-shift auto starts from them.
  return { model: model.withTrainingPriors(priors), pooled, trainPriors: priors };
}

export interface TransferScores {
  readonly accuracy: number;
  /** Mean F1 over the moods the left-out set labels. */
  readonly macroF1: number;
}

export interface TransferFold {
  readonly set: string;
  /** Moods the left-out set labels. */
  readonly moods: readonly string[];
  /** Left-out rows scored (after the overlap was removed). */
  readonly rows: number;
  /** Left-out rows dropped as in the training pool: in total, matching by id, matching by identical features (a row can match both ways). */
  readonly overlapRemoved: { readonly total: number; readonly byId: number; readonly byFeatures: number };
  readonly trainRows: number;
  readonly dedupe: DedupeReport;
  readonly accuracy: number;
  readonly macroF1: number;
  /** Per-class scores over all classes (those the set does not label have support 0). */
  readonly report: ClassificationReport;
  readonly calibration: { readonly ece: number; readonly brier: number };
  readonly baselines: {
    readonly majority: TransferScores & { readonly class: string };
    /** Plain logistic regression on the pooled sets (no weights, full labels): the sklearn reference. */
    readonly logreg: TransferScores;
    readonly logregBalanced: TransferScores;
  };
  readonly trainPriors: readonly number[];
  /** With keepPredictions: the probabilities (after postprocess) and the true classes of the scored rows. */
  readonly predictions?: { readonly proba: Matrix; readonly y: Int32Array };
}

export interface TransferResult {
  readonly classes: readonly string[];
  readonly features: readonly string[];
  readonly folds: readonly TransferFold[];
  readonly mean: {
    readonly accuracy: number;
    readonly macroF1: number;
    readonly baselines: { readonly majority: TransferScores; readonly logreg: TransferScores; readonly logregBalanced: TransferScores };
  };
}

export interface PostprocessContext {
  readonly classes: readonly string[];
  /** See MultiSetFit.trainPriors. */
  readonly trainPriors: Float64Array;
  readonly set: LabelledSet;
  readonly model: FittedMoodClassifier;
}

export interface EvaluateTransferOptions {
  classes: readonly string[];
  spec?: MultiSetSpec;
  seed?: number;
  /** Turns each fold's probabilities on the left-out set into the final ones (e.g. a prior-shift correction); default none. */
  postprocess?: (proba: Matrix, context: PostprocessContext) => Matrix;
  /** Keep each fold's probabilities and labels in the result. */
  keepPredictions?: boolean;
  onFold?: (done: number, total: number, set: string) => void;
}

/** Mean F1 over the given classes. */
function macroF1Over(report: ClassificationReport, classes: readonly number[]): number {
  return classes.reduce((s, k) => s + report.classes[k].f1, 0) / classes.length;
}

function scoresOn(yTrue: Int32Array, yPred: Int32Array, classes: readonly string[], moods: readonly number[]): TransferScores {
  const r = classificationReport(yTrue, yPred, classes);
  return { accuracy: accuracy(yTrue, yPred), macroF1: macroF1Over(r, moods) };
}

export function evaluateTransfer(sets: readonly LabelledSet[], options: EvaluateTransferOptions): TransferResult {
  if (sets.length < 2) throw new RangeError(`leave-one-set-out needs at least two sets, got ${sets.length}`);
  const spec = options.spec ?? DEFAULT_MULTI_SET_SPEC;
  const classes = options.classes, K = classes.length;
  const seed = options.seed ?? 0;
  const folds: TransferFold[] = [];
  let features: readonly string[] = [];
  sets.forEach((test, t) => {
    const train = sets.filter((_, i) => i !== t);
    const fit = fitOnSets(train, classes, spec, seed);
    features = fit.model.featureNames;
    const overlap = findOverlap(test.table, buildTrainingIndex(fit.pooled.table));
    const table = selectRows(test.table, overlap.keep);
    const y = Int32Array.from(overlap.keep, (i) => test.y[i]);
    const raw = fit.model.predictProba(table);
    const proba = options.postprocess
      ? options.postprocess(raw, { classes, trainPriors: fit.trainPriors, set: test, model: fit.model })
      : raw;
    const pred = argmaxRows(proba);
    const report = classificationReport(y, pred, classes);
    const pooled = fit.pooled;
    const lr = new MoodClassifier({ features: fit.model.selection, model: 'logreg', classifierOptions: { ...BASELINE_LOGREG_OPTIONS } })
      .fit(pooled.table, { y: pooled.y, classes: [...classes] });
    const lrb = new MoodClassifier({ features: fit.model.selection, model: 'logreg', classifierOptions: { ...BASELINE_LOGREG_OPTIONS, classWeights: 'balanced' } })
      .fit(pooled.table, { y: pooled.y, classes: [...classes] });
    const maj = majorityClass(pooled.y, K);
    folds.push({
      set: test.name,
      moods: test.moods.map((k) => classes[k]),
      rows: table.rowCount,
      overlapRemoved: { total: overlap.overlapping, byId: overlap.sharedIds, byFeatures: overlap.identicalRows },
      trainRows: pooled.table.rowCount,
      dedupe: pooled.dedupe,
      accuracy: accuracy(y, pred),
      macroF1: macroF1Over(report, test.moods),
      report,
      calibration: { ece: expectedCalibrationError(proba, y, 10), brier: brierScore(proba, y) },
      baselines: {
        majority: { ...scoresOn(y, new Int32Array(y.length).fill(maj), classes, test.moods), class: classes[maj] },
        logreg: scoresOn(y, lr.predict(table), classes, test.moods),
        logregBalanced: scoresOn(y, lrb.predict(table), classes, test.moods),
      },
      trainPriors: Array.from(fit.trainPriors),
      ...(options.keepPredictions ? { predictions: { proba, y } } : {}),
    });
    options.onFold?.(t + 1, sets.length, test.name);
  });
  const mean = (f: (x: TransferFold) => number): number => folds.reduce((s, x) => s + f(x), 0) / folds.length;
  const meanScores = (f: (x: TransferFold) => TransferScores): TransferScores => ({ accuracy: mean((x) => f(x).accuracy), macroF1: mean((x) => f(x).macroF1) });
  return {
    classes, features, folds,
    mean: {
      accuracy: mean((x) => x.accuracy),
      macroF1: mean((x) => x.macroF1),
      baselines: { majority: meanScores((x) => x.baselines.majority), logreg: meanScores((x) => x.baselines.logreg), logregBalanced: meanScores((x) => x.baselines.logregBalanced) },
    },
  };
}

/** Every fold's predictions stacked (for fitting a temperature on out-of-set predictions). */
export function stackPredictions(result: TransferResult): { proba: Matrix; y: Int32Array } {
  const parts = result.folds.map((f) => f.predictions).filter((p) => p !== undefined);
  const n = parts.reduce((s, p) => s + p.y.length, 0), K = result.classes.length;
  const proba = matrix(n, K), y = new Int32Array(n);
  let o = 0;
  for (const p of parts) { proba.data.set(p.proba.data, o * K); y.set(p.y, o); o += p.y.length; }
  return { proba, y };
}
