/**
 * Classification metrics, following scikit-learn's definitions (sklearn.metrics): confusion rows
 * are true classes and columns predicted ones; precision/recall/F1 of a class with no predicted
 * (or no true) members is 0, like sklearn's default `zero_division` (sklearn also warns).
 *
 * Labels are class indices 0..nClasses-1 in an Int32Array. The small label helpers here
 * (`assertLabels`, `classCounts`, `resolveClassWeights`) are shared by the estimators.
 */
import type { Matrix } from '../common/matrix.ts';

/** Throws unless every label is an integer in [0, nClasses) and (when given) there are `n` of them. */
export function assertLabels(y: ArrayLike<number>, nClasses: number, who: string, n?: number): void {
  if (!Number.isInteger(nClasses) || nClasses < 1) throw new RangeError(`${who}: nClasses must be a positive integer, got ${nClasses}`);
  if (n !== undefined && y.length !== n) throw new RangeError(`${who}: got ${y.length} labels for ${n} rows`);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!(v >= 0 && v < nClasses) || !Number.isInteger(v)) {
      throw new RangeError(`${who}: label ${v} at row ${i} is not a class index in [0, ${nClasses})`);
    }
  }
}

export function classCounts(y: ArrayLike<number>, nClasses: number): Int32Array {
  const c = new Int32Array(nClasses);
  for (let i = 0; i < y.length; i++) c[y[i]]++;
  return c;
}

/** Per-class loss weights: explicit weights, sklearn's 'balanced' (n / (K · count_k)), or none (null → undefined). */
export type ClassWeightSpec = readonly number[] | 'balanced' | null;

/** The option check of a ClassWeightSpec (used by every classifier that takes class weights). */
export const classWeightsCheck = (v: ClassWeightSpec): string | undefined =>
  v === null || v === 'balanced' || (Array.isArray(v) && v.every((w) => Number.isFinite(w) && w >= 0))
    ? undefined
    : "null, 'balanced' or an array of finite weights ≥ 0";

export function resolveClassWeights(spec: ClassWeightSpec, y: ArrayLike<number>, nClasses: number, who: string): Float64Array | undefined {
  if (spec === null || spec === undefined) return undefined;
  const w = new Float64Array(nClasses);
  if (spec === 'balanced') {
    const counts = classCounts(y, nClasses);
    let present = 0;
    for (let k = 0; k < nClasses; k++) if (counts[k] > 0) present++;
    for (let k = 0; k < nClasses; k++) w[k] = counts[k] > 0 ? y.length / (present * counts[k]) : 1;
    return w;
  }
  if (!Array.isArray(spec) || spec.length !== nClasses) {
    throw new RangeError(`${who}: classWeights must have one weight per class (${nClasses}), got ${Array.isArray(spec) ? spec.length : String(spec)}`);
  }
  for (let k = 0; k < nClasses; k++) {
    const v = spec[k];
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${who}: classWeights[${k}] must be a finite number ≥ 0, got ${v}`);
    w[k] = v;
  }
  return w;
}

function checkPair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, who: string): void {
  if (yTrue.length !== yPred.length) throw new RangeError(`${who}: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  if (yTrue.length === 0) throw new RangeError(`${who}: no labels`);
}

function inferClasses(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  let m = -1;
  for (let i = 0; i < yTrue.length; i++) { if (yTrue[i] > m) m = yTrue[i]; if (yPred[i] > m) m = yPred[i]; }
  return m + 1;
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred, 'accuracy');
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ok / yTrue.length;
}

/** counts[t][p] = number of rows of true class t predicted as p. nClasses defaults to max label + 1. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses?: number): number[][] {
  checkPair(yTrue, yPred, 'confusionMatrix');
  const k = nClasses ?? inferClasses(yTrue, yPred);
  assertLabels(yTrue, k, 'confusionMatrix (yTrue)');
  assertLabels(yPred, k, 'confusionMatrix (yPred)');
  const m: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

export interface PerClassScores {
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  readonly f1: Float64Array;
  /** Number of true members of each class. */
  readonly support: Int32Array;
}

export function precisionRecallF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses?: number): PerClassScores {
  const cm = confusionMatrix(yTrue, yPred, nClasses);
  return scoresFromConfusion(cm);
}

