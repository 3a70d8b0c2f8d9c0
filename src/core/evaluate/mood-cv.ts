/**
 * Stratified k-fold cross-validation of the whole mood pipeline (scaler and classifier refitted
 * on every training fold, so no statistic of a test fold leaks into its model), optionally
 * repeated with different seeds, with the baselines (majority class, logistic regression) scored
 * on the same folds and the calibration of the out-of-fold probabilities.
 *
 * Calibration is cross-fitted: the calibrated probabilities of fold f use a temperature fitted on
 * the out-of-fold predictions of the other folds only, so no row's label tunes its own
 * temperature. The temperature for the final model is fitted on every out-of-fold prediction.
 */
import { applyTemperature, brierScore, expectedCalibrationError, fitTemperature } from '../classify/calibration.ts';
import { BASELINE_LOGREG_OPTIONS, constantScores, majorityClass, type BaselineScores } from './baselines.ts';
import { argmaxRows, matrix, takeLabels, takeRows, type Matrix } from '../common/matrix.ts';
import { classificationReport, macroF1, accuracy, type ClassificationReport } from './metrics.ts';
import type { EpochRecord } from '../classify/mlp.ts';
import { MoodClassifier, type EncodedLabels, type MoodClassifierOptions } from '../classify/mood-classifier.ts';
import { stratifiedKFold, type IndexSplit } from './split.ts';
import { selectRows, type TrackTable } from '../data/track-table.ts';
import { DEFAULT_UNCERTAIN_BELOW, summarizeUncertain, type UncertainSummary } from '../classify/uncertain.ts';

export interface MeanStd {
  readonly mean: number;
  /** Population standard deviation over folds (numpy's np.std default, as sklearn examples report). */
  readonly std: number;
  readonly perFold: readonly number[];
}

export interface CalibrationSummary {
  /** Temperature fitted on all out-of-fold predictions (what the final model uses). */
  readonly temperature: number;
  /** Expected calibration error (10 bins), mean over repeats: before and after (cross-fitted) temperature scaling. */
  readonly ece: { readonly raw: number; readonly calibrated: number };
  /** Multi-class Brier score, mean over repeats: before and after. */
  readonly brier: { readonly raw: number; readonly calibrated: number };
}

export interface BaselineCv {
  readonly accuracy: MeanStd;
  readonly macroF1: MeanStd;
}

export interface CvResult {
  readonly folds: number;
  readonly seed: number;
  /** Repeats of the k-fold split (seeds seed, seed+1, …); accuracy/macroF1 are over all repeats × folds. */
  readonly repeats: number;
  readonly accuracy: MeanStd;
  readonly macroF1: MeanStd;
  /** The out-of-fold predictions of every row (every repeat pooled), scored together. */
  readonly report: ClassificationReport;
  /** Out-of-fold probabilities of the first repeat (rows × classes), uncalibrated. */
  readonly oofProba: Matrix;
  /** Out-of-fold probabilities of each repeat, uncalibrated. */
  readonly oofProbaByRepeat: readonly Matrix[];
  readonly histories: readonly (readonly EpochRecord[])[];
  readonly calibration: CalibrationSummary;
  readonly baselines: { readonly majority: BaselineCv; readonly logreg?: BaselineCv };
  /** Uncertain outcomes among the calibrated out-of-fold predictions (all repeats pooled). */
  readonly uncertain: UncertainSummary;
}

export interface CvOptions {
  folds: number;
  seed: number;
  /** Repeats with split seeds seed, seed+1, …; default 1. */
  repeats?: number;
  /** Score logistic regression on the same folds (default true; cheap). */
  logregBaseline?: boolean;
  uncertainBelow?: number;
  onFold?: (fold: number, folds: number) => void;
  /**
   * Runs the folds (e.g. on worker threads, see src/app/parallel/fold-runner.ts); default: one
   * after the other in this thread. Whatever runs them, the results are those of `runCvFold`.
   */
  runFolds?: CvFoldRunner;
}

/** One fold to fit and score: plain data, so it can be sent to a worker thread. */
export interface CvFoldJob {
  readonly train: Int32Array;
  readonly test: Int32Array;
  /** Seed of the fold's classifier. */
  readonly seed: number;
}

