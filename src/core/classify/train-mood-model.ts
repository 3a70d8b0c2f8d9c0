/**
 * The training workflow behind `moodscape train` and `demo`: choose the target (a label column or
 * the original's K-Means clusters), estimate quality by (repeated) stratified cross-validation or
 * an 80/20 holdout — with the baselines, calibration, uncertain outcomes and the circularity
 * guard — then fit the final model on every row and give it the temperature fitted on the
 * held-out predictions.
 */
import { BASELINE_LOGREG_OPTIONS, constantScores, majorityClass, type BaselineScores } from '../evaluate/baselines.ts';
import { applyTemperature, brierScore, expectedCalibrationError, fitTemperature } from './calibration.ts';
import { InputError } from '../common/errors.ts';
import { designMatrix, featureNames } from '../data/feature-matrix.ts';
import { argmaxRows, takeLabels } from '../common/matrix.ts';
import { checkCircularity, circularityWarning, type CircularityCheck } from '../evaluate/leakage.ts';
import { accuracy, classCounts, classificationReport, macroF1, type ClassificationReport } from '../evaluate/metrics.ts';
import type { KMeansRestartRunner } from '../cluster/kmeans.ts';
import type { GmmRunnerFactory } from '../cluster/gmm-passes.ts';
import type { KSweepRunner } from '../cluster/k-sweep.ts';
import { clusterMoods, type ClusterMethod, type MoodClustering } from '../cluster/mood-clusters.ts';
import { encodeLabels, FittedMoodClassifier, MoodClassifier, type EncodedLabels, type MoodClassifierOptions } from './mood-classifier.ts';
import { crossFittedCalibration, startCrossValidation, type CalibrationSummary, type CvFoldRunner, type CvResult } from '../evaluate/mood-cv.ts';
import { stratifiedTrainTestSplit } from '../evaluate/split.ts';
import { selectRows, type TrackTable } from '../data/track-table.ts';
import { DEFAULT_UNCERTAIN_BELOW, summarizeUncertain, type UncertainSummary } from './uncertain.ts';

/**
 * The default classifier of `train`: a soft-voting blend of logistic regression (weight 1) and a
 * seed ensemble of three networks (weight 1 together). Chosen by 10-fold CV on data_moods and by
 * cross-set transfer (scripts/quality-study.ts, README): the blend beats either member alone on
 * data_moods and transfers at least as well as logistic regression to bdizon and skerjanec.
 */
export const DEFAULT_ENSEMBLE_MEMBERS = [
  { kind: 'logreg', weight: 1 },
  { kind: 'mlp', weight: 1, seeds: 3 },
] as const;

/** `train`'s default classifier as MoodClassifier options (what `--model ensemble` builds). */
export const DEFAULT_CLASSIFIER: Partial<MoodClassifierOptions> = {
  model: 'ensemble',
  classifierOptions: { members: DEFAULT_ENSEMBLE_MEMBERS.map((m) => ({ ...m })) },
};

export type TrainTarget =
  | { type: 'label'; column: string }
  | { type: 'clusters'; k: number | 'auto'; method: ClusterMethod };

export interface TrainSpec {
  target: TrainTarget;
  classifier: Partial<MoodClassifierOptions>;
  /** Folds of stratified cross-validation; 0 for a single stratified 80/20 holdout. */
  cv: number;
  seed: number;
  /** Repeats of the cross-validation with different split seeds (seed, seed+1, …). Default 1. */
  repeats?: number;
  /** Top probability below which a track is "uncertain". Default 0.4. */
  uncertainBelow?: number;
  /** Fit a temperature on held-out predictions and store it in the model. Default true. */
  calibrate?: boolean;
}

export interface HoldoutResult {
  readonly testSize: number;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly report: ClassificationReport;
  readonly calibration: CalibrationSummary;
  readonly baselines: { readonly majority: BaselineScores; readonly logreg: BaselineScores };
  readonly uncertain: UncertainSummary;
}

export interface TrainOutcome {
  /** What was asked for (saved with the model: the target says what its moods mean). */
  readonly spec: TrainSpec;
  readonly model: FittedMoodClassifier;
  readonly target: EncodedLabels;
  /** The rows the model was trained on (unlabelled rows removed). */
  readonly table: TrackTable;
  readonly droppedUnlabelled: number;
  readonly cv?: CvResult;
  readonly holdout?: HoldoutResult;
  readonly clustering?: MoodClustering;
  /** Logistic regression on the same features and rows: the baseline `evaluate` scores beside the model. */
  readonly baselineModel: FittedMoodClassifier;
  /** Most common training class (the majority baseline). */
  readonly majorityClass: string;
  readonly classCounts: Record<string, number>;
  readonly circularity: CircularityCheck;
  /** Leakage/circularity warnings, printed and in JSON. */
  readonly warnings: readonly string[];
}

export type TrainProgress = (event: { stage: string; done?: number; total?: number }) => void;

