/**
 * What a user's own catalogue adds under leave-one-set-out: for each labelled set, a model fitted
 * on the others (fitOnSets, overlap removed, as in transfer.ts) is
 *   - adapted with n corrections drawn from the left-out set (CatalogueAdapter) and scored on the
 *     rest of that set: the learning curve of "learning from corrections";
 *   - asked for each mood's playlist over the left-out set: precision@k per mood, with a model
 *     that never saw the set.
 * Nothing is tuned on the left-out set: the adapter chooses its prior strength by cross-validation
 * on the drawn corrections alone.
 */
import { argmaxRows, takeRows } from '../common/matrix.ts';
import { createRng, permutation } from '../common/random.ts';
import { CatalogueAdapter, type CatalogueAdapterOptions } from '../classify/catalogue-adapter.ts';
import type { FittedMoodClassifier } from '../classify/mood-classifier.ts';
import type { LabelledSet } from '../data/labelled-sets.ts';
import { selectRows, type TrackTable } from '../data/track-table.ts';
import { buildTrainingIndex, findOverlap } from './leakage.ts';
import { precisionRecallF1 } from './metrics.ts';
import { DEFAULT_MULTI_SET_SPEC, fitOnSets, type MultiSetSpec } from './transfer.ts';
import { buildRecCatalog } from '../recommend/recommend.ts';
import { evaluateRecs } from '../recommend/evaluate-recs.ts';
import type { PriorShiftMode } from '../tag/tag-tracks.ts';

export interface LeftOutFold {
  readonly set: LabelledSet;
  readonly model: FittedMoodClassifier;
  /** The left-out set's rows that are not in the training pool, and their classes. */
  readonly table: TrackTable;
  readonly y: Int32Array;
}

/** One fold per set: the model fitted on the others and the left-out rows it never saw. */
export function leftOutFolds(sets: readonly LabelledSet[], classes: readonly string[], spec: MultiSetSpec = DEFAULT_MULTI_SET_SPEC, seed = 0): LeftOutFold[] {
  if (sets.length < 2) throw new RangeError(`leave-one-set-out needs at least two sets, got ${sets.length}`);
  return sets.map((set, t) => {
    const fit = fitOnSets(sets.filter((_, i) => i !== t), classes, spec, seed);
    const { keep } = findOverlap(set.table, buildTrainingIndex(fit.pooled.table));
    return { set, model: fit.model, table: selectRows(set.table, keep), y: Int32Array.from(keep, (i) => set.y[i]) };
  });
}

/** Mean F1 over the moods a set labels (a prediction outside them counts wrong), as in transfer.ts. */
export function macroF1Over(y: Int32Array, pred: Int32Array, K: number, moods: readonly number[]): number {
  const { f1 } = precisionRecallF1(y, pred, K);
  return moods.reduce((s, k) => s + f1[k], 0) / moods.length;
}

export interface LearningCurveOptions {
  /** Corrections drawn from the left-out set (default 10, 25, 50, 100). */
  sizes?: readonly number[];
  /** Seeded draws per size (default 5). */
  draws?: number;
  seed?: number;
  adapter?: Partial<CatalogueAdapterOptions>;
}

export interface LearningCurvePoint {
  readonly corrections: number;
  /** Macro-F1 of the adapted model on the rest of the set, per draw. */
  readonly macroF1: readonly number[];
  /** The unadapted model on the same rest, per draw. */
  readonly baseline: readonly number[];
  readonly meanMacroF1: number;
  readonly meanGain: number;
}

export interface LearningCurveFold {
  readonly set: string;
  readonly rows: number;
  /** Unadapted macro-F1 on every left-out row. */
  readonly unadapted: number;
  readonly points: readonly LearningCurvePoint[];
}

export interface LearningCurve {
  readonly sizes: readonly number[];
  readonly draws: number;
  readonly folds: readonly LearningCurveFold[];
  /** Per size: the mean over sets of the mean over draws. */
  readonly mean: readonly { readonly corrections: number; readonly macroF1: number; readonly gain: number }[];
  readonly meanUnadapted: number;
}

