/**
 * Stratified k-fold cross-validation of any classifier with the estimator contract
 * (`fit(X, y, nClasses) → { predictProba, predict, history? }`).
 *
 * Per-fold preprocessing goes through `prepare(trainIdx, testIdx)`, which must fit anything it
 * learns (a scaler, a feature selector) on the training rows only, so the test fold never leaks
 * into training. Without `prepare` the raw rows of X are used.
 *
 * Spread across folds is the population standard deviation (divide by k), matching numpy's
 * default `np.std` as used on sklearn's `cross_val_score` results.
 */
import { takeRows, matrix, type Matrix } from '../common/matrix.ts';
import { accuracy, assertLabels, confusionMatrix, macroF1 } from './metrics.ts';
import { stratifiedKFold } from './split.ts';
import type { EpochRecord, FitOptions } from '../classify/mlp.ts';

export interface FittedClassifierLike {
  predictProba(X: Matrix): Matrix;
  predict(X: Matrix): Int32Array;
  readonly history?: readonly EpochRecord[];
}

export interface ClassifierLike {
  fit(X: Matrix, y: Int32Array, nClasses: number, opts?: FitOptions): FittedClassifierLike;
}

export interface CrossValidateInput {
  X: Matrix;
  y: Int32Array;
  nClasses: number;
  /** Number of stratified folds (default 5). */
  folds?: number;
  /** Seed of the fold assignment (default 0). */
  seed?: number;
  /** A fresh, unfitted model for each fold (fold index given, e.g. to vary the seed). */
  makeModel: (fold: number) => ClassifierLike;
  /** Per-fold preprocessing fitted on the training rows only. */
  prepare?: (trainIdx: Int32Array, testIdx: Int32Array, fold: number) => { Xtrain: Matrix; Xtest: Matrix };
  /** Called after each fold with its result (progress reporting). */
  onFold?: (result: FoldResult) => void;
}

export interface FoldResult {
  readonly fold: number;
  readonly trainIdx: Int32Array;
  readonly testIdx: Int32Array;
  readonly accuracy: number;
  readonly macroF1: number;
  /** Rows true class, columns predicted, on this fold's test rows. */
  readonly confusion: number[][];
  readonly history: readonly EpochRecord[];
}

export interface Summary {
  readonly values: Float64Array;
  readonly mean: number;
  /** Population standard deviation (ddof = 0, numpy's default). */
  readonly std: number;
}

export interface CrossValidateResult {
  readonly folds: readonly FoldResult[];
  readonly accuracy: Summary;
  readonly macroF1: Summary;
  /** Sum of the per-fold confusion matrices (each row is a test prediction exactly once). */
  readonly confusion: number[][];
  /** Out-of-fold predicted class of every row. */
  readonly oofPredictions: Int32Array;
  /** Out-of-fold probabilities, rows × nClasses. */
  readonly oofProbabilities: Matrix;
}

export function summarize(values: ArrayLike<number>): Summary {
  const v = Float64Array.from(values);
  const n = v.length;
  if (n === 0) return { values: v, mean: NaN, std: NaN };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  return { values: v, mean, std: Math.sqrt(ss / n) };
}

export function crossValidate(input: CrossValidateInput): CrossValidateResult {
  const { X, y, nClasses, makeModel, prepare, onFold } = input;
  if (y.length !== X.rows) throw new RangeError(`crossValidate: ${y.length} labels for ${X.rows} rows`);
  assertLabels(y, nClasses, 'crossValidate');
  const splits = stratifiedKFold(y, { folds: input.folds ?? 5, seed: input.seed ?? 0 });
  const K = nClasses;
  const oofPredictions = new Int32Array(X.rows);
  const oofProbabilities = matrix(X.rows, K);
  const folds: FoldResult[] = [];
  const total: number[][] = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  splits.forEach((split, fold) => {
    const { train, test } = split;
    const { Xtrain, Xtest } = prepare ? prepare(train, test, fold) : { Xtrain: takeRows(X, train), Xtest: takeRows(X, test) };
    if (Xtrain.rows !== train.length || Xtest.rows !== test.length) {
      throw new RangeError(`crossValidate: prepare returned ${Xtrain.rows}/${Xtest.rows} rows for ${train.length}/${test.length} indices`);
    }
    const ytrain = Int32Array.from(train, (i) => y[i]);
    const ytest = Int32Array.from(test, (i) => y[i]);
    const model = makeModel(fold).fit(Xtrain, ytrain, K);
    const proba = model.predictProba(Xtest);
    if (proba.rows !== test.length || proba.cols !== K) throw new RangeError(`crossValidate: predictProba gave ${proba.rows}×${proba.cols}, expected ${test.length}×${K}`);
    const pred = model.predict(Xtest);
    for (let r = 0; r < test.length; r++) {
      oofPredictions[test[r]] = pred[r];
      oofProbabilities.data.set(proba.data.subarray(r * K, (r + 1) * K), test[r] * K);
    }
    const confusion = confusionMatrix(ytest, pred, K);
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) total[a][b] += confusion[a][b];
    const result: FoldResult = {
      fold, trainIdx: train, testIdx: test,
      accuracy: accuracy(ytest, pred), macroF1: macroF1(ytest, pred, K),
      confusion, history: model.history ?? [],
    };
    folds.push(result);
    onFold?.(result);
  });
  return {
    folds,
    accuracy: summarize(folds.map((f) => f.accuracy)),
    macroF1: summarize(folds.map((f) => f.macroF1)),
    confusion: total,
    oofPredictions,
    oofProbabilities,
  };
}