/** How to run the work (not what to compute): the results do not depend on these. */
export interface TrainRuntime {
  /** Runs the cross-validation folds (e.g. on worker threads, injected by the app layer); default inline. */
  runFolds?: CvFoldRunner;
  /** Runs the k sweep of `--k auto` (e.g. on worker threads); default inline. */
  runSweep?: KSweepRunner;
  /** Runs the restarts of the final K-Means fit (e.g. on worker threads); default inline. */
  runRestarts?: KMeansRestartRunner;
  /** Runs the Gaussian mixture's EM passes (e.g. on worker threads); default inline. */
  gmmPasses?: GmmRunnerFactory;
}

export function trainMoodModel(input: TrackTable, spec: TrainSpec, progress: TrainProgress = () => {}, runtime: TrainRuntime = {}): TrainOutcome {
  let table = input;
  let droppedUnlabelled = 0;
  let target: EncodedLabels;
  let clustering: MoodClustering | undefined;
  let classifierOptions = { ...spec.classifier, seed: spec.seed };
  const uncertainBelow = spec.uncertainBelow ?? DEFAULT_UNCERTAIN_BELOW;
  const warnings: string[] = [];
  if (spec.target.type === 'label') {
    const col = table.text[spec.target.column];
    if (!col) {
      throw new InputError(`no label column "${spec.target.column}"`, {
        column: spec.target.column,
        expected: `one of the text columns: ${Object.keys(table.text).join(', ') || '(none)'}`,
      });
    }
    const keep: number[] = [];
    for (let i = 0; i < col.length; i++) if (col[i].trim() !== '') keep.push(i);
    droppedUnlabelled = table.rowCount - keep.length;
    if (droppedUnlabelled > 0) table = selectRows(table, keep);
    target = encodeLabels(keep.map((i) => col[i].trim()));
    const tooSmall = target.classes.filter((c, k) => countOf(target.y, k) < Math.max(2, spec.cv));
    if (tooSmall.length) {
      throw new InputError(`label column "${spec.target.column}" has classes with too few tracks for ${spec.cv || 2}-fold evaluation: ${tooSmall.join(', ')}`);
    }
  } else {
    progress({ stage: 'clustering' });
    clustering = clusterMoods(table, { k: spec.target.k, method: spec.target.method, seed: spec.seed }, (msg) => progress({ stage: msg }), runtime);
    const names = clustering.names.map((n) => n.name);
    target = encodeLabels(Array.from(clustering.labels, (c) => names[c]), [...names].sort((a, b) => a.localeCompare(b)));
    // The original trained its network on the clustering features: reproducing the cluster ids
    // is then a question of learning the clustering's own boundaries.
    classifierOptions = { features: clustering.options.features, ...classifierOptions };
    warnings.push('circular labels: these moods were made by K-Means from the same audio features, so the reported accuracy measures agreement with the clustering (the labeller), not mood');
  }

  let cv: CvResult | undefined;
  let holdout: HoldoutResult | undefined;
  let fitted: FittedMoodClassifier;
  let baselineModel: FittedMoodClassifier;
  let circularity: CircularityCheck;
  const fitFinal = (): FittedMoodClassifier => {
    progress({ stage: 'final model' });
    return new MoodClassifier(classifierOptions).fit(table, target);
  };
  // The linear baseline on all rows and the depth-2 tree: they need the final model's features only.
  const fitChecks = (): void => {
    baselineModel = fitted.options.model === 'logreg'
      ? fitted
      : new MoodClassifier({ features: fitted.selection, model: 'logreg', classifierOptions: { ...BASELINE_LOGREG_OPTIONS } }).fit(table, target);
    progress({ stage: 'circularity check' });
    circularity = checkCircularity(designMatrix(table, fitted.selection), target.y, target.classes.length, {
      seed: spec.seed,
      folds: Math.min(5, spec.cv >= 2 ? spec.cv : 5),
      featureNames: featureNames(fitted.selection),
      classes: target.classes,
    });
  };
  if (spec.cv >= 2) {
    const finishCv = startCrossValidation(table, target, classifierOptions, {
      folds: spec.cv,
      seed: spec.seed,
      repeats: spec.repeats ?? 1,
      uncertainBelow,
      onFold: (done, total) => progress({ stage: 'cross-validation', done, total }),
      ...(runtime.runFolds ? { runFolds: runtime.runFolds } : {}),
    });
    if (runtime.runFolds) {
      // The folds run in the background: fit the final model and the checks (independent of
      // them) meanwhile, so this thread fills the core a worker leaves idle on the last fold.
      fitted = fitFinal();
      fitChecks();
      cv = finishCv();
    } else {
      cv = finishCv();
      fitted = fitFinal();
      fitChecks();
    }
  } else {
    holdout = holdoutEvaluation(table, target, classifierOptions, spec.seed, uncertainBelow);
    fitted = fitFinal();
    fitChecks();
  }
  let temperature = cv ? cv.calibration.temperature : holdout!.calibration.temperature;
  if (spec.calibrate === false) temperature = 1;
  const model = fitted.withTemperature(temperature, uncertainBelow);
  const cw = circularityWarning(circularity!);
  if (cw && spec.target.type === 'label') warnings.push(cw);

  const counts = classCounts(target.y, target.classes.length);
  return {
    spec, model, target, table, droppedUnlabelled, cv, holdout, clustering, baselineModel: baselineModel!,
    majorityClass: target.classes[majorityClass(target.y, target.classes.length)],
    classCounts: Object.fromEntries(target.classes.map((c, k) => [c, counts[k]])),
    circularity: circularity!,
    warnings,
  };
}

