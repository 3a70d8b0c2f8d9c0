/**
 * The training workflow behind `moodscape train` and `demo`: choose the target (a label column or
 * the original's K-Means clusters), estimate quality by stratified cross-validation or an 80/20
 * holdout, then fit the final model on every row.
 */
import { InputError } from './errors.ts';
import { featureNames } from './feature-matrix.ts';
import { accuracy, classificationReport, macroF1, type ClassificationReport } from './metrics.ts';
import { clusterMoods, type ClusterMethod, type MoodClustering } from './mood-clusters.ts';
import { encodeLabels, FittedMoodClassifier, MoodClassifier, type EncodedLabels, type MoodClassifierOptions } from './mood-classifier.ts';
import { crossValidateMoodClassifier, type CvResult } from './mood-cv.ts';
import { stratifiedTrainTestSplit } from './split.ts';
import { selectRows, type TrackTable } from './track-table.ts';

export type TrainTarget =
  | { type: 'label'; column: string }
  | { type: 'clusters'; k: number | 'auto'; method: ClusterMethod };

export interface TrainSpec {
  target: TrainTarget;
  classifier: Partial<MoodClassifierOptions>;
  /** Folds of stratified cross-validation; 0 for a single stratified 80/20 holdout. */
  cv: number;
  seed: number;
}

export interface HoldoutResult {
  readonly testSize: number;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly report: ClassificationReport;
}

export interface TrainOutcome {
  readonly model: FittedMoodClassifier;
  readonly target: EncodedLabels;
  /** The rows the model was trained on (unlabelled rows removed). */
  readonly table: TrackTable;
  readonly droppedUnlabelled: number;
  readonly cv?: CvResult;
  readonly holdout?: HoldoutResult;
  readonly clustering?: MoodClustering;
}

export type TrainProgress = (event: { stage: string; done?: number; total?: number }) => void;

export function trainMoodModel(input: TrackTable, spec: TrainSpec, progress: TrainProgress = () => {}): TrainOutcome {
  let table = input;
  let droppedUnlabelled = 0;
  let target: EncodedLabels;
  let clustering: MoodClustering | undefined;
  let classifierOptions = { ...spec.classifier, seed: spec.seed };
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
    clustering = clusterMoods(table, { k: spec.target.k, method: spec.target.method, seed: spec.seed }, (msg) => progress({ stage: msg }));
    const names = clustering.names.map((n) => n.name);
    target = encodeLabels(Array.from(clustering.labels, (c) => names[c]), [...names].sort((a, b) => a.localeCompare(b)));
    // The original trained its network on the clustering features: reproducing the cluster ids
    // is then a question of learning the clustering's own boundaries.
    classifierOptions = { features: clustering.options.features, ...classifierOptions };
  }

  let cv: CvResult | undefined;
  let holdout: HoldoutResult | undefined;
  if (spec.cv >= 2) {
    cv = crossValidateMoodClassifier(table, target, classifierOptions, {
      folds: spec.cv,
      seed: spec.seed,
      onFold: (done, total) => progress({ stage: 'cross-validation', done, total }),
    });
  } else {
    const split = stratifiedTrainTestSplit(target.y, { testSize: 0.2, seed: spec.seed });
    const train = selectRows(table, split.train);
    const test = selectRows(table, split.test);
    const m = new MoodClassifier(classifierOptions).fit(train, { y: pick(target.y, split.train), classes: target.classes });
    const yTest = pick(target.y, split.test);
    const pred = m.predict(test);
    holdout = {
      testSize: test.rowCount,
      accuracy: accuracy(yTest, pred),
      macroF1: macroF1(yTest, pred, target.classes.length),
      report: classificationReport(yTest, pred, target.classes),
    };
  }
  progress({ stage: 'final model' });
  const model = new MoodClassifier(classifierOptions).fit(table, target);
  return { model, target, table, droppedUnlabelled, cv, holdout, clustering };
}

/** The metrics block stored in the model directory and printed by `train --json`. */
export function trainMetrics(o: TrainOutcome): Record<string, unknown> {
  const out: Record<string, unknown> = {
    classes: o.target.classes,
    features: featureNames(o.model.selection),
    model: o.model.options.model,
    rows: o.table.rowCount,
  };
  if (o.cv) {
    out.cv = {
      folds: o.cv.folds,
      seed: o.cv.seed,
      accuracy: o.cv.accuracy,
      macroF1: o.cv.macroF1,
      perClass: o.cv.report.classes,
      confusion: o.cv.report.confusion,
    };
  }
  if (o.holdout) {
    out.holdout = {
      testSize: o.holdout.testSize,
      accuracy: o.holdout.accuracy,
      macroF1: o.holdout.macroF1,
      perClass: o.holdout.report.classes,
      confusion: o.holdout.report.confusion,
    };
  }
  if (o.model.classifier.history?.length) out.history = o.model.classifier.history;
  return out;
}

function countOf(y: Int32Array, k: number): number {
  let n = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === k) n++;
  return n;
}

function pick(y: Int32Array, idx: Int32Array): Int32Array {
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]];
  return out;
}
