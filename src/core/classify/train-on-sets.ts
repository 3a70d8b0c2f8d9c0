/**
 * The training workflow for several labelled sets (`moodscape train a.csv b.csv …` and the built-in
 * model's script): leave-one-set-out to measure how the moods carry over and to fit the
 * temperature on out-of-set predictions, then the final model on every set (fitOnSets), with the
 * logistic-regression baseline `evaluate` scores beside it.
 */
import { BASELINE_LOGREG_OPTIONS } from '../evaluate/baselines.ts';
import { applyTemperature, brierScore, expectedCalibrationError, fitTemperature } from './calibration.ts';
import { MoodClassifier, type FittedMoodClassifier } from './mood-classifier.ts';
import { DEFAULT_UNCERTAIN_BELOW } from './uncertain.ts';
import type { LabelledSet } from '../data/labelled-sets.ts';
import { DEFAULT_MULTI_SET_SPEC, evaluateTransfer, fitOnSets, stackPredictions, type MultiSetFit, type MultiSetSpec, type TransferResult } from '../evaluate/transfer.ts';

export interface TrainOnSetsOptions {
  spec?: MultiSetSpec;
  seed?: number;
  /** Fit a temperature on the leave-one-set-out predictions. Default true. */
  calibrate?: boolean;
  uncertainBelow?: number;
  onStage?: (stage: string) => void;
}

export interface TrainOnSetsOutcome {
  /** The final model (all sets), with the temperature applied. */
  readonly model: FittedMoodClassifier;
  readonly fit: MultiSetFit;
  readonly classes: readonly string[];
  readonly transfer: TransferResult;
  readonly calibration: {
    readonly temperature: number;
    /** On the stacked out-of-set predictions (the temperature is fitted on the same rows). */
    readonly ece: { readonly raw: number; readonly calibrated: number };
    readonly brier: { readonly raw: number; readonly calibrated: number };
  };
  readonly baselineModel: FittedMoodClassifier;
  readonly sets: readonly { readonly name: string; readonly tracks: number; readonly moods: readonly string[]; readonly mapped: Readonly<Record<string, number>>; readonly unmapped: Readonly<Record<string, number>>; readonly outsideClasses: Readonly<Record<string, number>> }[];
}

export function trainOnSets(sets: readonly LabelledSet[], classes: readonly string[], options: TrainOnSetsOptions = {}): TrainOnSetsOutcome {
  const spec = options.spec ?? DEFAULT_MULTI_SET_SPEC;
  const seed = options.seed ?? 0;
  const stage = options.onStage ?? (() => {});
  stage('leave-one-set-out');
  const transfer = evaluateTransfer(sets, { classes, spec, seed, keepPredictions: true, onFold: (d, t, s) => stage(`left out ${s} (${d}/${t})`) });
  const stacked = stackPredictions(transfer);
  const temperature = options.calibrate === false ? 1 : fitTemperature(stacked.proba, stacked.y, { from: 'probs' });
  const scaled = applyTemperature(stacked.proba, temperature, { from: 'probs' });
  stage('final model');
  const fit = fitOnSets(sets, classes, spec, seed);
  const model = fit.model.withTemperature(temperature, options.uncertainBelow ?? DEFAULT_UNCERTAIN_BELOW);
  const baselineModel = new MoodClassifier({ features: fit.model.selection, model: 'logreg', classifierOptions: { ...BASELINE_LOGREG_OPTIONS } })
    .fit(fit.pooled.table, { y: fit.pooled.y, classes: [...classes] });
  return {
    model, fit, classes, transfer, baselineModel,
    calibration: {
      temperature,
      ece: { raw: expectedCalibrationError(stacked.proba, stacked.y, 10), calibrated: expectedCalibrationError(scaled, stacked.y, 10) },
      brier: { raw: brierScore(stacked.proba, stacked.y), calibrated: brierScore(scaled, stacked.y) },
    },
    sets: sets.map((s) => ({ name: s.name, tracks: s.table.rowCount, moods: s.moods.map((k) => classes[k]), mapped: s.mapped, unmapped: s.unmapped, outsideClasses: s.outsideClasses })),
  };
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

/** The metrics block stored in the model directory and printed by `train --json` for several sets. */
export function trainOnSetsMetrics(o: TrainOnSetsOutcome, spec: MultiSetSpec = DEFAULT_MULTI_SET_SPEC): Record<string, unknown> {
  const t = o.transfer;
  return {
    classes: o.classes,
    features: o.model.featureNames,
    model: o.model.options.model,
    classifierOptions: o.model.options.classifierOptions,
    multiSet: { weighting: spec.weighting ?? 'equal', classBalanced: spec.classBalanced ?? true, partialLabels: spec.partialLabels ?? true },
    rows: o.fit.pooled.table.rowCount,
    temperature: o.model.temperature,
    uncertainBelow: o.model.uncertainBelow,
    sets: o.sets,
    dedupe: o.fit.pooled.dedupe,
    trainPriors: Object.fromEntries(o.classes.map((c, k) => [c, r3(o.fit.trainPriors[k])])),
    leaveOneSetOut: {
      folds: t.folds.map((f) => ({
        set: f.set, moods: f.moods, rows: f.rows, overlapRemoved: f.overlapRemoved.total,
        macroF1: r3(f.macroF1), accuracy: r3(f.accuracy),
        baselines: { logreg: r3(f.baselines.logreg.macroF1), logregBalanced: r3(f.baselines.logregBalanced.macroF1), majority: r3(f.baselines.majority.macroF1) },
        perClass: f.report.classes.filter((_, k) => f.moods.includes(o.classes[k])).map((c) => ({ name: c.name, precision: r3(c.precision), recall: r3(c.recall), f1: r3(c.f1), support: c.support })),
      })),
      mean: { macroF1: r3(t.mean.macroF1), accuracy: r3(t.mean.accuracy), baselines: { logreg: r3(t.mean.baselines.logreg.macroF1), logregBalanced: r3(t.mean.baselines.logregBalanced.macroF1), majority: r3(t.mean.baselines.majority.macroF1) } },
    },
    calibration: o.calibration,
  };
}