function holdoutEvaluation(
  table: TrackTable, target: EncodedLabels, classifierOptions: Partial<MoodClassifierOptions>, seed: number, uncertainBelow: number,
): HoldoutResult {
  const K = target.classes.length;
  const split = stratifiedTrainTestSplit(target.y, { testSize: 0.2, seed });
  const train = selectRows(table, split.train);
  const test = selectRows(table, split.test);
  const yTrain = takeLabels(target.y, split.train);
  const yTest = takeLabels(target.y, split.test);
  const m = new MoodClassifier(classifierOptions).fit(train, { y: yTrain, classes: target.classes });
  const raw = m.predictProbaUncalibrated(m.featureMatrix(test));
  const pred = argmaxRows(raw);
  // Calibrated scores cross-fitted over two halves of the holdout (each half's temperature is
  // fitted on the other half); the model's temperature is fitted on the whole holdout.
  const halves = [[], []] as number[][];
  for (let i = 0; i < yTest.length; i++) halves[i % 2].push(i);
  const calibrated = yTest.length >= 4 ? crossFittedCalibration(raw, yTest, halves) : raw;
  const T = fitTemperature(raw, yTest, { from: 'probs' });
  const lr = new MoodClassifier({ features: m.selection, model: 'logreg', classifierOptions: { ...BASELINE_LOGREG_OPTIONS } }).fit(train, { y: yTrain, classes: target.classes });
  const lrPred = lr.predict(test);
  return {
    testSize: test.rowCount,
    accuracy: accuracy(yTest, pred),
    macroF1: macroF1(yTest, pred, K),
    report: classificationReport(yTest, pred, target.classes),
    calibration: {
      temperature: T,
      ece: { raw: expectedCalibrationError(raw, yTest, 10), calibrated: expectedCalibrationError(calibrated, yTest, 10) },
      brier: { raw: brierScore(raw, yTest), calibrated: brierScore(calibrated, yTest) },
    },
    baselines: {
      majority: constantScores(yTest, majorityClass(yTrain, K), K),
      logreg: { accuracy: accuracy(yTest, lrPred), macroF1: macroF1(yTest, lrPred, K) },
    },
    uncertain: summarizeUncertain(applyTemperature(raw, T, { from: 'probs' }), uncertainBelow, yTest),
  };
}

/** The metrics block stored in the model directory and printed by `train --json`. */
export function trainMetrics(o: TrainOutcome): Record<string, unknown> {
  const out: Record<string, unknown> = {
    classes: o.target.classes,
    features: featureNames(o.model.selection),
    model: o.model.options.model,
    classifierOptions: o.model.options.classifierOptions,
    rows: o.table.rowCount,
    temperature: o.model.temperature,
    uncertainBelow: o.model.uncertainBelow,
  };
  if (o.cv) {
    const b = o.cv.baselines;
    out.cv = {
      folds: o.cv.folds,
      repeats: o.cv.repeats,
      seed: o.cv.seed,
      accuracy: o.cv.accuracy,
      macroF1: o.cv.macroF1,
      calibration: o.cv.calibration,
      uncertain: o.cv.uncertain,
      baselines: {
        majority: { accuracy: short(b.majority.accuracy), macroF1: short(b.majority.macroF1) },
        ...(b.logreg ? { logreg: { accuracy: short(b.logreg.accuracy), macroF1: short(b.logreg.macroF1) } } : {}),
      },
      perClass: o.cv.report.classes,
      confusion: o.cv.report.confusion,
    };
  }
  if (o.holdout) {
    out.holdout = {
      testSize: o.holdout.testSize,
      accuracy: o.holdout.accuracy,
      macroF1: o.holdout.macroF1,
      calibration: o.holdout.calibration,
      uncertain: o.holdout.uncertain,
      baselines: o.holdout.baselines,
      perClass: o.holdout.report.classes,
      confusion: o.holdout.report.confusion,
    };
  }
  out.majorityClass = o.majorityClass;
  out.classCounts = o.classCounts;
  out.circularity = o.circularity;
  out.warnings = o.warnings;
  if (o.model.classifier.history?.length) out.history = o.model.classifier.history;
  return out;
}

function short(m: { mean: number; std: number }): { mean: number; std: number } {
  return { mean: m.mean, std: m.std };
}


function countOf(y: Int32Array, k: number): number {
  let n = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === k) n++;
  return n;
}