/** What the folds share: plain data (typed arrays, strings, numbers), sent once to each worker. */
export interface CvFoldContext {
  readonly table: TrackTable;
  readonly target: EncodedLabels;
  readonly options: Partial<MoodClassifierOptions>;
  readonly withLogreg: boolean;
}

export interface CvFoldOutput {
  /** Uncalibrated probabilities of the test rows (test rows × classes, row-major, in `test` order). */
  readonly proba: Float64Array;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly majority: BaselineScores;
  readonly logreg?: BaselineScores;
  readonly history: EpochRecord[];
}

/**
 * Starts every job (possibly in the background, e.g. on worker threads) and returns a join
 * function; the join returns the outputs in job order, each equal to `runCvFold(ctx, job)`, and
 * calls `onDone` once per finished job.
 */
export type CvFoldRunner = (ctx: CvFoldContext, jobs: readonly CvFoldJob[]) => (onDone: () => void) => CvFoldOutput[];

/** Fits and scores one fold (model, majority class and, optionally, logistic regression). */
export function runCvFold(ctx: CvFoldContext, job: CvFoldJob): CvFoldOutput {
  const { table, target, options } = ctx;
  const k = target.classes.length;
  const train = selectRows(table, job.train);
  const test = selectRows(table, job.test);
  const yTrain = takeLabels(target.y, job.train);
  const yTest = takeLabels(target.y, job.test);
  const model = new MoodClassifier({ ...options, seed: job.seed }).fit(train, { y: yTrain, classes: target.classes });
  const proba = model.predictProbaUncalibrated(model.featureMatrix(test));
  const pred = argmaxRows(proba);
  let logreg: BaselineScores | undefined;
  if (ctx.withLogreg) {
    const lr = new MoodClassifier({ features: model.selection, model: 'logreg', classifierOptions: { ...BASELINE_LOGREG_OPTIONS } }).fit(train, { y: yTrain, classes: target.classes });
    const lrPred = lr.predict(test);
    logreg = { accuracy: accuracy(yTest, lrPred), macroF1: macroF1(yTest, lrPred, k) };
  }
  return {
    proba: proba.data,
    accuracy: accuracy(yTest, pred),
    macroF1: macroF1(yTest, pred, k),
    majority: constantScores(yTest, majorityClass(yTrain, k), k),
    ...(logreg ? { logreg } : {}),
    history: [...(model.classifier.history ?? [])],
  };
}

/** The default runner: every fold in turn, in this thread, when joined. */
export const runFoldsInline: CvFoldRunner = (ctx, jobs) => (onDone) => jobs.map((job) => {
  const out = runCvFold(ctx, job);
  onDone();
  return out;
});

export function meanStd(values: readonly number[]): MeanStd {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance), perFold: [...values] };
}

export function crossValidateMoodClassifier(
  table: TrackTable,
  target: EncodedLabels,
  options: Partial<MoodClassifierOptions>,
  cv: CvOptions,
): CvResult {
  return startCrossValidation(table, target, options, cv)();
}

/**
 * `crossValidateMoodClassifier` in two steps: hands the folds to the runner, and returns the
 * function that waits for them and scores them. With a background runner (worker threads) the
 * caller can do other work in between (train fits its final model there).
 */