/** Per-class precision/recall/F1/support from a confusion matrix (rows true, columns predicted). */
export function scoresFromConfusion(cm: readonly (readonly number[])[]): PerClassScores {
  const k = cm.length;
  const precision = new Float64Array(k), recall = new Float64Array(k), f1 = new Float64Array(k);
  const support = new Int32Array(k);
  for (let c = 0; c < k; c++) {
    let rowSum = 0, colSum = 0;
    for (let j = 0; j < k; j++) { rowSum += cm[c][j]; colSum += cm[j][c]; }
    const tp = cm[c][c];
    support[c] = rowSum;
    precision[c] = colSum > 0 ? tp / colSum : 0;
    recall[c] = rowSum > 0 ? tp / rowSum : 0;
    const s = precision[c] + recall[c];
    f1[c] = s > 0 ? (2 * precision[c] * recall[c]) / s : 0;
  }
  return { precision, recall, f1, support };
}

/** Unweighted mean of per-class F1 over all nClasses classes (sklearn `f1_score(average='macro')` with `labels=range(K)`). */
export function macroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses?: number): number {
  const { f1 } = precisionRecallF1(yTrue, yPred, nClasses);
  let s = 0;
  for (let c = 0; c < f1.length; c++) s += f1[c];
  return s / f1.length;
}

/** Support-weighted mean of per-class F1 (sklearn `average='weighted'`). */
export function weightedF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses?: number): number {
  const { f1, support } = precisionRecallF1(yTrue, yPred, nClasses);
  let s = 0, n = 0;
  for (let c = 0; c < f1.length; c++) { s += f1[c] * support[c]; n += support[c]; }
  return n > 0 ? s / n : 0;
}

/**
 * Mean negative log-likelihood of the true class. Probabilities are clipped to [eps, 1 − eps] and
 * each row renormalised, as sklearn's `log_loss` does.
 */
export function logLoss(yTrue: ArrayLike<number>, proba: Matrix, eps = 1e-15): number {
  const n = proba.rows, k = proba.cols;
  if (yTrue.length !== n) throw new RangeError(`logLoss: ${yTrue.length} labels for ${n} probability rows`);
  if (n === 0) throw new RangeError('logLoss: no rows');
  assertLabels(yTrue, k, 'logLoss');
  const d = proba.data;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.min(Math.max(d[i * k + c], eps), 1 - eps);
    const p = Math.min(Math.max(d[i * k + yTrue[i]], eps), 1 - eps) / sum;
    total -= Math.log(p);
  }
  return total / n;
}

export interface ClassScoreRow {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassificationReport {
  readonly classes: readonly (ClassScoreRow & { readonly name: string })[];
  readonly accuracy: number;
  readonly macroAvg: ClassScoreRow;
  readonly weightedAvg: ClassScoreRow;
  /** Rows true class, columns predicted class, in classNames order. */
  readonly confusion: number[][];
}

/** sklearn's `classification_report(output_dict=True)` as an object, plus the confusion matrix. */
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  classNames: readonly string[],
): ClassificationReport {
  const k = classNames.length;
  const confusion = confusionMatrix(yTrue, yPred, k);
  const s = scoresFromConfusion(confusion);
  const n = yTrue.length;
  const classes = classNames.map((name, c) => ({ name, precision: s.precision[c], recall: s.recall[c], f1: s.f1[c], support: s.support[c] }));
  const avg = (weighted: boolean): ClassScoreRow => {
    let p = 0, r = 0, f = 0, w = 0;
    for (let c = 0; c < k; c++) {
      const wc = weighted ? s.support[c] : 1;
      p += wc * s.precision[c]; r += wc * s.recall[c]; f += wc * s.f1[c]; w += wc;
    }
    return { precision: w ? p / w : 0, recall: w ? r / w : 0, f1: w ? f / w : 0, support: n };
  };
  let ok = 0;
  for (let c = 0; c < k; c++) ok += confusion[c][c];
  return { classes, accuracy: ok / n, macroAvg: avg(false), weightedAvg: avg(true), confusion };
}

/** Plain-text table in the layout of sklearn's `classification_report`. */
export function formatClassificationReport(r: ClassificationReport, digits = 2): string {
  const w = Math.max(12, ...r.classes.map((c) => c.name.length)) + 2;
  const f = (x: number): string => x.toFixed(digits).padStart(10);
  const line = (name: string, row: ClassScoreRow): string => name.padStart(w) + f(row.precision) + f(row.recall) + f(row.f1) + String(row.support).padStart(10);
  const out = [' '.repeat(w) + 'precision'.padStart(10) + 'recall'.padStart(10) + 'f1-score'.padStart(10) + 'support'.padStart(10), ''];
  for (const c of r.classes) out.push(line(c.name, c));
  out.push('');
  out.push('accuracy'.padStart(w) + ' '.repeat(20) + f(r.accuracy) + String(r.macroAvg.support).padStart(10));
  out.push(line('macro avg', r.macroAvg));
  out.push(line('weighted avg', r.weightedAvg));
  return out.join('\n');
}