export function correctionLearningCurve(folds: readonly LeftOutFold[], classes: readonly string[], o: LearningCurveOptions = {}): LearningCurve {
  const sizes = o.sizes ?? [10, 25, 50, 100];
  const draws = o.draws ?? 5;
  const seed = o.seed ?? 0;
  const K = classes.length;
  const out: LearningCurveFold[] = folds.map((f, t) => {
    const X = f.model.featureMatrix(f.table);
    const P = f.model.predictProbaRaw(X);
    const pred = argmaxRows(P);
    const points = sizes.map((n) => {
      if (n >= f.y.length) throw new RangeError(`${f.set.name}: ${n} corrections leave no rows to score (it has ${f.y.length})`);
      const macroF1: number[] = [], baseline: number[] = [];
      for (let d = 0; d < draws; d++) {
        const order = permutation(f.y.length, createRng(seed + 1000 * t + 100 * d + n));
        const drawn = order.subarray(0, n), rest = order.subarray(n);
        const yRest = Int32Array.from(rest, (i) => f.y[i]);
        const { model } = new CatalogueAdapter({ ...o.adapter, seed: seed + d }).fit(f.model, takeRows(X, drawn), Int32Array.from(drawn, (i) => f.y[i]));
        macroF1.push(macroF1Over(yRest, argmaxRows(model.predictProbaRaw(takeRows(X, rest))), K, f.set.moods));
        baseline.push(macroF1Over(yRest, Int32Array.from(rest, (i) => pred[i]), K, f.set.moods));
      }
      const m = mean(macroF1);
      return { corrections: n, macroF1, baseline, meanMacroF1: m, meanGain: m - mean(baseline) };
    });
    return { set: f.set.name, rows: f.y.length, unadapted: macroF1Over(f.y, pred, K, f.set.moods), points };
  });
  return {
    sizes, draws, folds: out,
    mean: sizes.map((n, j) => ({ corrections: n, macroF1: mean(out.map((f) => f.points[j].meanMacroF1)), gain: mean(out.map((f) => f.points[j].meanGain)) })),
    meanUnadapted: mean(out.map((f) => f.unadapted)),
  };
}

export interface PrecisionAtKFold {
  readonly set: string;
  readonly rows: number;
  /** Per mood the set labels: precision@k of the mood's playlist and the mood's share of the set. */
  readonly moods: readonly { readonly mood: string; readonly precision: number; readonly baseRate: number; readonly returned: number }[];
  readonly meanPrecision: number;
  readonly meanBaseRate: number;
}

export interface PrecisionAtK {
  readonly k: number;
  readonly priorShift: PriorShiftMode;
  readonly folds: readonly PrecisionAtKFold[];
  readonly meanPrecision: number;
  readonly meanBaseRate: number;
}

/**
 * Mood playlists on a catalogue the model never saw: for each left-out set, each mood it labels,
 * the recommender's k-track playlist of that mood over the set, scored against the set's labels.
 */
export function leftOutPrecisionAtK(folds: readonly LeftOutFold[], classes: readonly string[], o: { k?: number; priorShift?: PriorShiftMode; lambda?: number } = {}): PrecisionAtK {
  const k = o.k ?? 20;
  const priorShift = o.priorShift ?? 'off';
  const out: PrecisionAtKFold[] = folds.map((f) => {
    const catalog = buildRecCatalog(f.table, f.model, undefined, { priorShift });
    const labels = Array.from(f.y, (c) => classes[c]);
    const report = evaluateRecs(catalog, labels, { ks: [k], ...(o.lambda !== undefined ? { lambda: o.lambda } : {}) });
    // A mood whose playlist comes back empty (no track predicted as it) scores 0, not "skipped".
    const moods = f.set.moods.map((c) => {
      const m = report.perMood.find((r) => r.mood === classes[c]);
      const baseRate = f.y.reduce((s, v) => s + (v === c ? 1 : 0), 0) / f.y.length;
      return { mood: classes[c], precision: m?.precision ?? 0, baseRate, returned: m?.returned ?? 0 };
    });
    return { set: f.set.name, rows: f.y.length, moods, meanPrecision: mean(moods.map((m) => m.precision)), meanBaseRate: mean(moods.map((m) => m.baseRate)) };
  });
  return { k, priorShift, folds: out, meanPrecision: mean(out.map((f) => f.meanPrecision)), meanBaseRate: mean(out.map((f) => f.meanBaseRate)) };
}

function mean(a: readonly number[]): number {
  return a.length ? a.reduce((s, v) => s + v, 0) / a.length : NaN;
}
