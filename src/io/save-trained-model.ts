/**
 * Saving what `trainMoodModel` returned as a model directory, with everything `tag`, `evaluate`
 * and `explain` read back: the target, the training fingerprint, the metrics, the cluster
 * evidence, the logistic-regression baseline and the training-set hashes for overlap checks.
 * `train`, `demo` and library users all save through here.
 */
import { designMatrix } from '../core/data/feature-matrix.ts';
import { buildTrainingIndex } from '../core/evaluate/leakage.ts';
import { trainMetrics, type TrainOutcome } from '../core/classify/train-mood-model.ts';
import { trainOnSetsMetrics, type TrainOnSetsOutcome } from '../core/classify/train-on-sets.ts';
import type { MultiSetSpec } from '../core/evaluate/transfer.ts';
import { evaluationStages, fingerprint, saveMoodModel, type MoodModelInfo } from './mood-model-dir.ts';

export interface TrainedModelSource {
  /** Where the training rows came from, as recorded in model.json. */
  readonly trainingFile: string;
  /** Further top-level fields for model.json (e.g. `ingest`, the reading summary). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Writes `outcome` to `dir` (a temporary directory renamed into place). */
export async function saveTrainedModel(dir: string, outcome: TrainOutcome, source: TrainedModelSource): Promise<void> {
  const { spec, model, table, clustering } = outcome;
  let target: MoodModelInfo['target'];
  if (spec.target.type === 'label') target = { type: 'label', column: spec.target.column };
  else target = { type: 'clusters', k: clustering!.k, method: spec.target.method };
  const X = designMatrix(table, model.selection);
  await saveMoodModel(dir, model, {
    target,
    training: { file: source.trainingFile, rows: table.rowCount, fingerprint: fingerprint(X, outcome.target.y) },
    metrics: trainMetrics(outcome),
    ...source.extra,
    ...(clustering ? { clusters: { k: clustering.k, profiles: clustering.profiles } } : {}),
  }, evaluationStages(outcome.baselineModel, buildTrainingIndex(table)));
}

/**
 * Writes a model trained on several labelled sets (trainOnSets) to `dir`: the same layout as
 * saveTrainedModel, with the files and the leave-one-set-out metrics recorded.
 */
export async function saveSetsModel(dir: string, outcome: TrainOnSetsOutcome, source: { readonly trainingFiles: readonly string[]; readonly column: string; readonly spec?: MultiSetSpec; readonly extra?: Readonly<Record<string, unknown>>; readonly createdAt?: string }): Promise<void> {
  const { model, fit } = outcome;
  const X = designMatrix(fit.pooled.table, model.selection);
  await saveMoodModel(dir, model, {
    target: { type: 'label', column: source.column },
    training: { file: source.trainingFiles.join(','), files: [...source.trainingFiles], rows: fit.pooled.table.rowCount, fingerprint: fingerprint(X, fit.pooled.y) },
    metrics: trainOnSetsMetrics(outcome, source.spec),
    ...source.extra,
  }, evaluationStages(outcome.baselineModel, buildTrainingIndex(fit.pooled.table)), source.createdAt ? { createdAt: source.createdAt } : {});
}
