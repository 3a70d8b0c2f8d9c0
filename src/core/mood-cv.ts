/**
 * Stratified k-fold cross-validation of the whole mood pipeline (scaler and classifier refitted
 * on every training fold, so no statistic of a test fold leaks into its model).
 */
import { matrix, type Matrix } from './matrix.ts';
import { classificationReport, macroF1, accuracy, type ClassificationReport } from './metrics.ts';
import type { EpochRecord } from './mlp.ts';
import { MoodClassifier, type EncodedLabels, type MoodClassifierOptions } from './mood-classifier.ts';
import { stratifiedKFold } from './split.ts';
import { selectRows, type TrackTable } from './track-table.ts';

export interface MeanStd {
  readonly mean: number;
  /** Population standard deviation over folds (numpy's np.std default, as sklearn examples report). */
  readonly std: number;
  readonly perFold: readonly number[];
}

export interface CvResult {
  readonly folds: number;
  readonly seed: number;
  readonly accuracy: MeanStd;
  readonly macroF1: MeanStd;
  /** The out-of-fold predictions of every row, scored together. */
  readonly report: ClassificationReport;
  /** Out-of-fold probabilities (rows × classes), each row predicted by the fold that held it out. */
  readonly oofProba: Matrix;
  readonly histories: readonly (readonly EpochRecord[])[];
}

export function meanStd(values: readonly number[]): MeanStd {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance), perFold: [...values] };
}

export function crossValidateMoodClassifier(
  table: TrackTable,
  target: EncodedLabels,
  options: Partial<MoodClassifierOptions>,
  cv: { folds: number; seed: number; onFold?: (fold: number, folds: number) => void },
): CvResult {
  const splits = stratifiedKFold(target.y, { folds: cv.folds, seed: cv.seed });
  const k = target.classes.length;
  const oofProba = matrix(table.rowCount, k);
  const oofPred = new Int32Array(table.rowCount);
  const accs: number[] = [];
  const f1s: number[] = [];
  const histories: EpochRecord[][] = [];
  splits.forEach((split, f) => {
    const train = selectRows(table, split.train);
    const test = selectRows(table, split.test);
    const yTrain = pick(target.y, split.train);
    const yTest = pick(target.y, split.test);
    const model = new MoodClassifier({ ...options, seed: (options.seed ?? 0) + f }).fit(train, { y: yTrain, classes: target.classes });
    const proba = model.predictProba(test);
    const pred = new Int32Array(test.rowCount);
    for (let i = 0; i < test.rowCount; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (proba.data[i * k + j] > proba.data[i * k + best]) best = j;
      pred[i] = best;
      oofPred[split.test[i]] = best;
      oofProba.data.set(proba.data.subarray(i * k, (i + 1) * k), split.test[i] * k);
    }
    accs.push(accuracy(yTest, pred));
    f1s.push(macroF1(yTest, pred, k));
    histories.push([...(model.classifier.history ?? [])]);
    cv.onFold?.(f + 1, splits.length);
  });
  return {
    folds: cv.folds,
    seed: cv.seed,
    accuracy: meanStd(accs),
    macroF1: meanStd(f1s),
    report: classificationReport(target.y, oofPred, target.classes),
    oofProba,
    histories,
  };
}

function pick(y: Int32Array, idx: Int32Array): Int32Array {
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]];
  return out;
}
