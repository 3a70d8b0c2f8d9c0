/**
 * Baselines shown beside the mood network, so a user sees what it adds: the majority class (what
 * always answering the most common training mood scores) and logistic regression on the same
 * features (what a linear model scores).
 */
import { accuracy, classCounts, macroF1 } from './metrics.ts';

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