export function startCrossValidation(
  table: TrackTable,
  target: EncodedLabels,
  options: Partial<MoodClassifierOptions>,
  cv: CvOptions,
): () => CvResult {
  const repeats = cv.repeats ?? 1;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new RangeError(`repeats must be an integer ≥ 1, got ${repeats}`);
  const k = target.classes.length, n = table.rowCount;
  const withLogreg = cv.logregBaseline ?? true;
  const accs: number[] = [], f1s: number[] = [];
  const majAcc: number[] = [], majF1: number[] = [], lrAcc: number[] = [], lrF1: number[] = [];
  const histories: EpochRecord[][] = [];
  const oofByRepeat: Matrix[] = [];
  const calibratedByRepeat: Matrix[] = [];
  const yPooled: number[] = [], predPooled: number[] = [];
  const total = repeats * cv.folds;
  const splitsByRepeat: IndexSplit[][] = [];
  const jobs: CvFoldJob[] = [];
  for (let r = 0; r < repeats; r++) {
    const splits = stratifiedKFold(target.y, { folds: cv.folds, seed: cv.seed + r });
    splitsByRepeat.push(splits);
    splits.forEach((split, f) => jobs.push({ train: split.train, test: split.test, seed: (options.seed ?? 0) + r * cv.folds + f }));
  }
  const join = (cv.runFolds ?? runFoldsInline)({ table, target, options, withLogreg }, jobs);
  return () => {
    let done = 0;
    const outputs = join(() => cv.onFold?.(++done, total));
    if (outputs.length !== jobs.length) throw new Error(`fold runner returned ${outputs.length} results for ${jobs.length} folds`);
    for (let r = 0; r < repeats; r++) {
      const splits = splitsByRepeat[r];
      const oofProba = matrix(n, k);
      splits.forEach((split, f) => {
        const out = outputs[r * cv.folds + f];
        for (let i = 0; i < split.test.length; i++) oofProba.data.set(out.proba.subarray(i * k, (i + 1) * k), split.test[i] * k);
        accs.push(out.accuracy);
        f1s.push(out.macroF1);
        majAcc.push(out.majority.accuracy); majF1.push(out.majority.macroF1);
        if (withLogreg) { lrAcc.push(out.logreg!.accuracy); lrF1.push(out.logreg!.macroF1); }
        histories.push(out.history);
      });
      oofByRepeat.push(oofProba);
      calibratedByRepeat.push(crossFittedCalibration(oofProba, target.y, splits.map((s) => s.test)));
      const oofPred = argmaxRows(oofProba);
      for (let i = 0; i < n; i++) { yPooled.push(target.y[i]); predPooled.push(oofPred[i]); }
    }
    const allOof = concatRows(oofByRepeat);
    const yAll = Int32Array.from(yPooled);
    const temperature = fitTemperature(allOof, yAll, { from: 'probs' });
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const calibration: CalibrationSummary = {
      temperature,
      ece: {
        raw: mean(oofByRepeat.map((p) => expectedCalibrationError(p, target.y, 10))),
        calibrated: mean(calibratedByRepeat.map((p) => expectedCalibrationError(p, target.y, 10))),
      },
      brier: {
        raw: mean(oofByRepeat.map((p) => brierScore(p, target.y))),
        calibrated: mean(calibratedByRepeat.map((p) => brierScore(p, target.y))),
      },
    };
    return {
      folds: cv.folds,
      seed: cv.seed,
      repeats,
      accuracy: meanStd(accs),
      macroF1: meanStd(f1s),
      report: classificationReport(yAll, Int32Array.from(predPooled), target.classes),
      oofProba: oofByRepeat[0],
      oofProbaByRepeat: oofByRepeat,
      histories,
      calibration,
      baselines: {
        majority: { accuracy: meanStd(majAcc), macroF1: meanStd(majF1) },
        ...(withLogreg ? { logreg: { accuracy: meanStd(lrAcc), macroF1: meanStd(lrF1) } } : {}),
      },
      uncertain: summarizeUncertain(concatRows(calibratedByRepeat), cv.uncertainBelow ?? DEFAULT_UNCERTAIN_BELOW, yAll),
    };
  };
}

/**
 * Temperature-scaled probabilities where each group's rows use a temperature fitted on the other
 * groups' rows only (groups: disjoint row index sets covering the rows, e.g. CV test folds).
 */
export function crossFittedCalibration(proba: Matrix, y: Int32Array, groups: readonly ArrayLike<number>[]): Matrix {
  const out = matrix(proba.rows, proba.cols);
  const k = proba.cols;
  const inGroup = new Int32Array(proba.rows).fill(-1);
  groups.forEach((g, gi) => { for (let i = 0; i < g.length; i++) inGroup[g[i]] = gi; });
  groups.forEach((g, gi) => {
    const others: number[] = [];
    for (let i = 0; i < proba.rows; i++) if (inGroup[i] !== gi) others.push(i);
    const T = others.length ? fitTemperature(takeRows(proba, others), takeLabels(y, others), { from: 'probs' }) : 1;
    const part = applyTemperature(takeRows(proba, g), T, { from: 'probs' });
    for (let i = 0; i < g.length; i++) out.data.set(part.data.subarray(i * k, (i + 1) * k), g[i] * k);
  });
  return out;
}

function concatRows(ms: readonly Matrix[]): Matrix {
  const rows = ms.reduce((a, m) => a + m.rows, 0);
  const out = matrix(rows, ms[0].cols);
  let off = 0;
  for (const m of ms) { out.data.set(m.data, off); off += m.data.length; }
  return out;
}


