/**
 * Baselines shown beside the mood network, so a user sees what it adds: the majority class (what
 * always answering the most common training mood scores) and logistic regression on the same
 * features (what a linear model scores).
 */
import { accuracy, classCounts, macroF1 } from './metrics.ts';

/**
 * Options of the logistic-regression baseline. Its gradient tolerance is 1e-5 rather than the
 * estimator's 1e-7: on 100k tracks that halves its L-BFGS iterations (99 instead of 200+) while
 * the loss moves in the 5th digit and accuracy by < 0.0005, and the baseline is fitted once per
 * fold plus once on all data.
 */
export const BASELINE_LOGREG_OPTIONS = { maxIter: 200, tol: 1e-5 } as const;

export interface BaselineScores {
  readonly accuracy: number;
  readonly macroF1: number;
}

/** The most common class of the training labels (the first on ties, like sklearn's DummyClassifier). */
export function majorityClass(y: ArrayLike<number>, nClasses: number): number {
  const c = classCounts(y, nClasses);
  let best = 0;
  for (let k = 1; k < nClasses; k++) if (c[k] > c[best]) best = k;
  return best;
}

/** Scores of always predicting `klass`. */
export function constantScores(yTrue: ArrayLike<number>, klass: number, nClasses: number): BaselineScores {
  const pred = new Int32Array(yTrue.length).fill(klass);
  return { accuracy: accuracy(yTrue, pred), macroF1: macroF1(yTrue, pred, nClasses) };
}
